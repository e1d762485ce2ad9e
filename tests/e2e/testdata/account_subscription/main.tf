# One add-on subscription; the tests change its terms through the variables.
variable "frequency" {
  type    = string
  default = null
}

variable "component_values" {
  type    = list(object({ name = string, value = number }))
  default = null
}

resource "cftenant_account" "customer" {
  name = "Add-on Customer"
}

resource "cftenant_account_subscription" "zero_trust" {
  account_id       = cftenant_account.customer.id
  rate_plan_id     = "TEAMS_STANDARD"
  frequency        = var.frequency
  component_values = var.component_values
}
