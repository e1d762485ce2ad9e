//! The banner, authentication and its failures, unknown routes and malformed bodies.

use crate::*;
#[test]
fn first_line_announces_a_free_port() {
    let sim = Sim::start(&[]);
    let rest = sim
        .first_line
        .strip_prefix("cftenant-sim listening on http://127.0.0.1:")
        .expect("prefix");
    let port: u16 = rest
        .strip_suffix("/client/v4")
        .expect("suffix")
        .parse()
        .expect("port");
    assert_ne!(port, 0);
    // The announced URL answers.
    let r = sim.call("GET", "/accounts", None);
    r.assert_ok();
    assert_eq!(r.body["result_info"]["total_count"], json!(0));
}

#[test]
fn authentication_failures_use_real_envelopes() {
    let sim = Sim::start(&["--api-token", "alpha", "--api-token", "beta"]);

    sim.call_as(Auth::None, "GET", "/accounts", None)
        .assert_error(400, 9106);
    sim.call_as(Auth::Token("sim-token"), "GET", "/accounts", None)
        .assert_error(403, 9109);
    sim.call_as(Auth::Token("alpha"), "GET", "/accounts", None)
        .assert_ok();
    sim.call_as(Auth::Token("beta"), "GET", "/accounts", None)
        .assert_ok();
    sim.call_as(Auth::Key(ADMIN_EMAIL, ADMIN_KEY), "GET", "/accounts", None)
        .assert_ok();
    sim.call_as(
        Auth::Key(ADMIN_EMAIL, "wrong-key"),
        "GET",
        "/accounts",
        None,
    )
    .assert_error(403, 9103);
    sim.call_as(
        Auth::Key("other@example.com", ADMIN_KEY),
        "GET",
        "/accounts",
        None,
    )
    .assert_error(403, 9103);

    // Malformed headers: 6003, with the reason in the error chain.
    for (auth, chained) in [
        (Auth::Header("Authorization", "Basic abc"), 6111),
        (Auth::Key("not-an-email", ADMIN_KEY), 6102),
        (Auth::Header("X-Auth-Email", ADMIN_EMAIL), 6103),
    ] {
        let r = sim.call_as(auth, "GET", "/accounts", None);
        r.assert_error(400, 6003);
        assert_eq!(
            r.body["errors"][0]["error_chain"][0]["code"],
            json!(chained)
        );
    }
}

#[test]
fn unknown_routes_methods_and_bodies() {
    let sim = Sim::start(&[]);
    sim.call("GET", "/nope", None).assert_error(404, 7000);
    sim.call("GET", "/users/0123456789abcdef0123456789abcdef", None)
        .assert_error(404, 7000);
    sim.call("DELETE", "/users/0123456789abcdef0123456789abcdef", None)
        .assert_error(404, 7000);

    // Malformed JSON, non-object JSON and wrong field types are clean 400s.
    let raw = sim
        .send(
            Auth::Token(TOKEN),
            "POST",
            &format!("{}/accounts", sim.base_url),
            Body::Raw("{\"name\": "),
        )
        .unwrap();
    assert_eq!(raw.status, 400);
    assert_eq!(raw.body["errors"][0]["code"], json!(6007));
    sim.call("POST", "/accounts", Some(json!([1, 2])))
        .assert_error(400, 6007);
    let r = sim.call("POST", "/accounts", Some(json!({ "name": 12 })));
    r.assert_error(400, 1000);
    assert!(r.message().contains("name"), "{}", r.message());
    let r = sim.call(
        "POST",
        "/accounts",
        Some(json!({ "name": "x", "type": 1e300 })),
    );
    r.assert_error(400, 1000);
    let r = sim.call(
        "GET",
        "/accounts?page=99999999999999999999999&per_page=5",
        None,
    );
    r.assert_error(400, 1000);
}

/// `--strict-auth` enforces the definition's schemes: an API token on an
/// endpoint documented for the global key only is refused, the key works
/// there, and tokens keep working where the definition allows them.
#[test]
fn strict_auth_follows_the_definitions_schemes() {
    let sim = Sim::start(&["--strict-auth"]);
    let r = sim.call("GET", "/accounts", None);
    r.assert_error(403, 10000);
    assert!(r.message().contains("global API key"), "{}", r.message());
    sim.call("GET", &format!("/tenants/{TENANT}"), None)
        .assert_error(403, 10000);
    let key = Auth::Key(ADMIN_EMAIL, ADMIN_KEY);
    let account = sim
        .call_as(key, "POST", "/accounts", Some(json!({ "name": "Strict" })))
        .assert_ok()["id"]
        .as_str()
        .unwrap()
        .to_string();
    sim.call_as(key, "GET", &format!("/tenants/{TENANT}"), None)
        .assert_ok();
    // Zones take tokens in the definition.
    sim.call(
        "POST",
        "/zones",
        Some(json!({ "name": "strict-example.com", "account": { "id": account } })),
    )
    .assert_ok();
    sim.call("PATCH", "/user", Some(json!({ "first_name": "Ada" })))
        .assert_ok();
    // Without the flag, tokens work everywhere.
    Sim::start(&[]).call("GET", "/accounts", None).assert_ok();
}

/// The key-only list is the definition's, for every path the simulator
/// serves (and `POST /users`, which only the Tenant guide documents).
#[test]
fn the_key_only_list_is_the_definitions() {
    let definition = cftenant_testing::conformance::definition();
    let ours: Vec<(&str, &str)> = cftenant_sim::auth::KEY_ONLY
        .iter()
        .copied()
        .filter(|(_, template)| *template != "/users")
        .collect();
    let documented: std::collections::BTreeSet<_> = definition
        .key_only()
        .into_iter()
        .filter(|(_, path)| !cftenant_testing::conformance::UNUSED_PATHS.contains(&path.as_str()))
        .collect();
    assert_eq!(definition.expand_key_only(&ours), documented);
}
