data "cftenant_zones" "bad" {
  account_id = "not-an-id"
  name       = "Example..com"
  status     = "live"
}

data "cftenant_zone_rate_plans" "bad" {
  zone_id = "nope"
}

data "cftenant_account" "bad" {
  account_id = "XYZ"
}
