resource "cftenant_account" "customer" {
  name = "Example Customer"
}

resource "cftenant_account_subscription" "zero_trust" {
  account_id   = cftenant_account.customer.id
  rate_plan_id = "TEAMS_STANDARD"
  frequency    = "yearly"
  component_values = [
    { name = "users", value = 75 },
  ]
}
