//! The subscriptions area's routes: a zone's rate plan, the rate plans a
//! zone is offered, and an account's add-ons. A zone's and an account's
//! subscriptions share their handlers.

use super::responses::*;
use crate::app::App;
use axum::routing::{get, MethodRouter};

pub fn routes() -> Vec<(&'static str, MethodRouter<App>)> {
    vec![
        (
            "/zones/{zone_id}/subscription",
            get(get_one).post(create).put(update).delete(delete_one),
        ),
        (
            "/zones/{zone_id}/available_rate_plans",
            get(available_rate_plans),
        ),
        (
            "/accounts/{account_id}/subscriptions",
            get(list_account).post(create),
        ),
        (
            "/accounts/{account_id}/subscriptions/{subscription_id}",
            get(get_one).put(update).delete(delete_one),
        ),
    ]
}
