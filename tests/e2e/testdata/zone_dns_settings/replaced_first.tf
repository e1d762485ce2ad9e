# Settings replaced with create_before_destroy: the new object is created
# before the old one is destroyed.
resource "cftenant_account" "customer" {
  name = "DNS Replace Customer"
}

resource "cftenant_zone" "www" {
  account_id = cftenant_account.customer.id
  name       = "dns-replace-example.com"
}

resource "cftenant_zone_dns_settings" "www" {
  zone_id   = cftenant_zone.www.id
  ns_ttl    = 600
  zone_mode = "dns_only"

  lifecycle {
    create_before_destroy = true
  }
}
