# An estate whose reads the provider answers from list endpoints, or reads
# ahead of Terraform: 60 accounts with a zone each, the first 30 with an
# owner and their zone on a paid plan, and one account with six more
# members and two add-ons.
locals {
  customers = { for i in range(60) : format("c%02d", i) => i }
  paying    = { for key, i in local.customers : key => i if i < 30 }
  members   = toset(["ada", "grace", "alan", "edsger", "barbara", "ken"])
}

resource "cftenant_account" "customer" {
  for_each = local.customers
  name     = "Coalesced ${each.key}"
}

resource "cftenant_zone" "customer" {
  for_each   = local.customers
  account_id = cftenant_account.customer[each.key].id
  name       = "${each.key}-coalesced-example.com"
}

resource "cftenant_account_member" "owner" {
  for_each   = local.paying
  account_id = cftenant_account.customer[each.key].id
  email      = "owner-${each.key}@coalesced-example.com"
  roles      = ["05784afa30c1afe1440e79d9351c7430"]
}

resource "cftenant_zone_subscription" "customer" {
  for_each     = local.paying
  zone_id      = cftenant_zone.customer[each.key].id
  rate_plan_id = "PARTNERS_PRO"
}

resource "cftenant_account_member" "team" {
  for_each   = local.members
  account_id = cftenant_account.customer["c00"].id
  email      = "${each.key}@coalesced-example.com"
  roles      = ["05784afa30c1afe1440e79d9351c7430"]
}

resource "cftenant_account_subscription" "addon" {
  for_each     = toset(["TEAMS_STANDARD", "PARTNERS_WORKERS_BASIC"])
  account_id   = cftenant_account.customer["c00"].id
  rate_plan_id = each.key
}
