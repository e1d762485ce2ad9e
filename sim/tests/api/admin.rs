//! Admin endpoints, persistence across restarts, and the rate limit.

use crate::*;

#[test]
fn admin_state_reset_and_stats() {
    let sim = Sim::start(&[]);
    let account = create_account(&sim, "stats");
    sim.call("GET", &format!("/accounts/{account}"), None)
        .assert_ok();
    sim.call("GET", &format!("/accounts/{account}"), None)
        .assert_ok();
    sim.call("GET", "/nowhere", None);

    let r = sim.admin_call("GET", "/stats", None);
    assert_eq!(r.status, 200);
    assert_eq!(r.body["requests"]["GET /accounts/{account_id}"], json!(2));
    assert_eq!(r.body["requests"]["POST /accounts"], json!(1));
    assert_eq!(r.body["total"], json!(4));
    let r = sim.admin_call("POST", "/stats/reset", None);
    assert_eq!(r.body["total"], json!(0));
    let r = sim.admin_call("GET", "/stats", None);
    assert_eq!(r.body["requests"], json!({}));

    let state = sim.admin_call("GET", "/state", None).body;
    for key in [
        "accounts",
        "members",
        "users",
        "zones",
        "zone_subscriptions",
        "account_subscriptions",
    ] {
        assert!(state[key].is_array(), "{key}");
    }
    assert_eq!(state["accounts"][0]["id"], json!(account));
    assert!(state["accounts"][0]["profile"].is_object());

    let r = sim.admin_call("POST", "/reset", None);
    assert_eq!(r.status, 200);
    let state = sim.admin_call("GET", "/state", None).body;
    assert_eq!(state["accounts"], json!([]));
    sim.call("GET", &format!("/accounts/{account}"), None)
        .assert_error(404, 1002);
    // Admin routes are not counted in the API statistics.
    let r = sim.admin_call("GET", "/stats", None);
    assert_eq!(r.body["total"], json!(1));
}

/// Finds a non-loopback address of this machine (no packet is sent).
fn non_loopback_ip() -> Option<std::net::IpAddr> {
    let socket = std::net::UdpSocket::bind("0.0.0.0:0").ok()?;
    socket.connect("10.255.255.255:1").ok()?;
    let ip = socket.local_addr().ok()?.ip();
    (!ip.is_loopback() && !ip.is_unspecified()).then_some(ip)
}

#[test]
fn admin_endpoints_reject_non_loopback_peers() {
    let ip = non_loopback_ip().expect(
        "this test calls the simulator from a non-loopback address of this machine, and found none (no default route)",
    );
    let mut sim = Sim::start(&["--listen", "0.0.0.0:0"]);
    let port = sim.port();
    sim.root = format!("http://{ip}:{port}");
    let r = sim.admin_call("GET", "/state", None);
    assert_eq!(r.status, 403);
    assert_eq!(r.body["success"], json!(false));
    // The API itself is reachable from there.
    let r = sim
        .send(
            Auth::Token(TOKEN),
            "GET",
            &format!("{}/client/v4/accounts", sim.root),
            Body::None,
        )
        .unwrap();
    r.assert_ok();
}

#[test]
fn state_file_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("sim-state.json");
    let file_arg = file.to_str().unwrap().to_string();
    let (account, zone, api_key) = {
        let sim = Sim::start(&["--state", &file_arg]);
        let account = create_account(&sim, "persistent");
        let zone = create_zone(&sim, &account, "persist-example.com");
        sim.call(
            "POST",
            &format!("/zones/{zone}/subscription"),
            Some(json!({ "rate_plan": { "id": "PARTNERS_PRO" } })),
        )
        .assert_ok();
        let user = sim.call("POST", "/users", Some(json!({ "email": "p@example.com" })));
        let api_key = user.assert_ok()["api_key"].as_str().unwrap().to_string();
        (account, zone, api_key)
    };
    let saved: Value =
        serde_json::from_slice(&std::fs::read(&file).unwrap()).expect("state file is JSON");
    assert_eq!(saved["accounts"][0]["id"], json!(account));
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(leftovers.len(), 1, "no temporary files left behind");

    let sim = Sim::start(&["--state", &file_arg]);
    let r = sim.call("GET", &format!("/accounts/{account}"), None);
    assert_eq!(r.assert_ok()["name"], json!("persistent"));
    let r = sim.call("GET", &format!("/zones/{zone}/subscription"), None);
    assert_eq!(r.assert_ok()["rate_plan"]["id"], json!("pro"));
    sim.call_as(Auth::Key("p@example.com", &api_key), "GET", "/user", None)
        .assert_ok();
    // Reset also rewrites the file.
    sim.admin_call("POST", "/reset", None);
    drop(sim);
    let sim = Sim::start(&["--state", &file_arg]);
    let r = sim.call("GET", "/accounts", None);
    assert_eq!(r.assert_ok(), &json!([]));
}

#[test]
fn rate_limit_budget_per_credential() {
    let sim = Sim::start(&["--rate-limit", "3/60"]);
    for remaining in [2, 1, 0] {
        let r = sim.call("GET", "/accounts", None);
        r.assert_ok();
        let header = r.headers["ratelimit"].to_str().unwrap().to_string();
        assert!(
            header.starts_with(&format!("\"default\";r={remaining};t=")),
            "{header}"
        );
        assert_eq!(r.headers["ratelimit-policy"], "\"default\";q=3;w=60");
    }
    let r = sim.call("GET", "/accounts", None);
    r.assert_error(429, 971);
    let retry: u64 = r.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    // Another credential has its own budget.
    sim.call_as(Auth::Key(ADMIN_EMAIL, ADMIN_KEY), "GET", "/accounts", None)
        .assert_ok();
}

/// Every exchange says which dialect answered it; the dialect comes from the
/// command line and outlives a reset and a restart on the same state file.
#[test]
fn the_dialect_is_recorded_and_kept() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("sim-state.json");
    let file_arg = file.to_str().unwrap().to_string();
    let account = {
        let sim = Sim::start(&["--state", &file_arg, "--dialect", "observed"]);
        let account = create_account(&sim, "kept");
        let r = sim.call("GET", &format!("/accounts/{account}"), None);
        assert!(r.assert_ok()["legacy_flags"].is_object());
        let exchanges = sim.admin("GET", "/exchanges", None);
        let dialects: Vec<&Value> = exchanges["exchanges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| &e["dialect"])
            .collect();
        assert_eq!(dialects, [&json!("observed"), &json!("observed")]);
        account
    };
    let saved = std::fs::read_to_string(&file).unwrap();
    assert!(!saved.contains("dialect"), "the file holds no dialect");

    let sim = Sim::start(&["--state", &file_arg]);
    let r = sim.call("GET", &format!("/accounts/{account}"), None);
    assert!(r.assert_ok().get("legacy_flags").is_none());
    let exchanges = sim.admin("GET", "/exchanges", None);
    assert_eq!(exchanges["exchanges"][0]["dialect"], json!("documented"));
    drop(sim);

    let sim = Sim::start(&["--state", &file_arg, "--dialect", "observed"]);
    let r = sim.call("GET", &format!("/accounts/{account}"), None);
    assert!(r.assert_ok()["legacy_flags"].is_object());
    sim.admin_call("POST", "/reset", None);
    create_account(&sim, "after reset");
    let r = sim.call("GET", "/accounts", None);
    assert!(r.assert_ok()[0]["legacy_flags"].is_object());
    assert!(r.body["result_info"].get("total_pages").is_none());
}
