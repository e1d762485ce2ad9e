# main.tf without the settings resource: removing it from the configuration destroys it.
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
