//! Fault injection: statuses, delays, dropped connections, answers given in
//! the rule, repeatable randomness.

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
    // Both drops are recorded as injected, neither as the answer the
    // client never got.
    assert_eq!(stats["statuses"]["500"], json!(2), "{stats}");
    let exchanges = sim.admin_call("GET", "/exchanges", None).body;
    let injected: Vec<&Value> = exchanges["exchanges"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["path"] == "/accounts")
        .map(|e| &e["injected"])
        .collect();
    assert_eq!(injected, [&json!(true), &json!(true), &json!(false)]);
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

/// A recorded answer replayed: status, headers and JSON body as given, the
/// request not handled, the exchange marked injected.
#[test]
fn respond_replays_an_answer() {
    let sim = Sim::start(&[]);
    let recorded = json!({
        "result": [], "success": false, "messages": [],
        "errors": [{ "code": 1001, "message": "Invalid request: automatic verification of new members is not allowed" }],
    });
    let r = sim.admin_call(
        "POST",
        "/faults",
        Some(json!({ "rules": [{
            "method": "POST", "path": "/accounts", "action": "respond", "count": 1,
            "status": 429, "body": recorded,
            "headers": { "Retry-After": "7", "Ratelimit": "\"default\";r=0;t=7", "Location": "/elsewhere" },
        }]})),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["rules"][0]["action"], json!("respond"));
    assert_eq!(r.body["rules"][0]["status"], json!(429));
    assert_eq!(r.body["rules"][0]["headers"]["retry-after"], json!("7"));

    let r = sim.call("POST", "/accounts", Some(json!({ "name": "never made" })));
    assert_eq!(r.status, 429);
    assert_eq!(r.body, recorded);
    assert_eq!(r.headers["retry-after"], "7");
    assert_eq!(r.headers["ratelimit"], "\"default\";r=0;t=7");
    assert_eq!(r.headers["location"], "/elsewhere");
    assert_eq!(r.headers["content-type"], "application/json");
    assert_eq!(
        sim.state()["accounts"],
        json!([]),
        "the request was not handled"
    );

    // The count is spent: the next one is handled.
    sim.call("POST", "/accounts", Some(json!({ "name": "made" })))
        .assert_ok();
    let exchanges = sim.admin("GET", "/exchanges", None)["exchanges"].clone();
    assert_eq!(exchanges[0]["injected"], json!(true));
    assert_eq!(exchanges[0]["response_body"], recorded);
    assert_eq!(exchanges[1]["injected"], json!(false));
}

/// A raw body is sent verbatim, as `text/plain` unless the headers say
/// otherwise; without a status the answer is a 200.
#[test]
fn respond_sends_raw_bodies_verbatim() {
    let sim = Sim::start(&[]);
    sim.faults(
        0,
        json!([
            { "method": "GET", "path": "/user", "action": "respond", "raw_body": "<html>gateway</html>", "count": 1 },
            { "method": "GET", "path": "/user", "action": "respond", "status": 502, "raw_body": "{\"trunc", "headers": { "Content-Type": "application/json" }, "count": 1 },
            { "method": "GET", "path": "/user", "action": "respond", "status": 503, "count": 1 },
        ]),
    );
    let read = |r: reqwest::blocking::Response| {
        let status = r.status().as_u16();
        let content_type = r
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_string());
        (status, content_type, r.text().unwrap())
    };
    assert_eq!(
        sim.send_raw("GET", "/user", None, read).unwrap(),
        (
            200,
            Some("text/plain".into()),
            "<html>gateway</html>".into()
        )
    );
    assert_eq!(
        sim.send_raw("GET", "/user", None, read).unwrap(),
        (502, Some("application/json".into()), "{\"trunc".into())
    );
    assert_eq!(
        sim.send_raw("GET", "/user", None, read).unwrap(),
        (503, None, String::new())
    );
    let exchanges = sim.admin("GET", "/exchanges", None)["exchanges"].clone();
    assert_eq!(
        exchanges[0]["response_body"],
        json!({ "not_json": "<html>gateway</html>" })
    );
    sim.call("GET", "/user", None).assert_ok();
}

/// With `commit`, the request is handled (and its change kept), then the
/// rule's answer replaces the real one.
#[test]
fn respond_with_commit_handles_the_request_first() {
    let sim = Sim::start(&[]);
    sim.faults(
        0,
        json!([{ "method": "POST", "path": "/accounts", "action": "respond", "commit": true, "status": 502, "raw_body": "Bad Gateway", "count": 1 }]),
    );
    let r = sim
        .send_raw(
            "POST",
            "/accounts",
            Some(&json!({ "name": "committed" })),
            |r| (r.status().as_u16(), r.text().unwrap()),
        )
        .unwrap();
    assert_eq!(r, (502, "Bad Gateway".to_string()));
    let accounts = sim.objects("accounts");
    assert_eq!(accounts.len(), 1);
    assert_eq!(accounts[0]["name"], json!("committed"));
    let exchanges = sim.admin("GET", "/exchanges", None)["exchanges"].clone();
    assert_eq!(exchanges[0]["injected"], json!(true));
    assert_eq!(exchanges[0]["status"], json!(502));
}

/// With `commit` and `substitute`, a recorded answer replaces the real one
/// with the identity of what was really made: each string named in
/// `substitute` takes the value its pointer finds in the real answer.
#[test]
fn respond_with_substitute_carries_the_real_id() {
    let sim = Sim::start(&[]);
    sim.faults(
        0,
        json!([{
            "method": "POST", "path": "/accounts", "action": "respond", "commit": true, "count": 1,
            "body": {"result": {"id": "RECORDED", "name": "recorded", "extra": ["RECORDED"]}, "success": true},
            "substitute": {"RECORDED": "/result/id", "recorded": "/result/name"}
        }]),
    );
    let r = sim.call("POST", "/accounts", Some(json!({ "name": "real" })));
    let id = sim.objects("accounts")[0]["id"].clone();
    assert_eq!(r.body["result"]["id"], id);
    assert_eq!(r.body["result"]["name"], json!("real"));
    assert_eq!(r.body["result"]["extra"], json!([id]));
    assert!(
        r.body["result"].get("type").is_none(),
        "the recording's shape"
    );
    // Refused without commit, or with a raw body.
    for bad in [
        json!({"action": "respond", "body": {}, "substitute": {"a": "/b"}}),
        json!({"action": "respond", "commit": true, "raw_body": "x", "substitute": {"a": "/b"}}),
        json!({"action": "respond", "commit": true, "body": {}, "substitute": {"a": "b"}}),
    ] {
        let mut rule = bad.clone();
        rule["method"] = json!("POST");
        rule["path"] = json!("/accounts");
        let r = sim.admin_call("POST", "/faults", Some(json!({"rules": [rule]})));
        assert_eq!(r.status, 400, "{bad}: {}", r.body);
        assert!(r.body.to_string().contains("substitute"), "{}", r.body);
    }
}

/// The simulator's peak resident memory, in KiB (Linux).
fn peak_rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// 1 GiB of body, streamed: the simulator never holds it.
#[test]
fn respond_streams_a_gigabyte() {
    let sim = Sim::start(&[]);
    let line = "0123456789abcdef".repeat(64); // 1 KiB
    sim.faults(
        0,
        json!([{ "method": "GET", "path": "/accounts", "action": "respond", "raw_body": line, "repeat": 1_048_576 }]),
    );
    let total = sim
        .send_raw("GET", "/accounts", None, |mut r| {
            assert_eq!(r.status().as_u16(), 200);
            let mut sink = std::io::sink();
            std::io::copy(&mut r, &mut sink).unwrap()
        })
        .unwrap();
    assert_eq!(total, 1 << 30);
    if let Some(peak) = peak_rss_kib(sim.pid()) {
        assert!(peak < 256 * 1024, "the simulator peaked at {peak} KiB");
    }
    let exchanges = sim.admin("GET", "/exchanges", None)["exchanges"].clone();
    assert_eq!(
        exchanges[0]["response_body"],
        json!({ "not_recorded": "streamed" })
    );
    assert_eq!(exchanges[0]["injected"], json!(true));
}

/// `chunk_delay_ms` between repetitions; `endless` until the client goes
/// away, after which the simulator answers as before.
#[test]
fn respond_slow_and_endless_bodies() {
    let sim = Sim::start(&[]);
    sim.faults(
        0,
        json!([
            { "method": "GET", "path": "/accounts", "action": "respond", "raw_body": "tick\n", "repeat": 3, "chunk_delay_ms": 200, "count": 1 },
            { "method": "GET", "path": "/accounts", "action": "respond", "raw_body": "{\"result\": [", "endless": true, "count": 1 },
        ]),
    );
    let started = Instant::now();
    let body = sim
        .send_raw("GET", "/accounts", None, |r| r.text().unwrap())
        .unwrap();
    assert_eq!(body, "tick\ntick\ntick\n");
    assert!(started.elapsed() >= Duration::from_millis(400));

    let read = sim
        .send_raw("GET", "/accounts", None, |mut r| {
            let mut buf = vec![0u8; 1 << 20];
            let mut total = 0;
            while total < 8 << 20 {
                total += std::io::Read::read(&mut r, &mut buf).unwrap();
            }
            total
        })
        .unwrap();
    assert!(read >= 8 << 20);
    // The client went away; the simulator goes on.
    sim.call("GET", "/accounts", None).assert_ok();
    let rules = sim.admin("GET", "/faults", None)["rules"].clone();
    assert_eq!(rules[1]["endless"], json!(true));
    assert_eq!(rules[1]["fired"], json!(1));
}

#[test]
fn respond_rules_with_invalid_combinations_are_refused() {
    let sim = Sim::start(&[]);
    for (rule, field) in [
        (
            json!({ "action": "respond", "body": {}, "raw_body": "x" }),
            "body, raw_body",
        ),
        (json!({ "action": "respond", "repeat": 3 }), "repeat"),
        (
            json!({ "action": "respond", "raw_body": "x", "endless": true, "repeat": 2 }),
            "repeat",
        ),
        (
            json!({ "action": "respond", "headers": { "X-Count": 1 } }),
            "headers.X-Count",
        ),
        (
            json!({ "action": "status", "status": 500, "raw_body": "x" }),
            "raw_body",
        ),
        // A misspelt field is refused, not ignored (the rule would fire for
        // ever without its count).
        (
            json!({ "action": "status", "status": 503, "cuont": 1 }),
            "cuont",
        ),
    ] {
        let r = sim.admin_call("POST", "/faults", Some(json!({ "rules": [rule] })));
        assert_eq!(r.status, 400, "{}", r.body);
        assert_eq!(r.code(), 1000);
        assert!(
            r.message().starts_with(&format!("rules[0].{field}:")),
            "{field}: {}",
            r.message()
        );
    }
}
