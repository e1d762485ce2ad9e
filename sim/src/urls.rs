//! Every API route: each area declares its own (`<area>/urls.rs`).

use crate::app::App;
use crate::{accounts, custom_ns, members, subscriptions, tenants, users, zones};
use axum::routing::MethodRouter;

/// Path prefix of every API route.
pub const API_PREFIX: &str = "/client/v4";

/// Path templates (relative to `/client/v4`) and their handlers.
pub fn api_routes() -> Vec<(&'static str, MethodRouter<App>)> {
    [
        accounts::urls::routes(),
        members::urls::routes(),
        users::urls::routes(),
        zones::urls::routes(),
        subscriptions::urls::routes(),
        tenants::urls::routes(),
        custom_ns::urls::routes(),
    ]
    .into_iter()
    .flatten()
    .collect()
}
