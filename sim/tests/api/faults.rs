//! Fault injection: statuses, delays, dropped connections, repeatable randomness.

use crate::*;

#[test]
fn faults_status_and_delay() {
    let sim = Sim::start(&[]);
    let r = sim
        .admin_call(
            "POST",
            "/faults",
            Some(json!({ "seed": 42, "rules": [
                { "method": "POST", "path": "/accounts", "action": "status", "status": 429, "retry_after": 2, "count": 2 },
                { "method": "GET", "path": "/client/v4/accounts", "action": "delay", "delay_ms": 300, "count": 1 },
                { "method": "*", "path": "/zones", "action": "status", "status": 503, "count": 1 },
            ]})),
        );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["rules"].as_array().unwrap().len(), 3);

    for _ in 0..2 {
        let r = sim.call("POST", "/accounts", Some(json!({ "name": "f" })));
        r.assert_error(429, 971);
        assert_eq!(r.headers["retry-after"], "2");
    }
    sim.call("POST", "/accounts", Some(json!({ "name": "f" })))
        .assert_ok();

    let started = Instant::now();
    sim.call("GET", "/accounts", None).assert_ok();
    assert!(started.elapsed() >= Duration::from_millis(300));

    let r = sim.call("GET", "/zones", None);
    r.assert_error(503, 10001);
    sim.call("GET", "/zones", None).assert_ok();

    let r = sim.admin_call("GET", "/faults", None);
    assert_eq!(r.body["seed"], json!(42));
    let fired: Vec<u64> = r.body["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["fired"].as_u64().unwrap())
        .collect();
    assert_eq!(fired, [2, 1, 1]);

    // Bad rules are rejected; DELETE clears.
    let r = sim.admin_call(
        "POST",
        "/faults",
        Some(json!({ "rules": [{ "path": "/acounts", "action": "drop" }] })),
    );
    assert_eq!(r.status, 400);
    let r = sim.admin_call(
        "POST",
        "/faults",
        Some(json!({ "rules": [{ "path": "*", "action": "explode" }] })),
    );
    assert_eq!(r.status, 400);
    let r = sim.admin_call("DELETE", "/faults", None);
    assert_eq!(r.body["rules"], json!([]));
}

#[test]
fn faults_drop_and_commit_then_drop() {
    let sim = Sim::start(&[]);
    sim.admin_call(
        "POST",
        "/faults",
        Some(json!({ "rules": [
            { "method": "POST", "path": "/accounts", "action": "drop", "count": 1 },
            { "method": "POST", "path": "/accounts", "action": "commit_then_drop", "count": 1 },
        ]})),
    );

    // drop: no response, nothing stored.
    let result = sim.send(
        Auth::Token(TOKEN),
        "POST",
        &format!("{}/accounts", sim.base_url),
        Body::Json(&json!({ "name": "dropped" })),
    );
    assert!(result.is_err(), "drop must not produce a response");
    let state = sim.admin_call("GET", "/state", None).body;
    assert_eq!(state["accounts"], json!([]));

    // commit_then_drop: no response, but the account exists.
    let result = sim.send(
        Auth::Token(TOKEN),
        "POST",
        &format!("{}/accounts", sim.base_url),
        Body::Json(&json!({ "name": "committed" })),
    );
    assert!(
        result.is_err(),
        "commit_then_drop must not produce a response"
    );
    let state = sim.admin_call("GET", "/state", None).body;
    assert_eq!(state["accounts"].as_array().unwrap().len(), 1);
    assert_eq!(state["accounts"][0]["name"], json!("committed"));

    // Rules are spent: back to normal.
    sim.call("POST", "/accounts", Some(json!({ "name": "normal" })))
        .assert_ok();
    let stats = sim.admin_call("GET", "/stats", None).body;
    assert_eq!(stats["requests"]["POST /accounts"], json!(3));
}

#[test]
fn faults_probability_is_repeatable() {
    let sim = Sim::start(&[]);
    let rules = json!({ "seed": 7, "rules": [{ "method": "GET", "path": "/accounts", "action": "status", "status": 500, "probability": 0.5 }] });
    let mut runs = Vec::new();
    for _ in 0..2 {
        sim.admin_call("POST", "/faults", Some(rules.clone()));
        let mut pattern = Vec::new();
        for _ in 0..24 {
            pattern.push(sim.call("GET", "/accounts", None).status);
        }
        runs.push(pattern);
    }
    assert_eq!(runs[0], runs[1]);
    assert!(
        runs[0].contains(&500) && runs[0].contains(&200),
        "{:?}",
        runs[0]
    );
}
