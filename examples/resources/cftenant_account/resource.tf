data "cftenant_tenant" "this" {
  tenant_id = "7d0a0a5b2c1e4f3a9b8c6d5e4f3a2b1c"
}

resource "cftenant_account" "customer" {
  name    = "Example Customer"
  unit_id = data.cftenant_tenant.this.tenant_units[0].unit_tag

  # KYC fields: removing one later keeps Cloudflare's value (the API cannot clear it).
  business_name     = "Example Customer Ltd"
  business_email    = "billing@example.com"
  business_address  = "1 Example Street, London"
  business_phone    = "+44 20 0000 0000"
  external_metadata = "crm-0001"

  # Where Cloudflare sends abuse reports; removing it clears it.
  abuse_contact_email = "abuse@example.com"
}
