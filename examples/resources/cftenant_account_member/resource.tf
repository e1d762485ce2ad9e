resource "cftenant_account" "customer" {
  name = "Example Customer"
}

data "cftenant_account_roles" "customer" {
  account_id = cftenant_account.customer.id
}

resource "cftenant_account_member" "admin" {
  account_id = cftenant_account.customer.id
  email      = "admin@customer.example"
  roles      = [for r in data.cftenant_account_roles.customer.roles : r.id if r.name == "Administrator"]
}
