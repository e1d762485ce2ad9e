variable "tenant_id" {
  type = string
}

resource "cftenant_account" "customer" {
  name = "Example Customer"
}

resource "cftenant_zone" "www" {
  account_id = cftenant_account.customer.id
  name       = "example-customer.com"
}

# The tenant's nameservers (under a zone of one of its accounts).
resource "cftenant_tenant_custom_nameserver" "ns" {
  for_each = toset(["ns1", "ns2"])

  tenant_id = var.tenant_id
  ns_name   = "${each.key}.${cftenant_zone.www.name}"
}

# The zone is served by the tenant's nameservers of set 1. Settings left out
# keep Cloudflare's values; destroying this returns the settings written here
# to Cloudflare's defaults and leaves the others as they are.
resource "cftenant_zone_dns_settings" "www" {
  zone_id = cftenant_zone.www.id

  nameservers = {
    type   = "custom.tenant"
    ns_set = 1
  }
  ns_ttl    = 3600
  zone_mode = "standard"
  soa = {
    ttl     = 1800
    min_ttl = 300
  }

  depends_on = [cftenant_tenant_custom_nameserver.ns]
}
