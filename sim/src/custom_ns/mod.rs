//! Tenant custom nameservers (`/tenants/{tenant_tag}/custom_ns`, in
//! Cloudflare's definition): hostnames under the tenant's zones that its
//! accounts' zones may use as nameservers.

pub mod models;
pub mod records;
pub mod responses;
pub mod urls;

pub use models::render;
