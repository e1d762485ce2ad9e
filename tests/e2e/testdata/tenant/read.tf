variable "tenant_id" {
  type = string
}

data "cftenant_tenant" "this" {
  tenant_id = var.tenant_id
}

output "tenant" {
  value = data.cftenant_tenant.this
}
