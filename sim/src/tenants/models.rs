//! Tenants (reference §7.2–§7.6): the seeded tenant, its units,
//! entitlements, memberships and accounts, and `GET /user/tenants`. Tenant
//! admins only.

use super::records::{Entitlements, Tenant};
use crate::accounts::records::Account;
use crate::auth::Caller;
use crate::dialect::Dialect;
use crate::errors::ApiError;
use crate::store::SimState;
use serde_json::{json, Value};

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

pub fn render_memberships(tenant: &Tenant) -> Vec<Value> {
    tenant
        .memberships
        .iter()
        .map(|m| json!({ "user_email": m.user_email, "user_name": m.user_name, "user_tag": m.user_tag }))
        .collect()
}

/// The `/tenants/{id}/accounts` item: the account plus the older settings
/// keys. The observed dialect answers as a partner recorded it (corpus 10):
/// `account_tag`, `account_pubname`, `account_type` and
/// `settings.enforce_two_factor`, without `id`, `name` or `type`.
fn render_tenant_account(account: &Account, include_tags: bool, dialect: Dialect) -> Value {
    let mut value = if dialect.is_observed() {
        json!({
            "account_tag": account.id,
            "account_pubname": account.name,
            "account_type": account.account_type,
            "created_on": account.created_on,
            "settings": {
                "enforce_two_factor": account.settings.enforce_twofactor,
                "api_access_enabled": null,
                "access_approval_expiry": null,
                "use_account_custom_ns_by_default": false,
            },
        })
    } else {
        json!({
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
        })
    };
    if include_tags {
        value["tags"] = json!({});
    }
    value
}

/// How `GET /tenants/{id}/accounts` lists.
pub struct AccountsQuery<'a> {
    pub order: &'a str,
    pub descending: bool,
    pub include_tags: bool,
}

/// Every account created in the tenant (in one of its units, or with the
/// tenant's own tag as its unit), in creation order unless ordered.
pub fn accounts(state: &SimState, query: &AccountsQuery) -> Vec<Value> {
    let mut accounts: Vec<&Account> = state
        .accounts
        .iter()
        .filter(|a| state.tenant.parent_org_name(&a.unit_tag).is_some())
        .collect();
    match query.order {
        "name" => accounts.sort_by_key(|a| a.name.to_lowercase()),
        "id" => accounts.sort_by(|a, b| a.id.cmp(&b.id)),
        "type" => accounts.sort_by(|a, b| a.account_type.cmp(&b.account_type)),
        _ => {}
    }
    if query.descending {
        accounts.reverse();
    }
    accounts
        .into_iter()
        .map(|a| render_tenant_account(a, query.include_tags, state.dialect))
        .collect()
}

/// For the tenant admin, one entry that carries both documented shapes: the
/// Organization fields (`id`, `name`, `create_time`, `meta`) and the Tenant
/// guide fields (`tenant_tag`, units, memberships, entitlements). Service
/// users: `[]`.
pub fn user_tenants(state: &SimState, caller: &Caller) -> Result<Vec<Value>, ApiError> {
    if !caller.is_tenant_admin() {
        return Ok(Vec::new());
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
    Ok(vec![entry])
}
