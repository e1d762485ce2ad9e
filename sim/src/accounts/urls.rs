//! The accounts area's routes.

use super::responses::*;
use crate::app::App;
use axum::routing::{get, MethodRouter};

pub fn routes() -> Vec<(&'static str, MethodRouter<App>)> {
    vec![
        ("/accounts", get(list).post(create)),
        (
            "/accounts/{account_id}",
            get(get_one).put(update).delete(delete_one),
        ),
        (
            "/accounts/{account_id}/profile",
            get(get_profile).put(update_profile),
        ),
    ]
}
