//! Every path the provider calls, built in one place. Each variable segment
//! is percent-encoded, so that no value, whatever it holds, can reach
//! another endpoint (`..`, `/`, `?` and `#` never go out as themselves).

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// What a plain segment (an id, a host name) is made of.
const PLAIN: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.');

/// One path segment from a value. An id or a host name goes as it is; any
/// other value is percent-encoded whole, dots included, so that neither
/// `/`, `?`, `#` nor `..` reaches the server as itself, even through a
/// proxy that decodes `%2F`.
pub fn segment(raw: &str) -> String {
    let plain = !raw.is_empty()
        && raw != "."
        && raw != ".."
        && utf8_percent_encode(raw, PLAIN).to_string() == raw;
    if plain {
        raw.to_string()
    } else {
        utf8_percent_encode(raw, NON_ALPHANUMERIC).to_string()
    }
}

pub const ACCOUNTS: &str = "/accounts";
pub const ZONES: &str = "/zones";
pub const USER: &str = "/user";
pub const USER_TENANTS: &str = "/user/tenants";
pub const USERS: &str = "/users";

/// Path functions, one per line: `name(args) => "template"`, where each
/// `{arg}` of the template is one encoded segment (see [`segment`]).
macro_rules! paths {
    ($($(#[$doc:meta])* $name:ident($($arg:ident),+) => $template:literal;)+) => {
        $(
            $(#[$doc])*
            pub fn $name($($arg: &str),+) -> String {
                $(let $arg = segment($arg);)+
                format!($template)
            }
        )+
    };
}

paths! {
    account(id) => "/accounts/{id}";
    account_profile(id) => "/accounts/{id}/profile";
    account_dns_settings(id) => "/accounts/{id}/dns_settings";
    account_roles(id) => "/accounts/{id}/roles";
    account_members(id) => "/accounts/{id}/members";
    account_permission_groups(id) => "/accounts/{id}/iam/permission_groups";
    account_resource_groups(id) => "/accounts/{id}/iam/resource_groups";
    account_member(account_id, member_id) => "/accounts/{account_id}/members/{member_id}";
    account_subscriptions(id) => "/accounts/{id}/subscriptions";
    account_subscription(account_id, subscription_id) => "/accounts/{account_id}/subscriptions/{subscription_id}";
    zone(id) => "/zones/{id}";
    zone_subscription(id) => "/zones/{id}/subscription";
    zone_dns_settings(id) => "/zones/{id}/dns_settings";
    zone_available_rate_plans(id) => "/zones/{id}/available_rate_plans";
    tenant(id) => "/tenants/{id}";
    tenant_accounts(id) => "/tenants/{id}/accounts";
    tenant_account_types(id) => "/tenants/{id}/account_types";
    tenant_entitlements(id) => "/tenants/{id}/entitlements";
    tenant_memberships(id) => "/tenants/{id}/memberships";
    tenant_custom_nameservers(id) => "/tenants/{id}/custom_ns";
    tenant_custom_nameserver(id, ns_name) => "/tenants/{id}/custom_ns/{ns_name}";
}

/// The operations Cloudflare's API definition documents for the global API
/// key (`X-Auth-Email` + `X-Auth-Key`) only, as `(method, path template)`
/// (`*`: every method). An API token may be refused there; a 403 then says
/// how to configure the key. (tests/conformance.rs holds it to the
/// definition.)
pub const GLOBAL_KEY_ONLY: &[(&str, &str)] = &[
    ("*", "/accounts"),
    ("*", "/accounts/{account_id}"),
    ("*", "/accounts/{account_id}/members"),
    ("*", "/accounts/{account_id}/members/{member_id}"),
    ("*", "/accounts/{account_id}/profile"),
    ("*", "/accounts/{account_id}/roles"),
    ("*", "/accounts/{account_id}/roles/{role_id}"),
    ("*", "/tenants/{tenant_id}"),
    ("*", "/tenants/{tenant_id}/account_types"),
    ("*", "/tenants/{tenant_id}/accounts"),
    ("*", "/tenants/{tenant_id}/entitlements"),
    ("*", "/tenants/{tenant_id}/memberships"),
    ("*", "/user/tenants"),
    ("GET", "/user"),
];

/// Is this request one of [`GLOBAL_KEY_ONLY`]?
pub fn documented_for_global_key(method: &str, path: &str) -> bool {
    let path: Vec<&str> = path.trim_matches('/').split('/').collect();
    GLOBAL_KEY_ONLY.iter().any(|(m, template)| {
        let template: Vec<&str> = template.trim_matches('/').split('/').collect();
        (*m == "*" || *m == method)
            && template.len() == path.len()
            && template
                .iter()
                .zip(&path)
                .all(|(t, p)| t.starts_with('{') || t == p)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_value_reaches_another_endpoint() {
        assert_eq!(segment("7d0a0a5b2c1e4f3a"), "7d0a0a5b2c1e4f3a");
        assert_eq!(segment("ns1.example.com"), "ns1.example.com");
        assert_eq!(
            segment("../accounts?page=2"),
            "%2E%2E%2Faccounts%3Fpage%3D2"
        );
        assert_eq!(segment(".."), "%2E%2E");
        assert_eq!(segment("."), "%2E");
        assert_eq!(segment("a b#c"), "a%20b%23c");
        assert_eq!(
            account_member("../zones/x", "y"),
            "/accounts/%2E%2E%2Fzones%2Fx/members/y"
        );
        assert_eq!(
            tenant_accounts("t/../u"),
            "/tenants/t%2F%2E%2E%2Fu/accounts"
        );
    }

    #[test]
    fn requests_documented_for_the_global_key() {
        let get = "GET";
        assert!(documented_for_global_key(get, "/accounts"));
        assert!(documented_for_global_key(
            "PUT",
            "/accounts/023e105f4ecef8ad9ca31a8372d0c353/members/4536bcfad5faccb111b47003c79917fa"
        ));
        assert!(documented_for_global_key(get, "/tenants/t/entitlements"));
        assert!(documented_for_global_key(get, "/user"));
        assert!(!documented_for_global_key("PATCH", "/user"));
        assert!(!documented_for_global_key(get, "/zones"));
        assert!(!documented_for_global_key(get, "/accounts/a/subscriptions"));
        assert!(!documented_for_global_key(get, "/tenants/t/custom_ns"));
    }
}
