resource "cftenant_account" "customer" {
  name = "Add-on Customer"
}

# No component_values: the plan's default seats.
resource "cftenant_account_subscription" "zero_trust" {
  account_id   = cftenant_account.customer.id
  rate_plan_id = "TEAMS_STANDARD"
}
