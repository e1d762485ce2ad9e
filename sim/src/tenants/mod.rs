//! Tenants (reference §7.2–§7.6).

pub mod models;
pub mod records;
pub mod responses;
pub mod urls;

pub use models::{render_entitlements, render_tenant};
