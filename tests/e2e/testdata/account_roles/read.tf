variable "account_id" {
  type = string
}

data "cftenant_account_roles" "this" {
  account_id = var.account_id
}

output "roles" {
  value = data.cftenant_account_roles.this.roles
}

# How a configuration picks a role for a member: by name, not by id.
output "administrator_role_id" {
  value = one([for r in data.cftenant_account_roles.this.roles : r.id if r.name == "Administrator"])
}
