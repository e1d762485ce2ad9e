resource "cftenant_account" "customer" {
  name = "Example Customer"
}

resource "cftenant_zone" "www" {
  account_id = cftenant_account.customer.id
  name       = "example-customer.com"
  type       = "full"

  # Once the zone is on Business or Enterprise (cftenant_zone_subscription,
  # applied first), it can have your own nameserver names:
  # vanity_name_servers = ["ns1.example-customer.com", "ns2.example-customer.com"]
}

output "name_servers" {
  description = "Set these at the domain's registrar."
  value       = cftenant_zone.www.name_servers
}
