variable "tenant_id" {
  description = "Your tenant's id (tenant_tag)."
  type        = string
}

data "cftenant_tenant_account_types" "this" {
  tenant_id = var.tenant_id
}

output "enterprise_accounts_allowed" {
  value = contains(data.cftenant_tenant_account_types.this.account_types, "enterprise")
}
