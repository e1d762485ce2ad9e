variable "tenant_id" {
  type = string
}

resource "cftenant_account" "customer" {
  name = "DNS Customer"
}

resource "cftenant_account" "partner" {
  name = "Partner Infrastructure"
}

resource "cftenant_zone" "partner" {
  account_id = cftenant_account.partner.id
  name       = "partner-example.com"
}

resource "cftenant_tenant_custom_nameserver" "ns1" {
  tenant_id = var.tenant_id
  ns_name   = "ns1.${cftenant_zone.partner.name}"
}

# main.tf without the `ns_ttl` and `soa` lines.
resource "cftenant_account_dns_settings" "customer" {
  account_id = cftenant_account.customer.id

  zone_defaults = {
    nameservers = { type = "custom.tenant" }
  }

  depends_on = [cftenant_tenant_custom_nameserver.ns1]
}
