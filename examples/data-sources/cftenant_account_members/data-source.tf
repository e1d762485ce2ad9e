variable "account_id" {
  description = "The id of an account of your tenant, e.g. cftenant_account.customer.id."
  type        = string
}

data "cftenant_account_members" "this" {
  account_id = var.account_id
}

# Who has access, and who has not accepted yet.
output "members" {
  value = { for m in data.cftenant_account_members.this.members : m.email => m.status }
}

# The membership id of one member: what importing it takes.
output "ada_membership" {
  value = one([for m in data.cftenant_account_members.this.members : m.id if m.email == "ada@example.com"])
}
