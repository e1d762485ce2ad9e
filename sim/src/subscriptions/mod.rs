//! Subscriptions: a zone's rate plan (reference §6), an account's add-ons
//! (§7.1), and the rate-plan catalog they resolve against (§8).

pub mod catalog;
pub mod models;
pub mod records;
pub mod responses;
pub mod urls;

pub use catalog::rate_plan_by_id;
pub use models::{render, zone_rate_plan_legacy_id};
