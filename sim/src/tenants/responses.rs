//! Tenants over HTTP.

use super::models::{self, render_entitlements, render_memberships, render_tenant, AccountsQuery};
use super::records::Tenant;
use crate::app::{Call, InTenant};
use crate::auth::Access;
use crate::envelope::{ok, ok_list, ok_page, PageRequest};
use crate::errors::ApiResult;
use crate::input::QueryPairs;
use serde_json::{json, Value};

/// Answers with what `view` shows of the tenant.
async fn show(tenant: InTenant, view: impl FnOnce(&Tenant) -> Value) -> ApiResult {
    tenant
        .read(|state, _| Ok(view(&state.tenant)))
        .await
        .map(ok)
}

/// `GET /tenants/{tenant_id}`
pub async fn get_one(tenant: InTenant) -> ApiResult {
    show(tenant, render_tenant).await
}

/// `GET /tenants/{tenant_id}/account_types`
pub async fn account_types(tenant: InTenant) -> ApiResult {
    show(tenant, |t| json!(t.account_types)).await
}

/// `GET /tenants/{tenant_id}/entitlements`
pub async fn entitlements(tenant: InTenant) -> ApiResult {
    show(tenant, |t| render_entitlements(&t.entitlements)).await
}

/// `GET /tenants/{tenant_id}/memberships` — single page.
pub async fn memberships(tenant: InTenant) -> ApiResult {
    show(tenant, |t| json!(render_memberships(t))).await
}

/// `GET /tenants/{tenant_id}/accounts` — every account created in the tenant, in creation
/// order. Without `page`/`per_page` the whole list is one page; with either, pages of
/// `per_page` (1–100, default 20). `direction` is `0`/`asc` (default) or `1`/`desc`;
/// `order` may be `created_on` (default), `name`, `id` or `type`; `include_tags=true`
/// adds an (empty) `tags` map.
pub async fn accounts(tenant: InTenant, query: QueryPairs) -> ApiResult {
    let directions = ["0", "asc", "1", "desc"];
    let direction = query.one_of("direction", &directions, "0 (ascending) or 1 (descending)")?;
    let descending = matches!(direction, Some("1" | "desc"));
    let orders = ["created_on", "name", "id", "type"];
    let order = query
        .one_of("order", &orders, "created_on, name, id or type")?
        .unwrap_or("created_on");
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
    let items = tenant
        .read(|state, _| Ok(models::accounts(state, &listing)))
        .await?;
    let page = page.unwrap_or(PageRequest {
        page: 1,
        per_page: (items.len() as u64).max(1),
    });
    Ok(ok_page(items, page, tenant.dialect()))
}

/// `GET /user/tenants`
pub async fn user_tenants(call: Call) -> ApiResult {
    call.read(Access::Anyone, |state| {
        models::user_tenants(state, &call.caller)
    })
    .await
    .map(ok_list)
}
