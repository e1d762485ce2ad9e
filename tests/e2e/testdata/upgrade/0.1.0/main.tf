# State written by release 0.1.0 (commit f89259b): every resource type, with
# the attributes that release had. tests/e2e/upgrade.rs reads it with the
# current provider and requires an empty plan.
terraform {
  required_providers {
    cftenant = {
      source = "cftenant/cftenant"
    }
  }
}

provider "cftenant" {}

resource "cftenant_account" "customer" {
  name              = "Upgrade Customer"
  business_name     = "Upgrade Ltd"
  external_metadata = "crm-1"
  enforce_twofactor = true
}

resource "cftenant_account_member" "admin" {
  account_id = cftenant_account.customer.id
  email      = "admin@upgrade-example.com"
  roles      = ["05784afa30c1afe1440e79d9351c7430"]
}

resource "cftenant_service_user" "svc" {
  email = "svc@upgrade-example.com"
}

resource "cftenant_zone" "www" {
  account_id = cftenant_account.customer.id
  name       = "upgrade-example.com"
  paused     = true
}

resource "cftenant_zone_subscription" "www" {
  zone_id      = cftenant_zone.www.id
  rate_plan_id = "PARTNERS_BIZ"
  frequency    = "yearly"
  component_values = [
    { name = "page_rules", value = 60 },
  ]
}

resource "cftenant_account_subscription" "seats" {
  account_id   = cftenant_account.customer.id
  rate_plan_id = "TEAMS_STANDARD"
  component_values = [
    { name = "users", value = 75 },
  ]
}
