variable "tenant_id" {
  type = string
}

resource "cftenant_account" "customer" {
  name = "DNS Zone Customer"
}

resource "cftenant_zone" "www" {
  account_id = cftenant_account.customer.id
  name       = "dns-customer-example.com"
}

resource "cftenant_tenant_custom_nameserver" "ns1" {
  tenant_id = var.tenant_id
  ns_name   = "ns1.${cftenant_zone.www.name}"
}

# main.tf without the `ns_ttl`, `zone_mode` and `soa` lines.
resource "cftenant_zone_dns_settings" "www" {
  zone_id = cftenant_zone.www.id

  nameservers = {
    type = "custom.tenant"
  }

  depends_on = [cftenant_tenant_custom_nameserver.ns1]
}
