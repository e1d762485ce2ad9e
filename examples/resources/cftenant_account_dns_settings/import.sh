# Import an account's DNS settings by the account's id.
terraform import cftenant_account_dns_settings.customer 023e105f4ecef8ad9ca31a8372d0c353
