# A tenant onboarding many customers at once: for each customer an account,
# a member, two zones, the first zone's plan and a Zero Trust add-on. Used by
# the fault-injection test (faults.rs) and the simulator durability test
# (durability.rs), which set `customers` and `max_retries`.
#
# Every natural key is unique (account names, zone names, member emails, one
# add-on plan per account), so a create whose response is lost can be found
# and adopted rather than duplicated.

terraform {
  required_providers {
    cftenant = {
      source = "cftenant/cftenant"
    }
  }
}

variable "customers" {
  type    = number
  default = 20
}

variable "max_retries" {
  type    = number
  default = 6
}

# Credentials and base_url come from the environment the harness sets.
provider "cftenant" {
  max_retries             = var.max_retries
  request_timeout_seconds = 10
}

locals {
  customers  = { for i in range(var.customers) : format("c%02d", i) => i }
  admin_role = "05784afa30c1afe1440e79d9351c7430"
}

resource "cftenant_account" "customer" {
  for_each      = local.customers
  name          = "Fault Customer ${each.key}"
  business_name = "Customer ${each.key} Ltd"
  # Every fourth account also needs a second request (the setting is only
  # changeable after creation): a multi-step create under faults.
  enforce_twofactor = each.value % 4 == 0
}

resource "cftenant_account_member" "ops" {
  for_each   = local.customers
  account_id = cftenant_account.customer[each.key].id
  email      = "ops-${each.key}@customer.example"
  roles      = [local.admin_role]
}

resource "cftenant_zone" "www" {
  for_each   = local.customers
  account_id = cftenant_account.customer[each.key].id
  name       = "${each.key}-shop.example.com"
  # Pausing is a second request after the create, for every third zone.
  paused = each.value % 3 == 0
}

resource "cftenant_zone" "api" {
  for_each   = local.customers
  account_id = cftenant_account.customer[each.key].id
  name       = "${each.key}-api.example.com"
}

resource "cftenant_zone_subscription" "www" {
  for_each     = local.customers
  zone_id      = cftenant_zone.www[each.key].id
  rate_plan_id = each.value % 2 == 0 ? "PARTNERS_PRO" : "PARTNERS_BIZ"
}

resource "cftenant_account_subscription" "zero_trust" {
  for_each     = local.customers
  account_id   = cftenant_account.customer[each.key].id
  rate_plan_id = "TEAMS_STANDARD"
  component_values = [
    { name = "users", value = 10 + each.value },
  ]
}
