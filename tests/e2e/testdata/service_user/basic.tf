resource "cftenant_service_user" "svc" {
  email = "svc-customer-1@partner.example"
}

output "api_key" {
  value     = cftenant_service_user.svc.api_key
  sensitive = true
}
