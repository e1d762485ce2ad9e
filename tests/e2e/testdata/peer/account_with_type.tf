# The official provider's accountwithtype.tf: a name and a type.
variable "name" {
  type = string
}

resource "cftenant_account" "test" {
  name = var.name
  type = "enterprise"
}
