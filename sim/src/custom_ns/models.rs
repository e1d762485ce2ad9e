//! Tenant custom nameservers: records and the operations on them.
//!
//! A nameserver is named under a zone of one of the tenant's accounts (its
//! `zone_tag`), in a set of 1 to 5. Cloudflare gives it addresses; the
//! simulator derives them from the name, in the documentation ranges.

use super::records::CustomNameserver;
use crate::errors::{codes, ApiError};
use crate::helpers::derive_hex;
use crate::store::SimState;
use serde_json::{json, Value};

/// What `POST` asks for, read and validated by `responses`.
pub struct NewNameserver {
    pub ns_name: String,
    pub ns_set: u8,
}

/// An IPv4 and an IPv6 address, the same for a name every time.
fn addresses(ns_name: &str) -> [Value; 2] {
    let hex = derive_hex(&["custom_ns", ns_name]);
    let n = u8::from_str_radix(&hex[..2], 16).unwrap_or(1).max(1);
    [
        json!({ "type": "A", "value": format!("203.0.113.{n}") }),
        json!({ "type": "AAAA", "value": format!("2001:db8::{n:x}") }),
    ]
}

/// The object of the definition's `CustomNS`. `status` (deprecated) is
/// `verified` once the zone it lies under is active, `pending` before.
pub fn render(ns: &CustomNameserver, state: &SimState) -> Value {
    let active = state
        .zones
        .iter()
        .any(|z| z.id == ns.zone_tag && z.status == "active");
    json!({
        "ns_name": ns.ns_name,
        "ns_set": ns.ns_set,
        "zone_tag": ns.zone_tag,
        "dns_records": addresses(&ns.ns_name),
        "status": if active { "verified" } else { "pending" },
    })
}

/// Every custom nameserver of the tenant, in creation order.
pub fn list(state: &SimState, tenant_tag: &str) -> Vec<Value> {
    state
        .custom_nameservers
        .iter()
        .filter(|ns| ns.tenant_tag == tenant_tag)
        .map(|ns| render(ns, state))
        .collect()
}

/// Adds one: the name must lie under a zone of one of the tenant's
/// accounts (400 / 1000), and be new in the tenant (400 / 1062).
pub fn create(
    state: &mut SimState,
    tenant_tag: &str,
    new: NewNameserver,
) -> Result<Value, ApiError> {
    if state
        .custom_nameservers
        .iter()
        .any(|ns| ns.tenant_tag == tenant_tag && ns.ns_name == new.ns_name)
    {
        return Err(ApiError::bad_request(
            codes::CUSTOM_NS_EXISTS,
            format!("ns_name: {} already exists", new.ns_name),
        ));
    }
    let zone = state
        .zones
        .iter()
        .filter(|z| new.ns_name.ends_with(&format!(".{}", z.name)))
        .filter(|z| state.accounts.iter().any(|a| a.id == z.account_id))
        .max_by_key(|z| z.name.len())
        .ok_or_else(|| {
            ApiError::validation(format!(
                "ns_name: '{}' must be a subdomain of a zone in one of the tenant's accounts",
                new.ns_name
            ))
        })?;
    let ns = CustomNameserver {
        tenant_tag: tenant_tag.to_string(),
        ns_name: new.ns_name,
        ns_set: new.ns_set,
        zone_tag: zone.id.clone(),
    };
    let rendered = render(&ns, state);
    state.custom_nameservers.push(ns);
    Ok(rendered)
}

/// Removes one by name; 404 / 1063 if the tenant has none of that name.
pub fn delete(state: &mut SimState, tenant_tag: &str, ns_name: &str) -> Result<Value, ApiError> {
    let index = state
        .custom_nameservers
        .iter()
        .position(|ns| ns.tenant_tag == tenant_tag && ns.ns_name == ns_name)
        .ok_or_else(|| {
            ApiError::not_found(
                codes::CUSTOM_NS_NOT_FOUND,
                format!("Custom nameserver not found: {ns_name}"),
            )
        })?;
    state.custom_nameservers.remove(index);
    Ok(json!([]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_stable_and_documentation_ranges() {
        let [a, aaaa] = addresses("ns1.example.com");
        assert_eq!(addresses("ns1.example.com"), [a.clone(), aaaa.clone()]);
        assert!(a["value"].as_str().unwrap().starts_with("203.0.113."));
        assert!(aaaa["value"].as_str().unwrap().starts_with("2001:db8::"));
    }
}
