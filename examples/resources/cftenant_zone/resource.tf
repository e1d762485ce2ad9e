resource "cftenant_account" "customer" {
  name = "Example Customer"
}

resource "cftenant_zone" "www" {
  account_id = cftenant_account.customer.id
  name       = "example-customer.com"
  type       = "full"
}

output "name_servers" {
  description = "Set these at the domain's registrar."
  value       = cftenant_zone.www.name_servers
}
