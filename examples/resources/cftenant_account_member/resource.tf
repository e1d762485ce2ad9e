resource "cftenant_account" "customer" {
  name = "Example Customer"
}

data "cftenant_account_roles" "customer" {
  account_id = cftenant_account.customer.id
}

resource "cftenant_account_member" "admin" {
  account_id = cftenant_account.customer.id
  email      = "admin@customer.example"
  roles      = [for r in data.cftenant_account_roles.customer.roles : r.id if r.name == "Administrator"]
}

# Or policies instead of roles: permission groups over resource groups.
variable "dns_read_permission_group_id" {
  type = string
}

variable "customer_resource_group_id" {
  type = string
}

resource "cftenant_account_member" "auditor" {
  account_id = cftenant_account.customer.id
  email      = "auditor@customer.example"
  policies = [{
    access               = "allow"
    permission_group_ids = [var.dns_read_permission_group_id]
    resource_group_ids   = [var.customer_resource_group_id]
  }]
}
