//! terraform-provider-cftenant: a Terraform provider for Cloudflare's partner
//! (Tenant) provisioning API, built on the plugin framework in `framework/`
//! (crate `tfplugin`). See docs/ARCHITECTURE.md for how the rooms fit together.

pub mod adopt;
pub mod api;
pub mod checks;
pub mod client;
pub mod data_sources;
pub mod diagnostics;
pub mod provider;
pub mod rate_plans;
pub mod resources;
pub mod tenants;
