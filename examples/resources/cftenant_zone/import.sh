# Import a zone by its id.
terraform import cftenant_zone.www 023e105f4ecef8ad9ca31a8372d0c353
