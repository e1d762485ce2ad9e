resource "cftenant_account" "customer" {
  name = "Example Customer"
}

resource "cftenant_zone" "www" {
  account_id = cftenant_account.customer.id
  name       = "example-customer.com"
}

# Destroying this puts the zone back on PARTNERS_FREE at once, with a PUT (as
# the Tenant guide does): the paid rate plan stops. Cloudflare's newer DELETE
# is not used, as it does not say whether it cancels now or at the end of the
# billing period.
resource "cftenant_zone_subscription" "www" {
  zone_id      = cftenant_zone.www.id
  rate_plan_id = "PARTNERS_BIZ"
  frequency    = "monthly"
  component_values = [
    { name = "page_rules", value = 50 },
  ]
}
