variable "tenant_id" {
  type = string
}

resource "cftenant_account" "customer" {
  name = "Example Customer"
}

resource "cftenant_account" "partner" {
  name = "Partner Infrastructure"
}

# The tenant's nameservers, under a zone of the partner's own account.
resource "cftenant_zone" "partner" {
  account_id = cftenant_account.partner.id
  name       = "partner-example.com"
}

resource "cftenant_tenant_custom_nameserver" "ns" {
  for_each = toset(["ns1", "ns2"])

  tenant_id = var.tenant_id
  ns_name   = "${each.key}.${cftenant_zone.partner.name}"
}

# New zones of the customer's account use the tenant's nameservers. Settings
# left out keep Cloudflare's values; destroying this returns the settings
# written here to Cloudflare's defaults and leaves the others as they are.
resource "cftenant_account_dns_settings" "customer" {
  account_id = cftenant_account.customer.id

  zone_defaults = {
    nameservers = { type = "custom.tenant" }
    ns_ttl      = 3600
    soa = {
      ttl = 1800
    }
  }

  depends_on = [cftenant_tenant_custom_nameserver.ns]
}
