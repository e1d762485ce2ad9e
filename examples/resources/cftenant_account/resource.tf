variable "tenant_id" {
  description = "Your tenant's id (tenant_tag)."
  type        = string
}

variable "unit_name" {
  description = "The name of the tenant unit the customer's account belongs to."
  type        = string
}

# The tenant's units by name: the account's unit is looked up, not hard-coded.
data "cftenant_tenant" "this" {
  tenant_id = var.tenant_id
}

locals {
  unit_ids = { for u in data.cftenant_tenant.this.tenant_units : u.unit_name => u.unit_tag }
}

resource "cftenant_account" "customer" {
  name    = "Example Customer"
  unit_id = local.unit_ids[var.unit_name]

  # KYC fields: removing one later keeps Cloudflare's value (the API cannot clear it).
  business_name     = "Example Customer Ltd"
  business_email    = "billing@example.com"
  business_address  = "1 Example Street, London"
  business_phone    = "+44 20 0000 0000"
  external_metadata = "crm-0001"

  # Where Cloudflare sends abuse reports. Removing the line keeps Cloudflare's
  # value; abuse_contact_email = "" clears it.
  abuse_contact_email = "abuse@example.com"
}
