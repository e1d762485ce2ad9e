//! The members area's routes (members, roles, and the permission and
//! resource groups that member policies name).

use super::responses::*;
use crate::app::App;
use axum::routing::{get, MethodRouter};

pub fn routes() -> Vec<(&'static str, MethodRouter<App>)> {
    vec![
        ("/accounts/{account_id}/roles", get(list_roles)),
        ("/accounts/{account_id}/roles/{role_id}", get(get_role)),
        (
            "/accounts/{account_id}/iam/permission_groups",
            get(list_permission_groups),
        ),
        (
            "/accounts/{account_id}/iam/resource_groups",
            get(list_resource_groups),
        ),
        ("/accounts/{account_id}/members", get(list).post(create)),
        (
            "/accounts/{account_id}/members/{member_id}",
            get(get_one).put(update).delete(delete_one),
        ),
    ]
}
