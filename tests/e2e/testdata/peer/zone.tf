# The official provider's zoneconfigwithtypesetup.tf and zoneconfigwithpaused.tf.
variable "type" {
  type    = string
  default = null
}

variable "paused" {
  type    = bool
  default = null
}

resource "cftenant_account" "test" {
  name = "Peer Zone Account"
  # Cloudflare changes a zone's type on enterprise zones or accounts only.
  type = "enterprise"
}

resource "cftenant_zone" "test" {
  account_id = cftenant_account.test.id
  name       = "peer-zone-example.net"
  type       = var.type
  paused     = var.paused
}
