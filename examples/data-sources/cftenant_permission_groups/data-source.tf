variable "account_id" {
  description = "The id of an account of your tenant, e.g. cftenant_account.customer.id."
  type        = string
}

data "cftenant_permission_groups" "this" {
  account_id = var.account_id
}

data "cftenant_resource_groups" "this" {
  account_id = var.account_id
}

# A member granted one permission group over the whole account, by name:
# no id hard-coded.
resource "cftenant_account_member" "dns" {
  account_id = var.account_id
  email      = "dns-admin@example.com"
  policies = [{
    access               = "allow"
    permission_group_ids = [one([for g in data.cftenant_permission_groups.this.permission_groups : g.id if g.name == "DNS"])]
    resource_group_ids   = [data.cftenant_resource_groups.this.resource_groups[0].id]
  }]
}
