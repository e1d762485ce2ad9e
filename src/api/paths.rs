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

pub fn account(id: &str) -> String {
    format!("{ACCOUNTS}/{}", segment(id))
}

pub fn account_profile(id: &str) -> String {
    format!("{}/profile", account(id))
}

pub fn account_roles(id: &str) -> String {
    format!("{}/roles", account(id))
}

pub fn account_members(id: &str) -> String {
    format!("{}/members", account(id))
}

pub fn account_member(account_id: &str, member_id: &str) -> String {
    format!("{}/{}", account_members(account_id), segment(member_id))
}

pub fn account_subscriptions(id: &str) -> String {
    format!("{}/subscriptions", account(id))
}

pub fn account_subscription(account_id: &str, subscription_id: &str) -> String {
    format!(
        "{}/{}",
        account_subscriptions(account_id),
        segment(subscription_id)
    )
}

pub fn zone(id: &str) -> String {
    format!("{ZONES}/{}", segment(id))
}

pub fn zone_subscription(id: &str) -> String {
    format!("{}/subscription", zone(id))
}

pub fn zone_available_rate_plans(id: &str) -> String {
    format!("{}/available_rate_plans", zone(id))
}

pub fn tenant(id: &str) -> String {
    format!("/tenants/{}", segment(id))
}

pub fn tenant_accounts(id: &str) -> String {
    format!("{}/accounts", tenant(id))
}

pub fn tenant_account_types(id: &str) -> String {
    format!("{}/account_types", tenant(id))
}

pub fn tenant_entitlements(id: &str) -> String {
    format!("{}/entitlements", tenant(id))
}

pub fn tenant_memberships(id: &str) -> String {
    format!("{}/memberships", tenant(id))
}

pub fn tenant_custom_nameservers(id: &str) -> String {
    format!("{}/custom_ns", tenant(id))
}

pub fn tenant_custom_nameserver(id: &str, ns_name: &str) -> String {
    format!("{}/{}", tenant_custom_nameservers(id), segment(ns_name))
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
}
