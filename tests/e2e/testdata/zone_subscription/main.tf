# One zone on one plan; the tests change the plan through the variables.
variable "rate_plan_id" {
  type = string
}

variable "frequency" {
  type    = string
  default = null
}

variable "component_values" {
  type    = list(object({ name = string, value = number }))
  default = null
}

resource "cftenant_account" "customer" {
  name = "Plan Customer"
}

resource "cftenant_zone" "main" {
  account_id = cftenant_account.customer.id
  name       = "plans-example.com"
}

resource "cftenant_zone_subscription" "main" {
  zone_id          = cftenant_zone.main.id
  rate_plan_id     = var.rate_plan_id
  frequency        = var.frequency
  component_values = var.component_values
}
