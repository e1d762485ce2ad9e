variable "tenant_id" {
  type = string
}

resource "cftenant_account" "partner" {
  name = "Partner Infrastructure"
}

# The zone the nameserver names live under.
resource "cftenant_zone" "partner" {
  account_id = cftenant_account.partner.id
  name       = "partner-example.com"
}

resource "cftenant_tenant_custom_nameserver" "ns" {
  for_each = toset(["ns1", "ns2"])

  tenant_id = var.tenant_id
  ns_name   = "${each.key}.${cftenant_zone.partner.name}"
}

output "nameserver_addresses" {
  description = "Publish these as the nameservers' A and AAAA records."
  value       = { for k, ns in cftenant_tenant_custom_nameserver.ns : ns.ns_name => ns.dns_records }
}
