resource "cftenant_account" "customer" {
  name = "Plan Customer"
}

resource "cftenant_zone" "main" {
  account_id = cftenant_account.customer.id
  name       = "plans-example.com"
}

resource "cftenant_zone_subscription" "main" {
  zone_id      = cftenant_zone.main.id
  rate_plan_id = "PARTNERS_BIZ"
  component_values = [
    { name = "page_rules", value = 60 },
  ]
}
