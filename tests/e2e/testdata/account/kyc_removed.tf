# business_name and business_address are no longer managed: Cloudflare keeps
# its values and the plan stays empty.
resource "cftenant_account" "acme" {
  name              = "Acme Corporation"
  enforce_twofactor = true
}
