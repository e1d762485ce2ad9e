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
    Auth, Body, Sim, ADMIN_EMAIL, ADMIN_KEY, ADMIN_ROLE, TENANT, TOKEN, UNIT_1, UNIT_2,
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

pub fn is_cf_id(v: &Value) -> bool {
    v.as_str().is_some_and(|s| {
        s.len() == 32
            && s.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}
