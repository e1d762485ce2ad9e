output "account_id" {
  description = "The customer's account id."
  value       = cftenant_account.this.id
}

output "zone_ids" {
  description = "Zone id by domain."
  value       = { for domain, zone in cftenant_zone.this : domain => zone.id }
}

output "name_servers" {
  description = "Cloudflare nameservers by domain: the customer sets these at their registrar."
  value       = { for domain, zone in cftenant_zone.this : domain => zone.name_servers }
}
