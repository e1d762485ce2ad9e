# Import a zone's DNS settings by the zone's id.
terraform import cftenant_zone_dns_settings.www 023e105f4ecef8ad9ca31a8372d0c353
