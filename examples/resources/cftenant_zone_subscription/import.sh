# Import a zone's plan by the zone's id.
terraform import cftenant_zone_subscription.www 023e105f4ecef8ad9ca31a8372d0c353
