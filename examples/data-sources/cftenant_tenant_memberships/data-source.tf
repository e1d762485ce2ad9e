variable "tenant_id" {
  description = "Your tenant's id (tenant_tag)."
  type        = string
}

data "cftenant_tenant_memberships" "this" {
  tenant_id = var.tenant_id
}

output "tenant_admin_emails" {
  value = data.cftenant_tenant_memberships.this.memberships[*].user_email
}
