# The tenant's custom nameservers for a zone, when the tenant has none.
resource "cftenant_account" "customer" {
  name = "DNS Zone Customer"
}

resource "cftenant_zone" "www" {
  account_id = cftenant_account.customer.id
  name       = "dns-customer-example.com"
}

resource "cftenant_zone_dns_settings" "www" {
  zone_id     = cftenant_zone.www.id
  nameservers = { type = "custom.tenant" }
}
