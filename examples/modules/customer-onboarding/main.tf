# Onboards one customer: their account in a tenant unit, their
# administrators, and their zones on a paid plan.

resource "cftenant_account" "this" {
  name    = var.customer_name
  unit_id = var.unit_tag
}

# Role ids differ between accounts; the Administrator role is found by name.
data "cftenant_account_roles" "this" {
  account_id = cftenant_account.this.id
}

locals {
  administrator_role_id = one([for r in data.cftenant_account_roles.this.roles : r.id if r.name == "Administrator"])
}

# Keyed by email, so adding or removing one admin leaves the others alone.
resource "cftenant_account_member" "admin" {
  for_each = toset(var.admins)

  account_id = cftenant_account.this.id
  email      = each.value
  roles      = [local.administrator_role_id]
}

# Keyed by domain, for the same reason.
resource "cftenant_zone" "this" {
  for_each = toset(var.zones)

  account_id = cftenant_account.this.id
  name       = each.value
}

resource "cftenant_zone_subscription" "this" {
  for_each = cftenant_zone.this

  zone_id      = each.value.id
  rate_plan_id = var.plan
}
