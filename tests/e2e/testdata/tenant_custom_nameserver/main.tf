variable "tenant_id" {
  type = string
}

variable "ns_set" {
  type    = number
  default = null
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
  ns_set    = var.ns_set
}

data "cftenant_tenant_custom_nameservers" "all" {
  tenant_id  = var.tenant_id
  depends_on = [cftenant_tenant_custom_nameserver.ns1]
}

output "listed" {
  value = [for ns in data.cftenant_tenant_custom_nameservers.all.custom_nameservers : ns.ns_name]
}
