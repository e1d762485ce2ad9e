# A full zone the tests rename and pause through the variables, and a
# partial one that stays.
variable "name" {
  type    = string
  default = "example.com"
}

variable "paused" {
  type    = bool
  default = null
}

resource "cftenant_account" "customer" {
  name = "Zone Customer"
}

resource "cftenant_zone" "main" {
  account_id = cftenant_account.customer.id
  name       = var.name
  paused     = var.paused
}

resource "cftenant_zone" "partial" {
  account_id = cftenant_account.customer.id
  name       = "partial-example.net"
  type       = "partial"
}
