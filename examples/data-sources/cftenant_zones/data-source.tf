variable "account_id" {
  description = "The id of an account of your tenant, e.g. cftenant_account.customer.id."
  type        = string
}

# One zone by name: its id, without hard-coding it.
data "cftenant_zones" "shop" {
  account_id = var.account_id
  name       = "shop.example.com"
}

# Every zone of the account still waiting for its nameservers.
data "cftenant_zones" "pending" {
  account_id = var.account_id
  status     = "pending"
}

output "shop_zone_id" {
  value = one(data.cftenant_zones.shop.zones[*].id)
}

output "pending_zones" {
  value = { for z in data.cftenant_zones.pending.zones : z.name => z.name_servers }
}
