resource "cftenant_account" "acme" {
  name              = "Acme Corporation"
  business_name     = "Acme Holdings Ltd"
  business_address  = "1 Main Street, Springfield"
  enforce_twofactor = true
}
