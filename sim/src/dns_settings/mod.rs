//! DNS settings (`/accounts/{account_id}/dns_settings`,
//! `/zones/{zone_id}/dns_settings`, in Cloudflare's definition): an
//! account's defaults for new zones (`zone_defaults`) and a zone's own
//! settings, nameservers and SOA included. They always exist: an owner
//! without a stored record reads Cloudflare's defaults.

pub mod models;
pub mod records;
pub mod responses;
pub mod urls;
