resource "cftenant_account" "customer" {
  name = "Zone Customer"
}

resource "cftenant_zone" "first" {
  account_id = cftenant_account.customer.id
  name       = "twice.example"
}

resource "cftenant_zone" "second" {
  account_id = cftenant_account.customer.id
  name       = "twice.example"
  depends_on = [cftenant_zone.first]
}
