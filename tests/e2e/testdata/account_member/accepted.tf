resource "cftenant_account" "customer" {
  name = "Member Customer"
}

resource "cftenant_account_member" "grace" {
  account_id = cftenant_account.customer.id
  email      = "grace@customer.example"
  roles      = ["05784afa30c1afe1440e79d9351c7430"]
  status     = "accepted"
}
