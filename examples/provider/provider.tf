terraform {
  required_providers {
    cftenant = {
      source  = "cftenant/cftenant"
      version = "~> 0.3"
    }
  }
}

# Every setting can come from the environment instead; leaving credentials
# out of the configuration keeps them out of version control.
provider "cftenant" {
  # The tenant admin's email and global API key (or CLOUDFLARE_EMAIL and
  # CLOUDFLARE_API_KEY): Cloudflare documents the account, member and tenant
  # endpoints for the global key ...
  email   = "admin@partner.example"
  api_key = var.cloudflare_api_key

  # ... or an API token (or CLOUDFLARE_API_TOKEN), not both.
  # api_token = var.cloudflare_api_token

  # Optional. Defaults to https://api.cloudflare.com/client/v4
  # (or CLOUDFLARE_BASE_URL). Plain http:// only to loopback hosts, e.g. the
  # local simulator: http://127.0.0.1:8787/client/v4
  # base_url = "https://api.cloudflare.com/client/v4"

  # Optional: retries after a 429, a 5xx or a network error, and the timeout
  # of one request in seconds.
  # max_retries             = 4
  # request_timeout_seconds = 30
}

variable "cloudflare_api_key" {
  type      = string
  sensitive = true
}
