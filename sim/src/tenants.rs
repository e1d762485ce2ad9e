//! Tenants (reference §7.2–§7.6): the seeded tenant, its units, entitlements,
//! memberships and accounts, plus `GET /user/tenants`. Tenant-admin only.

use axum::extract::{Path, State};
use axum::Extension;
use serde_json::{json, Value};

use super::auth::Caller;
use super::envelope::{codes, ok, ok_list, ok_page, ApiError, ApiResult, PageRequest};
use super::input::QueryPairs;
use super::store::{Account, Entitlements, SimState, Tenant};
use super::App;

pub fn render_tenant(tenant: &Tenant) -> Value {
    json!({
        "tenant_tag": tenant.tenant_tag,
        "tenant_name": tenant.tenant_name,
        "tenant_type": tenant.tenant_type,
        "tenant_status": tenant.tenant_status,
        "tenant_labels": tenant.tenant_labels,
        "tenant_contacts": tenant.tenant_contacts,
        "tenant_metadata": tenant.tenant_metadata,
        "tenant_network": tenant.tenant_network,
        "customer_id": tenant.customer_id,
        "cdate": tenant.cdate,
        "edate": tenant.edate,
        "tenant_units": tenant.units.iter().map(|u| json!({
            "unit_tag": u.unit_tag,
            "unit_name": u.unit_name,
            "unit_status": u.unit_status,
            "unit_metadata": u.unit_metadata,
            "unit_memberships": u.unit_memberships,
        })).collect::<Vec<_>>(),
    })
}

pub fn render_entitlements(e: &Entitlements) -> Value {
    let flag = |value: bool| json!({ "type": "bool", "value": value });
    json!({
        "allow_add_subdomain": flag(e.allow_add_subdomain),
        "allow_auto_accept_invites": flag(e.allow_auto_accept_invites),
        "cname_setup_allowed": flag(e.cname_setup_allowed),
        "partial_setup_allowed": flag(e.partial_setup_allowed),
        "mhs_certificate_count": { "type": "max_count", "value": e.mhs_certificate_count },
        "custom_entitlements": e.custom_entitlements,
    })
}

fn render_memberships(tenant: &Tenant) -> Vec<Value> {
    tenant
        .memberships
        .iter()
        .map(|m| json!({ "user_email": m.user_email, "user_name": m.user_name, "user_tag": m.user_tag }))
        .collect()
}

/// The `/tenants/{id}/accounts` item: the account plus the older settings keys.
fn render_tenant_account(account: &Account, include_tags: bool) -> Value {
    let mut value = json!({
        "id": account.id,
        "name": account.name,
        "type": account.account_type,
        "created_on": account.created_on,
        "settings": {
            "abuse_contact_email": account.settings.abuse_contact_email,
            "access_approval_expiry": null,
            "api_access_enabled": null,
            "default_nameservers": "cloudflare.standard",
            "enforce_twofactor": account.settings.enforce_twofactor,
            "use_account_custom_ns_by_default": false,
        },
    });
    if include_tags {
        value["tags"] = json!({});
    }
    value
}

/// Tenant-admin only, and the tenant must be the simulated one (404 / 1006 otherwise).
fn check_tenant<'a>(
    state: &'a SimState,
    caller: &Caller,
    tenant_id: &str,
) -> Result<&'a Tenant, ApiError> {
    caller.require_tenant_admin()?;
    if state.tenant.tenant_tag != tenant_id {
        return Err(ApiError::not_found(
            codes::TENANT_NOT_FOUND,
            format!("Tenant not found: {tenant_id}"),
        ));
    }
    Ok(&state.tenant)
}

/// `GET /tenants/{tenant_id}`
pub async fn get_one(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Path(tenant_id): Path<String>,
) -> ApiResult {
    let state = app.state.lock().await;
    Ok(ok(render_tenant(check_tenant(
        &state, &caller, &tenant_id,
    )?)))
}

/// `GET /tenants/{tenant_id}/account_types`
pub async fn account_types(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Path(tenant_id): Path<String>,
) -> ApiResult {
    let state = app.state.lock().await;
    let tenant = check_tenant(&state, &caller, &tenant_id)?;
    Ok(ok(json!(tenant.account_types)))
}

/// `GET /tenants/{tenant_id}/entitlements`
pub async fn entitlements(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Path(tenant_id): Path<String>,
) -> ApiResult {
    let state = app.state.lock().await;
    let tenant = check_tenant(&state, &caller, &tenant_id)?;
    Ok(ok(render_entitlements(&tenant.entitlements)))
}

/// `GET /tenants/{tenant_id}/memberships` — single page.
pub async fn memberships(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Path(tenant_id): Path<String>,
) -> ApiResult {
    let state = app.state.lock().await;
    let tenant = check_tenant(&state, &caller, &tenant_id)?;
    Ok(ok_list(render_memberships(tenant)))
}

/// `GET /tenants/{tenant_id}/accounts` — every account created in the tenant, in creation
/// order. Without `page`/`per_page` the whole list is one page; with either, pages of
/// `per_page` (1–100, default 20). `direction` is `0`/`asc` (default) or `1`/`desc`;
/// `order` may be `created_on` (default), `name`, `id` or `type`; `include_tags=true`
/// adds an (empty) `tags` map.
pub async fn accounts(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Path(tenant_id): Path<String>,
    query: QueryPairs,
) -> ApiResult {
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

    let state = app.state.lock().await;
    let tenant = check_tenant(&state, &caller, &tenant_id)?;
    let mut accounts: Vec<&Account> = state
        .accounts
        .iter()
        .filter(|a| tenant.units.iter().any(|u| u.unit_tag == a.unit_tag))
        .collect();
    match order {
        "name" => accounts.sort_by_key(|a| a.name.to_lowercase()),
        "id" => accounts.sort_by(|a, b| a.id.cmp(&b.id)),
        "type" => accounts.sort_by(|a, b| a.account_type.cmp(&b.account_type)),
        _ => {}
    }
    if descending {
        accounts.reverse();
    }
    let items: Vec<Value> = accounts
        .into_iter()
        .map(|a| render_tenant_account(a, include_tags))
        .collect();
    let page = page.unwrap_or(PageRequest {
        page: 1,
        per_page: (items.len() as u64).max(1),
    });
    Ok(ok_page(items, page))
}

/// `GET /user/tenants` — for the tenant admin, one entry that carries both documented
/// shapes: the Organization fields (`id`, `name`, `create_time`, `meta`) and the Tenant
/// guide fields (`tenant_tag`, units, memberships, entitlements). Service users: `[]`.
pub async fn user_tenants(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
) -> ApiResult {
    let state = app.state.lock().await;
    if !caller.is_tenant_admin() {
        return Ok(ok_list(Vec::new()));
    }
    let tenant = &state.tenant;
    let mut entry = render_tenant(tenant);
    let extra = json!({
        "id": tenant.tenant_tag,
        "name": tenant.tenant_name,
        "create_time": tenant.cdate,
        "meta": {
            "hierarchy_tags": tenant.units.iter().map(|u| u.unit_tag.clone()).collect::<Vec<_>>(),
            "managed_by": tenant.tenant_tag,
            "tenant_flags": {
                "account_creation": "enabled",
                "account_creation_applies_tenant_defaults": "enabled",
                "account_deletion": "enabled",
                "account_migration": "disabled",
                "account_mobility": "disabled",
                "enterprise_capability": "enabled",
                "member_management": "enabled",
                "sub_org_creation": "disabled",
            },
        },
        "memberships": render_memberships(tenant),
        "entitlements": render_entitlements(&tenant.entitlements),
    });
    if let (Value::Object(target), Value::Object(source)) = (&mut entry, extra) {
        target.extend(source);
    }
    Ok(ok_list(vec![entry]))
}
