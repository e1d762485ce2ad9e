//! The zones area's routes.

use super::responses::*;
use crate::app::App;
use axum::routing::{get, MethodRouter};

pub fn routes() -> Vec<(&'static str, MethodRouter<App>)> {
    vec![
        ("/zones", get(list).post(create)),
        (
            "/zones/{zone_id}",
            get(get_one).patch(update).delete(delete_one),
        ),
    ]
}
