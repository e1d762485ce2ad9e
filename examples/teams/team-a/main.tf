# Team A's customers. The state lives in PostgreSQL (schema cftenant_team_a),
# so everyone on the team works on the same state, and a second apply waits
# for (or, with -lock-timeout=0s, refuses to run during) the first.
#
#   # The tenant admin's email and global API key: Cloudflare documents the
#   # account, member and tenant endpoints for these, not for an API token.
#   export CLOUDFLARE_EMAIL=... CLOUDFLARE_API_KEY=...  # and CLOUDFLARE_BASE_URL for the simulator
#   terraform init -backend-config="conn_str=postgres://user@db.example/terraform"
#   terraform apply
#
# PG_CONN_STR in the environment works instead of -backend-config.
terraform {
  required_providers {
    cftenant = {
      source  = "cftenant/cftenant"
      version = "~> 0.3"
    }
  }

  backend "pg" {
    schema_name = "cftenant_team_a"
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

module "acme_retail" {
  source = "../../modules/customer-onboarding"

  customer_name = "Acme Retail"
  unit_tag      = local.unit_tags["Primary Unit"]
  zones         = ["acme-retail.com", "acme-retail.shop"]
  admins        = ["it@acme-retail.com"]
}

output "account_id" {
  value = module.acme_retail.account_id
}

output "zone_ids" {
  value = module.acme_retail.zone_ids
}

output "name_servers" {
  value = module.acme_retail.name_servers
}
