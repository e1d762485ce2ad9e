# Team B's customers: same module, other inputs, its own state (schema
# cftenant_team_b in the same PostgreSQL database as team A's).
#
#   # The tenant admin's email and global API key: Cloudflare documents the
#   # account, member and tenant endpoints for these, not for an API token.
#   export CLOUDFLARE_EMAIL=... CLOUDFLARE_API_KEY=...  # and CLOUDFLARE_BASE_URL for the simulator
#   export PG_CONN_STR=postgres://user@db.example/terraform
#   terraform init
#   terraform apply
terraform {
  required_providers {
    cftenant = {
      source  = "cftenant/cftenant"
      version = "~> 0.3"
    }
  }

  backend "pg" {
    schema_name = "cftenant_team_b"
  }
}

# Credentials and endpoint from the environment.
provider "cftenant" {}

variable "tenant_id" {
  description = "Your tenant's id (tenant_tag). Preset to the simulator's default tenant."
  type        = string
  default     = "7d0a0a5b2c1e4f3a9b8c6d5e4f3a2b1c"
}

data "cftenant_tenant" "this" {
  tenant_id = var.tenant_id
}

locals {
  unit_tags = { for u in data.cftenant_tenant.this.tenant_units : u.unit_name => u.unit_tag }
}

module "globex" {
  source = "../../modules/customer-onboarding"

  customer_name = "Globex Logistics"
  unit_tag      = local.unit_tags["Secondary Unit"]
  zones         = ["globex-logistics.com"]
  plan          = "PARTNERS_BIZ"
  admins        = ["ops@globex-logistics.com", "cto@globex-logistics.com"]
}

output "account_id" {
  value = module.globex.account_id
}

output "zone_ids" {
  value = module.globex.zone_ids
}

output "name_servers" {
  value = module.globex.name_servers
}
