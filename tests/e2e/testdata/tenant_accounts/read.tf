variable "tenant_id" {
  type = string
}

data "cftenant_tenant_accounts" "this" {
  tenant_id = var.tenant_id
}

output "accounts" {
  value = data.cftenant_tenant_accounts.this.accounts
}
