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
    sim.call_as(
        Auth::Header("User-Agent", "agent-of-an-unmatched-route"),
        "GET",
        "/nowhere",
        None,
    )
    .assert_error(404, 7000);

    let r = sim.admin_call("GET", "/stats", None);
    assert_eq!(r.status, 200);
    assert_eq!(r.body["requests"]["GET /accounts/{account_id}"], json!(2));
    assert_eq!(r.body["requests"]["POST /accounts"], json!(1));
    assert_eq!(r.body["total"], json!(4));
    // Every request's User-Agent, a request to no route's too.
    assert_eq!(
        r.body["user_agents"]["agent-of-an-unmatched-route"],
        json!(1),
        "{}",
        r.body
    );
    let r = sim.admin_call("POST", "/stats/reset", None);
    assert_eq!(r.body["total"], json!(0));
    assert_eq!(
        r.body["routes"],
        sim.stats()["routes"],
        "the empty stats are whole"
    );
    // An admin endpoint's wrong method is answered in the envelope.
    let r = sim.admin_call("PUT", "/state", None);
    assert_eq!((r.status, r.code()), (405, 7001), "{}", r.body);
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
    // Not loopback: the default credentials are refused (connections.rs).
    let mut sim = Sim::start(&[
        "--listen",
        "0.0.0.0:0",
        "--api-token",
        "own-token",
        "--auth-key",
        "own-key",
    ]);
    let port = sim.port();
    sim.root = format!("http://{ip}:{port}");
    let r = sim.admin_call("GET", "/state", None);
    assert_eq!(r.status, 403);
    assert_eq!(r.body["success"], json!(false));
    // The API itself is reachable from there.
    let r = sim
        .send(
            Auth::Token("own-token"),
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
    #[cfg(unix)]
    {
        // It holds the service users' API keys: the owner's only.
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{mode:o}");
    }

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

/// Each service user has a budget of its own, as on Cloudflare: the tenant
/// admin's spent budget does not hold back a customer's user, nor one
/// user's another (what bench/estate.sh relies on).
#[test]
fn rate_limit_budget_per_service_user() {
    let sim = Sim::start(&["--rate-limit", "3/60"]);
    let (ada, ada_key) = create_service_user(&sim, "ada@example.com");
    let (bob, bob_key) = create_service_user(&sim, "bob@example.com");
    sim.call("GET", "/accounts", None).assert_ok();
    sim.call("GET", "/accounts", None).assert_error(429, 971);
    for _ in 0..3 {
        sim.call_as(Auth::Key(&ada, &ada_key), "GET", "/user", None)
            .assert_ok();
    }
    sim.call_as(Auth::Key(&ada, &ada_key), "GET", "/user", None)
        .assert_error(429, 971);
    let r = sim.call_as(Auth::Key(&bob, &bob_key), "GET", "/user", None);
    r.assert_ok();
    assert_eq!(
        r.headers["ratelimit"].to_str().unwrap().split(';').nth(1),
        Some("r=2")
    );
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

/// A web page the user visits can send "simple" cross-site requests (no
/// preflight: `text/plain` bodies, with the page's `Origin`), and through DNS
/// rebinding can read answers under its own host name. The admin endpoints
/// refuse both; the API does not care about Host.
#[test]
fn admin_endpoints_refuse_what_a_web_page_can_send() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("sim-state.json");
    let sim = Sim::start(&["--state", file.to_str().unwrap()]);
    let addr = sim_addr(&sim);
    let port = sim.port();
    let account = create_account(&sim, "kept");
    create_service_user(&sim, "svc@example.com");
    let saved = std::fs::read_to_string(&file).unwrap();

    let post = |path: &str, headers: &str, body: &str| {
        raw_http(
            &addr,
            &format!(
                "POST /__sim{path} HTTP/1.1\r\nHost: {addr}\r\n{headers}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            ),
        )
    };
    let rules = r#"{"seed": 1, "rules": [{"action": "status", "status": 500}]}"#;
    // A cross-site form or fetch: its Origin.
    for (path, body) in [("/reset", ""), ("/faults", rules)] {
        let (status, body) = post(
            path,
            "Origin: https://evil.example\r\nContent-Type: text/plain\r\n",
            body,
        );
        assert_eq!(status, 403, "{path}: {body}");
        assert_eq!(body["success"], json!(false));
        let message = body["errors"][0]["message"].as_str().unwrap();
        assert!(
            message.contains("Origin") && message.contains("http://127.0.0.1:PORT"),
            "{message}"
        );
    }
    // The same without an Origin (a browser always sends one with a POST, but the
    // body type alone needs no preflight).
    for (path, body) in [("/reset", "x"), ("/faults", rules)] {
        let (status, body) = post(path, "Content-Type: text/plain\r\n", body);
        assert_eq!(status, 415, "{path}: {body}");
        let message = body["errors"][0]["message"].as_str().unwrap();
        assert!(message.contains("application/json"), "{message}");
    }
    let (status, _) = post("/faults", "", rules);
    assert_eq!(status, 415, "a body without a Content-Type");
    let (status, _) = post(
        "/faults",
        "Content-Type: application/x-www-form-urlencoded\r\n",
        "seed=1",
    );
    assert_eq!(status, 415);
    // Nothing was reset, no fault installed, the file untouched.
    sim.call("GET", &format!("/accounts/{account}"), None)
        .assert_ok();
    assert_eq!(sim.admin("GET", "/faults", None)["rules"], json!([]));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), saved);

    // DNS rebinding: the page's host name in Host.
    let get_state = |host_line: &str| {
        raw_http(
            &addr,
            &format!("GET /__sim/state HTTP/1.1\r\n{host_line}Connection: close\r\n\r\n"),
        )
    };
    for host in [
        format!("Host: rebound.example:{port}\r\n"),
        "Host: rebound.example\r\n".to_string(),
        format!("Host: 10.0.0.1:{port}\r\n"),
        String::new(),
    ] {
        let (status, body) = get_state(&host);
        assert_eq!(status, 403, "{host:?}: {body}");
        assert!(!body.to_string().contains("api_key"), "{body}");
        let message = body["errors"][0]["message"].as_str().unwrap();
        assert!(
            message.contains("Host") && message.contains("localhost"),
            "{message}"
        );
    }
    // Loopback names, and a page served from loopback, are fine.
    for host in [
        format!("Host: localhost:{port}\r\n"),
        "Host: localhost\r\n".to_string(),
        format!("Host: [::1]:{port}\r\n"),
        format!("Host: 127.0.0.1:{port}\r\nOrigin: http://localhost:3000\r\n"),
    ] {
        let (status, body) = get_state(&host);
        assert_eq!(status, 200, "{host:?}: {body}");
        assert_eq!(body["users"][0]["email"], json!("svc@example.com"));
    }

    // JSON bodies, and requests without a body, pass (as curl and the tests send them).
    sim.faults(
        1,
        json!([{"method": "GET", "path": "/zones", "action": "status", "status": 503}]),
    );
    let (status, body) = post(
        "/faults",
        "Content-Type: application/json; charset=utf-8\r\n",
        rules,
    );
    assert_eq!(status, 200, "{body}");
    let r = sim.admin_call("DELETE", "/faults", None);
    assert_eq!((r.status, &r.body["rules"]), (200, &json!([])));
    let (status, body) = post("/reset", "", "");
    assert_eq!(status, 200, "{body}");
    assert_eq!(sim.state()["accounts"], json!([]));

    // The API answers whatever the Host.
    let (status, body) = raw_http(
        &addr,
        &format!(
            "GET /client/v4/user HTTP/1.1\r\nHost: sim.example\r\nAuthorization: Bearer {TOKEN}\r\nConnection: close\r\n\r\n"
        ),
    );
    assert_eq!(status, 200, "{body}");
}

/// `POST /__sim/clock` moves the `Date` of every API answer: a handler's,
/// the gate's refusals (authentication, a malformed id), an injected fault,
/// an unmatched route, and the body limit's.
#[test]
fn the_simulated_clock_dates_every_api_answer() {
    let sim = Sim::start(&[]);
    sim.admin_call(
        "POST",
        "/clock",
        Some(json!({ "offset_seconds": -86400 * 400 })),
    );
    sim.admin_call(
        "POST",
        "/faults",
        Some(json!({ "rules": [
            { "method": "GET", "path": "/user", "action": "status", "status": 429, "retry_after": 1, "count": 1 },
        ]})),
    );
    // `Date: Sat, 05 Dec 2026 12:00:00 GMT`: the day, month and year.
    let day = |r: &cftenant_testing::Response| {
        let date = r
            .headers
            .get("date")
            .and_then(|d| d.to_str().ok())
            .unwrap_or_default();
        date.get(5..16).unwrap_or_default().to_string()
    };
    // The admin endpoints answer on this machine's clock.
    let today = day(&sim.admin_call("GET", "/clock", None));
    let answers = [
        ("handled", sim.call("GET", "/accounts", None)),
        ("injected 429", sim.call("GET", "/user", None)),
        (
            "unauthenticated",
            sim.call_as(Auth::None, "GET", "/accounts", None),
        ),
        ("malformed id", sim.call("GET", "/accounts/xyz", None)),
        ("unmatched route", sim.call("GET", "/no/such/route", None)),
        (
            "body too large",
            sim.call(
                "POST",
                "/accounts",
                Some(json!({ "name": "x".repeat(2 << 20) })),
            ),
        ),
    ];
    let handled = day(&answers[0].1);
    assert!(
        !today.is_empty() && handled != today,
        "{handled} vs {today}"
    );
    for (what, answer) in &answers {
        assert_eq!(day(answer), handled, "{what}: not on the simulated clock");
    }
}
