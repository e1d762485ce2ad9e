variable "account_id" {
  description = "The id of an account of your tenant, e.g. cftenant_account.customer.id."
  type        = string
}

data "cftenant_resource_groups" "this" {
  account_id = var.account_id
}

# The group that covers the whole account.
output "whole_account" {
  value = one([
    for g in data.cftenant_resource_groups.this.resource_groups : g.id
    if g.scope_key == "com.cloudflare.api.account.${var.account_id}" && contains(g.scope_objects, "*")
  ])
}
