# Import an account by its id.
terraform import cftenant_account.customer 023e105f4ecef8ad9ca31a8372d0c353
