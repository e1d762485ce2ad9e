# An estate whose reads the provider answers from list endpoints: 60
# accounts with a zone each, one account with six members and two add-ons.
locals {
  customers = { for i in range(60) : format("c%02d", i) => i }
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
