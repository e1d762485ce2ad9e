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

variable "ns_type" {
  type    = string
  default = "custom.tenant"
}

variable "ns_set" {
  type    = number
  default = null
}

variable "ns_ttl" {
  type    = number
  default = 3600
}

resource "cftenant_zone_dns_settings" "www" {
  zone_id = cftenant_zone.www.id

  nameservers = {
    type   = var.ns_type
    ns_set = var.ns_set
  }
  ns_ttl    = var.ns_ttl
  zone_mode = "dns_only"
  soa = {
    min_ttl = 300
  }

  depends_on = [cftenant_tenant_custom_nameserver.ns1]
}
