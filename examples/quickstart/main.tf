# The partner onboarding walk-through as one configuration: read the tenant,
# create the customer's account, give the customer an administrator and a
# service user, add the customer's zone, put it on a paid plan, and add an
# account-level subscription.
#
# Run it offline against the simulator with scripts/quickstart.sh, or against
# Cloudflare with your own credentials and tenant id.
terraform {
  required_providers {
    cftenant = {
      source  = "cftenant/cftenant"
      version = "~> 0.3"
    }
  }
}

# Credentials and endpoint from the environment: CLOUDFLARE_EMAIL +
# CLOUDFLARE_API_KEY (the tenant admin's global key; or CLOUDFLARE_API_TOKEN)
# and, for the simulator, CLOUDFLARE_BASE_URL.
provider "cftenant" {}

variable "tenant_id" {
  description = "Your tenant's id (tenant_tag). Preset to the simulator's default tenant."
  type        = string
  default     = "7d0a0a5b2c1e4f3a9b8c6d5e4f3a2b1c"
}

variable "customer" {
  description = "The customer to onboard."
  type = object({
    name   = string
    domain = string
    admin  = string
  })
  default = {
    name   = "Example Customer"
    domain = "example-customer.com"
    admin  = "it@example-customer.com"
  }
}

# 1. What the tenant is and offers.
data "cftenant_tenant" "this" {
  tenant_id = var.tenant_id
}

data "cftenant_tenant_entitlements" "this" {
  tenant_id = var.tenant_id
}

# 2. The customer's account, in the tenant's first unit, with its KYC data.
resource "cftenant_account" "customer" {
  name              = var.customer.name
  unit_id           = data.cftenant_tenant.this.tenant_units[0].unit_tag
  business_name     = "${var.customer.name} Ltd"
  business_email    = var.customer.admin
  business_address  = "1 Example Street, London"
  external_metadata = "crm-0001"
}

# 3. Access: the customer's administrator (role looked up by name), invited;
#    and a service user the partner can call the API as.
data "cftenant_account_roles" "customer" {
  account_id = cftenant_account.customer.id
}

locals {
  administrator_role = one([for r in data.cftenant_account_roles.customer.roles : r.id if r.name == "Administrator"])
}

resource "cftenant_account_member" "admin" {
  account_id = cftenant_account.customer.id
  email      = var.customer.admin
  roles      = [local.administrator_role]
}

resource "cftenant_service_user" "customer" {
  email = "svc-${cftenant_account.customer.id}@partner.example"
}

resource "cftenant_account_member" "service_user" {
  account_id = cftenant_account.customer.id
  email      = cftenant_service_user.customer.email
  roles      = [local.administrator_role]
  # Added directly where the tenant allows it, else invited.
  status = data.cftenant_tenant_entitlements.this.allow_auto_accept_invites ? "accepted" : "pending"
}

# 4. The customer's zone, on the Business plan with 50 page rules.
resource "cftenant_zone" "www" {
  account_id = cftenant_account.customer.id
  name       = var.customer.domain
}

resource "cftenant_zone_subscription" "www" {
  zone_id      = cftenant_zone.www.id
  rate_plan_id = "PARTNERS_BIZ"
  component_values = [
    { name = "page_rules", value = 50 },
  ]
}

# 5. An account-level add-on.
resource "cftenant_account_subscription" "workers" {
  account_id   = cftenant_account.customer.id
  rate_plan_id = "PARTNERS_WORKERS_BASIC"
}

output "tenant_name" {
  value = data.cftenant_tenant.this.tenant_name
}

output "account_id" {
  value = cftenant_account.customer.id
}

output "admin_member_id" {
  value = cftenant_account_member.admin.id
}

output "service_user_id" {
  value = cftenant_service_user.customer.id
}

output "zone_id" {
  value = cftenant_zone.www.id
}

output "name_servers" {
  description = "Set these at the registrar of the customer's domain."
  value       = cftenant_zone.www.name_servers
}

output "zone_plan" {
  value = "${cftenant_zone_subscription.www.rate_plan_id} at ${cftenant_zone_subscription.www.price} ${cftenant_zone_subscription.www.currency}"
}

output "account_subscription_id" {
  value = cftenant_account_subscription.workers.id
}
