variable "zone_id" {
  description = "The id of a zone, e.g. cftenant_zone.shop.id."
  type        = string
}

data "cftenant_zone_rate_plans" "this" {
  zone_id = var.zone_id
}

# What the zone can be put on, by name.
output "rate_plans" {
  value = { for p in data.cftenant_zone_rate_plans.this.rate_plans : p.name => p.id }
}

# The add-on components of each, with their default quantities.
output "components" {
  value = {
    for p in data.cftenant_zone_rate_plans.this.rate_plans :
    p.id => { for c in p.components : c.name => c.default }
  }
}
