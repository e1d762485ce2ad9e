variable "tenant_id" {
  type = string
}

data "cftenant_tenant_entitlements" "this" {
  tenant_id = var.tenant_id
}

output "entitlements" {
  value = data.cftenant_tenant_entitlements.this
}
