# Import an account subscription by `<account_id>/<subscription_id>`.
terraform import cftenant_account_subscription.zero_trust 023e105f4ecef8ad9ca31a8372d0c353/506e3185e9c882d175a2d0cb0093d9f2
