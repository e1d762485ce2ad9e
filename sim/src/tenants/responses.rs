//! Tenants over HTTP.

use super::models::{
    self, check_tenant, render_entitlements, render_memberships, render_tenant, AccountsQuery,
};
use crate::app::Call;
use crate::envelope::{ok, ok_list, ok_page, PageRequest};
use crate::errors::{ApiError, ApiResult};
use crate::input::QueryPairs;
use axum::extract::Path;
use serde_json::json;

/// `GET /tenants/{tenant_id}`
pub async fn get_one(call: Call, Path(tenant_id): Path<String>) -> ApiResult {
    call.read(|state, caller| Ok(render_tenant(check_tenant(state, caller, &tenant_id)?)))
        .await
        .map(ok)
}

/// `GET /tenants/{tenant_id}/account_types`
pub async fn account_types(call: Call, Path(tenant_id): Path<String>) -> ApiResult {
    call.read(|state, caller| {
        Ok(json!(
            check_tenant(state, caller, &tenant_id)?.account_types
        ))
    })
    .await
    .map(ok)
}

/// `GET /tenants/{tenant_id}/entitlements`
pub async fn entitlements(call: Call, Path(tenant_id): Path<String>) -> ApiResult {
    call.read(|state, caller| {
        Ok(render_entitlements(
            &check_tenant(state, caller, &tenant_id)?.entitlements,
        ))
    })
    .await
    .map(ok)
}

/// `GET /tenants/{tenant_id}/memberships` — single page.
pub async fn memberships(call: Call, Path(tenant_id): Path<String>) -> ApiResult {
    call.read(|state, caller| Ok(render_memberships(check_tenant(state, caller, &tenant_id)?)))
        .await
        .map(ok_list)
}

/// `GET /tenants/{tenant_id}/accounts` — every account created in the tenant, in creation
/// order. Without `page`/`per_page` the whole list is one page; with either, pages of
/// `per_page` (1–100, default 20). `direction` is `0`/`asc` (default) or `1`/`desc`;
/// `order` may be `created_on` (default), `name`, `id` or `type`; `include_tags=true`
/// adds an (empty) `tags` map.
pub async fn accounts(call: Call, Path(tenant_id): Path<String>, query: QueryPairs) -> ApiResult {
    let descending = match query.get("direction") {
        None | Some("0") | Some("asc") => false,
        Some("1") | Some("desc") => true,
        Some(other) => {
            return Err(ApiError::validation(format!(
                "direction: must be 0 (ascending) or 1 (descending), got '{other}'"
            )))
        }
    };
    let order = query.get("order").unwrap_or("created_on");
    if !["created_on", "name", "id", "type"].contains(&order) {
        return Err(ApiError::validation(format!(
            "order: must be created_on, name, id or type, got '{order}'"
        )));
    }
    let include_tags = query.get("include_tags") == Some("true");
    let paged = query.get("page").is_some() || query.get("per_page").is_some();
    let page = if paged {
        Some(query.page_request(20, 1, 100)?)
    } else {
        None
    };
    let listing = AccountsQuery {
        order,
        descending,
        include_tags,
    };
    let items = call
        .read(|state, caller| models::accounts(state, caller, &tenant_id, &listing))
        .await?;
    let page = page.unwrap_or(PageRequest {
        page: 1,
        per_page: (items.len() as u64).max(1),
    });
    Ok(ok_page(items, page, call.dialect()))
}

/// `GET /user/tenants`
pub async fn user_tenants(call: Call) -> ApiResult {
    call.read(models::user_tenants).await.map(ok_list)
}
