//! The subscriptions area's routes: a zone's plan, the plans a zone offers,
//! and an account's add-ons.

use super::responses::*;
use crate::app::App;
use axum::routing::{get, MethodRouter};

pub fn routes() -> Vec<(&'static str, MethodRouter<App>)> {
    vec![
        (
            "/zones/{zone_id}/subscription",
            get(get_zone)
                .post(create_zone)
                .put(update_zone)
                .delete(delete_zone),
        ),
        (
            "/zones/{zone_id}/available_rate_plans",
            get(available_rate_plans),
        ),
        (
            "/accounts/{account_id}/subscriptions",
            get(list_account).post(create_account),
        ),
        (
            "/accounts/{account_id}/subscriptions/{subscription_id}",
            get(get_account).put(update_account).delete(delete_account),
        ),
    ]
}
