//! The tenant's stored record: its units, entitlements and memberships.

use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Tenant {
    pub tenant_tag: String,
    pub tenant_name: String,
    pub tenant_type: String,
    pub tenant_status: String,
    pub tenant_labels: Vec<String>,
    pub tenant_contacts: Value,
    pub tenant_metadata: Value,
    pub tenant_network: Value,
    pub customer_id: String,
    pub cdate: String,
    pub edate: String,
    pub units: Vec<TenantUnit>,
    pub entitlements: Entitlements,
    pub memberships: Vec<TenantMembership>,
    pub account_types: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TenantUnit {
    pub unit_tag: String,
    pub unit_name: String,
    pub unit_status: String,
    pub unit_metadata: Value,
    pub unit_memberships: Vec<Value>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Entitlements {
    pub allow_add_subdomain: bool,
    pub allow_auto_accept_invites: bool,
    pub cname_setup_allowed: bool,
    pub partial_setup_allowed: bool,
    pub mhs_certificate_count: u64,
    /// Rendered verbatim: `[{feature: {key}, allocation: {type, value}}]`.
    pub custom_entitlements: Vec<Value>,
}

impl Entitlements {
    /// The boolean entitlement of this name (`POST /__sim/entitlements`).
    pub fn flag_mut(&mut self, name: &str) -> Option<&mut bool> {
        match name {
            "allow_add_subdomain" => Some(&mut self.allow_add_subdomain),
            "allow_auto_accept_invites" => Some(&mut self.allow_auto_accept_invites),
            "cname_setup_allowed" => Some(&mut self.cname_setup_allowed),
            "partial_setup_allowed" => Some(&mut self.partial_setup_allowed),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TenantMembership {
    pub user_email: String,
    pub user_name: String,
    pub user_tag: String,
}

impl Tenant {
    pub fn unit(&self, tag: &str) -> Option<&TenantUnit> {
        self.units.iter().find(|u| u.unit_tag == tag)
    }

    /// The name of what manages an account made with `unit.id` = `tag`: one
    /// of the tenant's units, or the tenant itself (a partner was recorded
    /// creating accounts with its tenant tag as `unit.id`). `None` for any
    /// other tag.
    pub fn parent_org_name(&self, tag: &str) -> Option<&str> {
        if tag == self.tenant_tag {
            return Some(&self.tenant_name);
        }
        self.unit(tag).map(|u| u.unit_name.as_str())
    }
}
