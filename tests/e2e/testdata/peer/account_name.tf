# The official provider's accountname.tf: the name alone (no type line).
variable "name" {
  type = string
}

resource "cftenant_account" "test" {
  name = var.name
}
