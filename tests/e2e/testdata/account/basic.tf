resource "cftenant_account" "acme" {
  name          = "Acme Corp"
  business_name = "Acme Ltd"
}
