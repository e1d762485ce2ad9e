# The module's own tests: `terraform test` applies each run for real, here
# against the simulator, and destroys everything at the end. See the project's
# README.md, "Test your own modules with the simulator".

provider "cftenant" {}

variables {
  customer_name = "Test Customer"
  # The simulator's "Primary Unit" (its unit tags are fixed).
  unit_tag = "cfccd79531f60f6ae49a30979d0aebd9"
  zones    = ["test-customer.com", "test-customer.net"]
  admins   = ["it@test-customer.com", "ops@test-customer.com"]
}

run "onboards_a_customer" {
  assert {
    condition     = cftenant_account.this.name == "Test Customer" && cftenant_account.this.unit_id == var.unit_tag
    error_message = "The account is not named after the customer, or is in another unit."
  }

  assert {
    condition     = toset(keys(output.zone_ids)) == toset(var.zones)
    error_message = "zone_ids should have one entry per domain."
  }

  assert {
    condition     = alltrue([for domain, ns in output.name_servers : length(ns) >= 2])
    error_message = "Every zone should have Cloudflare nameservers."
  }

  assert {
    condition     = alltrue([for s in cftenant_zone_subscription.this : s.rate_plan_id == "PARTNERS_PRO"])
    error_message = "Zones should be on the default plan, PARTNERS_PRO."
  }

  assert {
    condition = alltrue([
      for m in cftenant_account_member.admin :
      m.roles == toset([for r in data.cftenant_account_roles.this.roles : r.id if r.name == "Administrator"])
    ])
    error_message = "Every admin should have exactly the Administrator role."
  }
}

run "changes_the_plan_in_place" {
  variables {
    plan = "PARTNERS_BIZ"
  }

  assert {
    condition     = output.account_id == run.onboards_a_customer.account_id && output.zone_ids == run.onboards_a_customer.zone_ids
    error_message = "Changing the plan should keep the account and the zones."
  }

  assert {
    condition     = alltrue([for s in cftenant_zone_subscription.this : s.rate_plan_id == "PARTNERS_BIZ" && s.price > 0])
    error_message = "Zones should be on PARTNERS_BIZ."
  }
}

run "refuses_a_domain_listed_twice" {
  command = plan

  variables {
    zones = ["example.com", "Example.com"]
  }

  expect_failures = [var.zones]
}
