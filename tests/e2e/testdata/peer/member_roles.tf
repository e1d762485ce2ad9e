# The official provider's account member with roles and status = pending.
variable "role" {
  type = string
}

resource "cftenant_account" "test" {
  name = "Peer Member Account"
}

resource "cftenant_account_member" "test" {
  account_id = cftenant_account.test.id
  email      = "peer-member@example.com"
  roles      = [var.role]
  status     = "pending"
}
