# State written by release 0.2.0 (commit 1868aa5): every resource type, with
# the attributes whose schema 0.3.0 changes (an account's and a zone's type
# lose their defaults, a nameserver's set and an abuse contact become kept
# when removed). tests/e2e/upgrade.rs reads it with the current provider and
# requires an empty plan.
terraform {
  required_providers {
    cftenant = {
      source = "cftenant/cftenant"
    }
  }
}

provider "cftenant" {}

resource "cftenant_account" "customer" {
  name                = "Upgrade Customer"
  type                = "enterprise"
  business_name       = "Upgrade Ltd"
  abuse_contact_email = "abuse@upgrade-example.com"
  enforce_twofactor   = true
}

resource "cftenant_account" "standard" {
  name = "Upgrade Standard"
}

resource "cftenant_account_member" "admin" {
  account_id = cftenant_account.customer.id
  email      = "admin@upgrade-example.com"
  roles      = ["05784afa30c1afe1440e79d9351c7430"]
}

resource "cftenant_account_member" "auditor" {
  account_id = cftenant_account.customer.id
  email      = "auditor@upgrade-example.com"
  policies = [{
    access               = "allow"
    permission_group_ids = ["c8fed203ed3043cba015a93ad1616f1f"]
    resource_group_ids   = ["6d7f2f5f5b1d4a0c8b6e3f0a9c1d2e3f"]
  }]
}

resource "cftenant_service_user" "svc" {
  email = "svc@upgrade-example.com"
}

resource "cftenant_zone" "www" {
  account_id = cftenant_account.customer.id
  name       = "upgrade-example.com"
  paused     = true
}

resource "cftenant_zone" "cname" {
  account_id = cftenant_account.customer.id
  name       = "upgrade-partial.com"
  type       = "partial"
}

resource "cftenant_zone_subscription" "www" {
  zone_id      = cftenant_zone.www.id
  rate_plan_id = "PARTNERS_ENT"
}

resource "cftenant_account_subscription" "seats" {
  account_id   = cftenant_account.customer.id
  rate_plan_id = "TEAMS_STANDARD"
  frequency    = "annual"
  component_values = [
    { name = "users", value = 75 },
  ]
}

resource "cftenant_tenant_custom_nameserver" "ns" {
  tenant_id = "7d0a0a5b2c1e4f3a9b8c6d5e4f3a2b1c"
  ns_name   = "ns1.upgrade-example.com"
  ns_set    = 2
  depends_on = [cftenant_zone.www]
}
