//! Subscriptions: a zone's plan (reference §6), an account's add-ons (§7.1),
//! and the rate-plan catalog they resolve against (§8).

pub mod catalog;
pub mod models;
pub mod responses;
pub mod urls;

pub use catalog::{plan_by_id, zone_plan_legacy_id};
pub use models::render;
