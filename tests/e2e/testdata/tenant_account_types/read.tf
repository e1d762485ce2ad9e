variable "tenant_id" {
  type = string
}

data "cftenant_tenant_account_types" "this" {
  tenant_id = var.tenant_id
}

output "account_types" {
  value = data.cftenant_tenant_account_types.this.account_types
}
