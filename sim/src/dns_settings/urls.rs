//! The DNS settings' routes.

use super::responses::*;
use crate::app::App;
use axum::routing::{get, MethodRouter};

pub fn routes() -> Vec<(&'static str, MethodRouter<App>)> {
    vec![
        (
            "/accounts/{account_id}/dns_settings",
            get(get_account).patch(update_account),
        ),
        (
            "/zones/{zone_id}/dns_settings",
            get(get_zone).patch(update_zone),
        ),
    ]
}
