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

variable "ns_type" {
  type    = string
  default = "custom.tenant"
}

variable "ns_ttl" {
  type    = number
  default = 3600
}

resource "cftenant_account_dns_settings" "customer" {
  account_id = cftenant_account.customer.id

  zone_defaults = {
    nameservers = { type = var.ns_type }
    ns_ttl      = var.ns_ttl
    soa = {
      ttl = 1800
    }
  }

  depends_on = [cftenant_tenant_custom_nameserver.ns1]
}

# A zone added after the defaults are set takes them.
resource "cftenant_zone" "customer" {
  account_id = cftenant_account.customer.id
  name       = "customer-example.com"

  depends_on = [cftenant_account_dns_settings.customer]
}

# Reads the zone's settings without changing any.
resource "cftenant_zone_dns_settings" "customer" {
  zone_id = cftenant_zone.customer.id
}
