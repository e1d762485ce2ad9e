resource "cftenant_account" "acme" {
  name              = "Acme Corporation"
  type              = "enterprise"
  enforce_twofactor = true
}
