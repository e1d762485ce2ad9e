resource "cftenant_account" "customer" {
  name = "Member Customer"
}

resource "cftenant_account_member" "ada" {
  account_id = cftenant_account.customer.id
  email      = "ada@customer.example"
  roles      = ["0123456789abcdef0123456789abcdef"]
}
