# Shared by every e2e configuration: credentials and endpoint come from the
# environment the harness sets (CLOUDFLARE_API_TOKEN, CLOUDFLARE_BASE_URL).
terraform {
  required_providers {
    cftenant = {
      source = "cftenant/cftenant"
    }
  }
}

provider "cftenant" {}
