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

# Or policies instead of roles: permission groups over resource groups,
# looked up by name.
data "cftenant_permission_groups" "customer" {
  account_id = cftenant_account.customer.id
}

data "cftenant_resource_groups" "customer" {
  account_id = cftenant_account.customer.id
}

resource "cftenant_account_member" "auditor" {
  account_id = cftenant_account.customer.id
  email      = "auditor@customer.example"
  policies = [{
    access               = "allow"
    permission_group_ids = [for g in data.cftenant_permission_groups.customer.permission_groups : g.id if g.name == "Administrator Read Only"]
    resource_group_ids   = [for g in data.cftenant_resource_groups.customer.resource_groups : g.id if g.scope_key == "com.cloudflare.api.account.${cftenant_account.customer.id}"]
  }]
}
