variable "tenant_id" {
  description = "Your tenant's id (tenant_tag)."
  type        = string
}

data "cftenant_tenant" "this" {
  tenant_id = var.tenant_id
}

# Unit ids by name, for `cftenant_account.unit_id`.
output "unit_ids" {
  value = { for u in data.cftenant_tenant.this.tenant_units : u.unit_name => u.unit_tag }
}
