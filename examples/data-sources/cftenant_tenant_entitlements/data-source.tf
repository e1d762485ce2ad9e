variable "tenant_id" {
  description = "Your tenant's id (tenant_tag)."
  type        = string
}

data "cftenant_tenant_entitlements" "this" {
  tenant_id = var.tenant_id
}

# The fixed entitlements are plain values ...
output "partial_zones_allowed" {
  value = data.cftenant_tenant_entitlements.this.partial_setup_allowed
}

# ... custom ones carry a JSON-encoded value: decode it (null stays null).
output "custom_entitlements" {
  value = {
    for e in data.cftenant_tenant_entitlements.this.custom_entitlements :
    e.feature_key => e.allocation_value == null ? null : jsondecode(e.allocation_value)
  }
}
