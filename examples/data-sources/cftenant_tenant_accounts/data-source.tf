variable "tenant_id" {
  description = "Your tenant's id (tenant_tag)."
  type        = string
}

data "cftenant_tenant_accounts" "this" {
  tenant_id = var.tenant_id
}

output "account_count" {
  value = length(data.cftenant_tenant_accounts.this.accounts)
}

# Enterprise accounts by id, e.g. to audit them.
output "enterprise_accounts" {
  value = {
    for a in data.cftenant_tenant_accounts.this.accounts : a.id => a.name if a.type == "enterprise"
  }
}
