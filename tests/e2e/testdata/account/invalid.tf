resource "cftenant_account" "bad" {
  name          = "Bad"
  type          = "premium"
  business_name = "This business name is far too long for Cloudflare, which accepts at most one hundred and twenty characters in KYC fields."
}
