resource "cftenant_account" "customer" {
  name = "Example Customer"
}

# A service user for this customer: the partner calls the API as this user.
resource "cftenant_service_user" "customer" {
  email = "svc-example-customer@partner.example"
}

data "cftenant_account_roles" "customer" {
  account_id = cftenant_account.customer.id
}

# Grant it access; destroying the service user only forgets it (Cloudflare
# cannot delete users), destroying the membership revokes its access.
resource "cftenant_account_member" "service" {
  account_id = cftenant_account.customer.id
  email      = cftenant_service_user.customer.email
  roles      = [for r in data.cftenant_account_roles.customer.roles : r.id if r.name == "Administrator"]
}

output "service_user_api_key" {
  value     = cftenant_service_user.customer.api_key
  sensitive = true
}
