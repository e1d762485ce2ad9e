//! `cftenant-sim`: a stateful simulator of Cloudflare's partner (Tenant) provisioning API.
//!
//! It serves the real paths under `/client/v4` with the real envelope, error codes,
//! pagination and quirks (see docs/SIMULATOR.md), plus loopback-only admin endpoints
//! under `/__sim` for tests (state dump, reset, request statistics, fault injection,
//! the simulated clock).
//!
//! The layout follows model API simulators (moto): each API area has `records` (its
//! stored records and the look-ups on them), `models` (the operations on the state,
//! cascading deletes included, which return `Result<_, ApiError>`), `responses` (thin
//! handlers that read a request into what `models` takes) and `urls` (its routes).
//! A request passes the [`gate`]'s layers (statistics → fault injection → malformed-id
//! check → authentication → `Date` → rate limit), then its handler, which touches the
//! one [`store::SimState`] through [`app::Call::read`] or [`app::Call::write`] (which
//! require the operation's [`auth::Access`] first, and persist every change with
//! `--state`). Ids and times come from [`helpers`].

pub mod accounts;
pub mod admin;
pub mod app;
pub mod auth;
pub mod conn;
pub mod custom_ns;
pub mod dialect;
pub mod dns_settings;
pub mod envelope;
pub mod errors;
pub mod exchanges;
pub mod faults;
pub mod gate;
pub mod helpers;
pub mod input;
pub mod members;
pub mod options;
pub mod ratelimit;
pub mod server;
pub mod stats;
pub mod store;
pub mod subscriptions;
pub mod table;
pub mod tenants;
pub mod urls;
pub mod users;
pub mod zones;

pub use dialect::Dialect;
pub use options::{SimOptions, DEFAULT_TENANT_ID};
pub use ratelimit::RateLimit;
pub use server::{init_logging, run, Simulator};
pub use urls::API_PREFIX;
