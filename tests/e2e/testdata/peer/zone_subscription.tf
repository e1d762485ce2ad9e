# The official provider's create_zone_with_plan.tf: a zone and its plan, the
# plan id in the API's own words.
variable "rate_plan_id" {
  type = string
}

resource "cftenant_account" "test" {
  name = "Peer Plan Account"
}

resource "cftenant_zone" "test" {
  account_id = cftenant_account.test.id
  name       = "peer-plan-example.net"
  type       = "full"
}

resource "cftenant_zone_subscription" "test" {
  zone_id      = cftenant_zone.test.id
  rate_plan_id = var.rate_plan_id
}
