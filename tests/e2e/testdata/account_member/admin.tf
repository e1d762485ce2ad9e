resource "cftenant_account" "customer" {
  name = "Member Customer"
}

resource "cftenant_account_member" "ada" {
  account_id = cftenant_account.customer.id
  email      = "ada@customer.example"
  roles      = ["05784afa30c1afe1440e79d9351c7430"]
}
