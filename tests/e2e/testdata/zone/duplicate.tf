resource "cftenant_account" "customer" {
  name = "Zone Customer"
}

resource "cftenant_zone" "first" {
  account_id = cftenant_account.customer.id
  name       = "twice-example.com"
}

resource "cftenant_zone" "second" {
  account_id = cftenant_account.customer.id
  name       = "twice-example.com"
  depends_on = [cftenant_zone.first]
}
