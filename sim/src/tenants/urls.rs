//! The tenants area's routes.

use super::responses::*;
use crate::app::App;
use axum::routing::{get, MethodRouter};

pub fn routes() -> Vec<(&'static str, MethodRouter<App>)> {
    vec![
        ("/user/tenants", get(user_tenants)),
        ("/tenants/{tenant_id}", get(get_one)),
        ("/tenants/{tenant_id}/account_types", get(account_types)),
        ("/tenants/{tenant_id}/accounts", get(accounts)),
        ("/tenants/{tenant_id}/entitlements", get(entitlements)),
        ("/tenants/{tenant_id}/memberships", get(memberships)),
    ]
}
