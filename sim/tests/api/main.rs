//! The simulator's HTTP API, over real HTTP against the `cftenant-sim`
//! binary: one module per API area. Each test starts its own simulator on a
//! free loopback port (the shared harness in `cftenant-testing`).

mod accounts;
mod admin;
mod auth;
mod custom_ns;
mod faults;
mod members;
mod subscriptions;
mod tenants;
mod users;
mod zones;

pub use cftenant_testing::{
    Auth, Body, Sim, ADMIN_EMAIL, ADMIN_KEY, ADMIN_ROLE, OBSERVED, TENANT, TOKEN, UNIT_1, UNIT_2,
};
pub use serde_json::{json, Value};
pub use std::time::{Duration, Instant};

pub fn create_account(sim: &Sim, name: &str) -> String {
    let r = sim.call("POST", "/accounts", Some(json!({ "name": name })));
    r.assert_ok()["id"]
        .as_str()
        .expect("account id")
        .to_string()
}

pub fn create_zone(sim: &Sim, account_id: &str, name: &str) -> String {
    let r = sim.call(
        "POST",
        "/zones",
        Some(json!({ "name": name, "account": { "id": account_id } })),
    );
    r.assert_ok()["id"].as_str().expect("zone id").to_string()
}

/// A service user (`POST /users`): its email and API key.
pub fn create_service_user(sim: &Sim, email: &str) -> (String, String) {
    let r = sim.call("POST", "/users", Some(json!({ "email": email })));
    let key = r.assert_ok()["api_key"]
        .as_str()
        .expect("api_key")
        .to_string();
    (email.to_string(), key)
}

/// The keys of a JSON object, sorted.
pub fn keys(v: &Value) -> Vec<String> {
    let mut keys: Vec<String> = v
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {v}"))
        .keys()
        .cloned()
        .collect();
    keys.sort();
    keys
}

pub fn is_cf_id(v: &Value) -> bool {
    v.as_str().is_some_and(|s| {
        s.len() == 32
            && s.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}
