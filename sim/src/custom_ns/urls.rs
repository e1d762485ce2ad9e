//! The custom nameservers' routes.

use super::responses::*;
use crate::app::App;
use axum::routing::{delete, get, MethodRouter};

pub fn routes() -> Vec<(&'static str, MethodRouter<App>)> {
    vec![
        ("/tenants/{tenant_tag}/custom_ns", get(list).post(create)),
        (
            "/tenants/{tenant_tag}/custom_ns/{custom_ns_id}",
            delete(delete_one),
        ),
    ]
}
