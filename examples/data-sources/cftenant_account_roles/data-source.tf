variable "account_id" {
  description = "The id of an account of your tenant, e.g. cftenant_account.customer.id."
  type        = string
}

data "cftenant_account_roles" "this" {
  account_id = var.account_id
}

# Role ids by name, so member roles can be chosen by name.
output "role_ids" {
  value = { for r in data.cftenant_account_roles.this.roles : r.name => r.id }
}

# The Administrator role: what customers usually get.
output "administrator_role_id" {
  value = one([for r in data.cftenant_account_roles.this.roles : r.id if r.name == "Administrator"])
}
