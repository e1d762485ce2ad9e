# A customer's account, two zones and a member granted a permission group by
# name; then every lookup reads what they made.
resource "cftenant_account" "a" {
  name = "Lookups Co"
}

resource "cftenant_zone" "shop" {
  account_id = cftenant_account.a.id
  name       = "lookups-shop.com"
}

resource "cftenant_zone" "blog" {
  account_id = cftenant_account.a.id
  name       = "lookups-blog.com"
}

data "cftenant_permission_groups" "a" {
  account_id = cftenant_account.a.id
}

data "cftenant_resource_groups" "a" {
  account_id = cftenant_account.a.id
}

resource "cftenant_account_member" "dns" {
  account_id = cftenant_account.a.id
  email      = "dns@lookups.example"
  policies = [{
    access               = "allow"
    permission_group_ids = [one([for g in data.cftenant_permission_groups.a.permission_groups : g.id if g.name == "DNS"])]
    resource_group_ids   = [for g in data.cftenant_resource_groups.a.resource_groups : g.id if contains(g.scope_objects, "*")]
  }]
}

data "cftenant_account" "a" {
  account_id = cftenant_account.a.id
}

data "cftenant_account_members" "a" {
  account_id = cftenant_account.a.id
  depends_on = [cftenant_account_member.dns]
}

data "cftenant_zones" "shop" {
  account_id = cftenant_account.a.id
  name       = "lookups-shop.com"
  depends_on = [cftenant_zone.shop, cftenant_zone.blog]
}

data "cftenant_zones" "pending" {
  account_id = cftenant_account.a.id
  status     = "pending"
  depends_on = [cftenant_zone.shop, cftenant_zone.blog]
}

data "cftenant_zone_rate_plans" "shop" {
  zone_id = cftenant_zone.shop.id
}

output "account" {
  value = data.cftenant_account.a
}

output "members" {
  value = data.cftenant_account_members.a.members
}

output "shop" {
  value = data.cftenant_zones.shop.zones
}

output "pending" {
  value = data.cftenant_zones.pending.zones
}

output "rate_plans" {
  value = data.cftenant_zone_rate_plans.shop.rate_plans
}

output "permission_groups" {
  value = data.cftenant_permission_groups.a.permission_groups
}

output "resource_groups" {
  value = data.cftenant_resource_groups.a.resource_groups
}
