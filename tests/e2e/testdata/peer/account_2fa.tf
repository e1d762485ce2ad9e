# The official provider's accountwith2fa.tf: a name and two-factor enforcement.
variable "name" {
  type = string
}

variable "enforce_twofactor" {
  type = bool
}

resource "cftenant_account" "test" {
  name              = var.name
  enforce_twofactor = var.enforce_twofactor
}
