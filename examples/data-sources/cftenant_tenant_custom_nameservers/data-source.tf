variable "tenant_id" {
  type = string
}

data "cftenant_tenant_custom_nameservers" "all" {
  tenant_id = var.tenant_id
}

output "custom_nameservers" {
  value = [for ns in data.cftenant_tenant_custom_nameservers.all.custom_nameservers : ns.ns_name]
}
