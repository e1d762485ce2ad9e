resource "cftenant_zone" "bad" {
  account_id = "not-an-id"
  name       = "Example..com"
  type       = "weird"
}
