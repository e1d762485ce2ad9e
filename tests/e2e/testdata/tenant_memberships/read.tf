variable "tenant_id" {
  type = string
}

data "cftenant_tenant_memberships" "this" {
  tenant_id = var.tenant_id
}

output "memberships" {
  value = data.cftenant_tenant_memberships.this.memberships
}
