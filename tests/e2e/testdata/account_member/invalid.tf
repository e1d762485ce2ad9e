resource "cftenant_account_member" "bad" {
  account_id = "023e105f4ecef8ad9ca31a8372d0c353"
  email      = "not-an-email"
  roles      = ["Administrator"]
  status     = "active"
}
