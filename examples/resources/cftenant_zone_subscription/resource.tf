resource "cftenant_account" "customer" {
  name = "Example Customer"
}

resource "cftenant_zone" "www" {
  account_id = cftenant_account.customer.id
  name       = "example-customer.com"
}

# Destroying this returns the zone to PARTNERS_FREE (the API has no DELETE).
resource "cftenant_zone_subscription" "www" {
  zone_id      = cftenant_zone.www.id
  rate_plan_id = "PARTNERS_BIZ"
  frequency    = "monthly"
  component_values = [
    { name = "page_rules", value = 50 },
  ]
}
