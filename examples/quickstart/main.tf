# Onboard a customer under your tenant. Run it offline against the simulator
# with scripts/quickstart.sh, or against Cloudflare with your own credentials.
terraform {
  required_providers {
    cftenant = {
      source = "cftenant/cftenant"
    }
  }
}

# Credentials and endpoint from the environment: CLOUDFLARE_API_TOKEN (or
# CLOUDFLARE_EMAIL + CLOUDFLARE_API_KEY) and, for the simulator, CLOUDFLARE_BASE_URL.
provider "cftenant" {}

variable "tenant_id" {
  description = "Your tenant's id (tenant_tag). The simulator's default tenant is preset."
  type        = string
  default     = "7d0a0a5b2c1e4f3a9b8c6d5e4f3a2b1c"
}

data "cftenant_tenant" "this" {
  tenant_id = var.tenant_id
}

resource "cftenant_account" "customer" {
  name              = "Example Customer"
  unit_id           = data.cftenant_tenant.this.tenant_units[0].unit_tag
  business_name     = "Example Customer Ltd"
  business_email    = "billing@example.com"
  business_address  = "1 Example Street, London"
  external_metadata = "crm-0001"
}

output "tenant_name" {
  value = data.cftenant_tenant.this.tenant_name
}

output "account_id" {
  value = cftenant_account.customer.id
}
