//! The request body limit (1 MiB): 413 / 1000 on every API route, whether
//! exchanges are recorded or not.

use crate::*;

const LIMIT: usize = 1024 * 1024;

/// A JSON object body of about `size` bytes.
fn body_of(size: usize) -> String {
    format!(r#"{{"name": "big", "pad": "{}"}}"#, "x".repeat(size))
}

/// Sends `body` with `method` to `url` as the tenant admin; the status and the
/// JSON answer.
fn send(method: &str, url: &str, body: String) -> (u16, Value) {
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let url = url.to_string();
    std::thread::spawn(move || {
        let resp = reqwest::blocking::Client::new()
            .request(method, &url)
            .bearer_auth(TOKEN)
            .header("Content-Type", "application/json")
            .body(body)
            .send()
            .unwrap_or_else(|e| panic!("{url}: {e}"));
        let status = resp.status().as_u16();
        (status, resp.json().expect("a JSON answer"))
    })
    .join()
    .expect("request thread")
}

/// The checks both ways of running share.
fn oversize_bodies_are_413(root: &str) {
    let accounts = format!("{root}/client/v4/accounts");
    let account = format!("{accounts}/0123456789abcdef0123456789abcdef");
    for (method, url, size) in [
        ("POST", &accounts, LIMIT + 1),
        ("POST", &accounts, 2 * LIMIT),
        ("POST", &accounts, 5 * LIMIT),
        // Handlers that ignore their body do not accept an oversize one either.
        ("GET", &accounts, 2 * LIMIT),
        ("DELETE", &account, 5 * LIMIT),
    ] {
        let (status, body) = send(method, url, body_of(size));
        assert_eq!(status, 413, "{method} {size}: {body}");
        assert_eq!(body["success"], json!(false));
        assert_eq!(body["errors"][0]["code"], json!(1000));
        assert_eq!(body["result"], Value::Null);
        let message = body["errors"][0]["message"].as_str().unwrap();
        assert!(message.contains("1048576 bytes"), "{message}");
    }
    // Under the limit, the request is handled.
    let (status, body) = send("POST", &accounts, body_of(LIMIT - 100));
    assert_eq!(status, 200, "{body}");
}

#[test]
fn an_oversize_body_is_413_when_exchanges_are_recorded() {
    let sim = Sim::start(&[]);
    oversize_bodies_are_413(&sim.root);
    let exchanges = sim.admin("GET", "/exchanges", None);
    let first = &exchanges["exchanges"][0];
    assert_eq!(first["status"], json!(413));
    assert_eq!(first["method"], json!("POST"));
    assert_eq!(
        first["request_body"],
        json!({ "not_recorded": "too large" })
    );
    assert_eq!(first["response_body"]["errors"][0]["code"], json!(1000));
}

#[test]
fn an_oversize_body_is_413_without_recording() {
    let sim = Proc::start(&[]);
    oversize_bodies_are_413(&sim.root);
}
