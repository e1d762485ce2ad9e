resource "cftenant_account" "customer" {
  name = "Zone Customer"
}

resource "cftenant_zone" "main" {
  account_id = cftenant_account.customer.id
  name       = "example.org"
  paused     = true
}

resource "cftenant_zone" "partial" {
  account_id = cftenant_account.customer.id
  name       = "partial-example.net"
  type       = "partial"
}
