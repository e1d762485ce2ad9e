variable "zone_id" {
  type = string
}

resource "cftenant_zone_subscription" "main" {
  zone_id      = var.zone_id
  rate_plan_id = "PARTNERS_FREE"
}
