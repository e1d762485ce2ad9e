//! A hostile or broken API imitated on loopback, against the provider binary
//! under real Terraform: the simulator's `respond` fault answers with what
//! the case needs (a redirect, a poisoned id, a header past every bound, a
//! body that is huge, slow or endless, a list without end, a page that
//! echoes a secret), and a small server of the test's own sends what the
//! simulator cannot (bytes that are not UTF-8). Each case must end in a
//! clear error or a converged apply: never a panic, never a credential sent
//! elsewhere or echoed, never an id pasted into another path, never an
//! orphan. Peak memory of the big-body cases is measured in bench/, not
//! here (BENCHMARKS.md).

use crate::harness::*;
use serde_json::{json, Value as Json};
use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A server of the test's own on loopback: every connection gets `answer`
/// after the request head, and is counted.
struct RawServer {
    port: u16,
    connections: Arc<AtomicUsize>,
}

impl RawServer {
    fn start(answer: Vec<u8>) -> RawServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let connections = Arc::new(AtomicUsize::new(0));
        let counted = connections.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { return };
                counted.fetch_add(1, Ordering::SeqCst);
                let answer = answer.clone();
                std::thread::spawn(move || {
                    let mut head = Vec::new();
                    let mut byte = [0u8; 1];
                    while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).unwrap_or(0) == 1 {
                        head.push(byte[0]);
                    }
                    let _ = stream.write_all(&answer);
                });
            }
        });
        RawServer { port, connections }
    }

    fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}/client/v4", self.port)
    }
}

fn http_answer(status: &str, content_type: &str, body: &[u8]) -> Vec<u8> {
    let mut answer = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    answer.extend_from_slice(body);
    answer
}

/// The provider block with quick failures: no retries, short timeouts.
const QUICK: &str = "terraform {\n  required_providers {\n    cftenant = {\n      source = \"cftenant/cftenant\"\n    }\n  }\n}\n\
provider \"cftenant\" {\n  max_retries = 1\n  request_timeout_seconds = 3\n}\n";

const ONE_ACCOUNT: &str = "resource \"cftenant_account\" \"a\" {\n  name = \"Hostile Co\"\n}\n";

/// A plan that must fail: its output, and how long it took.
fn failing_plan(ctx: &Ctx) -> (String, Duration) {
    let started = Instant::now();
    let out = ctx.ws.terraform(&["plan", "-input=false", "-no-color"]);
    let text = output_text(&out);
    assert!(!out.status.success(), "the plan succeeded:\n{text}");
    assert!(!text.contains("panicked"), "the provider panicked:\n{text}");
    assert!(
        !text.contains("plugin exited"),
        "the provider died:\n{text}"
    );
    (text, started.elapsed())
}

fn assert_says(text: &str, needles: &[&str]) {
    for needle in needles {
        assert!(text.contains(needle), "no {needle:?} in:\n{text}");
    }
}

/// An applied account, and a GET of it answered by `rule`.
fn account_read_answered_by(rule: Json) -> Ctx {
    let ctx = Ctx::new();
    ctx.ws.write_config(&format!("{QUICK}{ONE_ACCOUNT}"));
    ctx.ws.apply();
    let mut rule = rule;
    rule["method"] = json!("GET");
    rule["path"] = json!("/accounts/{account_id}");
    rule["action"] = json!("respond");
    ctx.sim.faults(1, json!([rule]));
    ctx
}

fn forget_faults_and_destroy(ctx: &Ctx) {
    ctx.sim.admin("DELETE", "/faults", None);
    ctx.destroy();
}

/// (1) A 307 to another origin: not followed, so the credentials never go
/// there; the error names the Location.
#[test]
fn a_redirect_is_never_followed() {
    let elsewhere = RawServer::start(http_answer(
        "200 OK",
        "application/json",
        b"{\"success\":true,\"result\":{}}",
    ));
    let location = format!(
        "{}/accounts/0123456789abcdef0123456789abcdef",
        elsewhere.base_url()
    );
    let ctx = account_read_answered_by(json!({"status": 307, "headers": {"Location": location}}));
    let (text, _) = failing_plan(&ctx);
    assert_says(
        &text,
        &[
            "HTTP 307",
            "the API answered with a redirect",
            &format!("Location {location}"),
            "which was not followed",
            "The provider follows no redirect",
        ],
    );
    assert_eq!(
        elsewhere.connections.load(Ordering::SeqCst),
        0,
        "nothing went elsewhere"
    );
    forget_faults_and_destroy(&ctx);
}

/// (2) A create answered with the id `../zones/…`: the id never reaches
/// the state or a path. The answer cannot be read, so it is a lost answer:
/// the account the POST made is found by its name and adopted.
#[test]
fn an_id_that_could_reach_another_path_is_refused() {
    let ctx = Ctx::new();
    let poisoned = "../zones/0123456789abcdef0123456789abcdef";
    ctx.sim.faults(
        1,
        json!([{
            "method": "POST", "path": "/accounts", "action": "respond", "commit": true, "count": 1,
            "body": {"success": true, "errors": [], "messages": [],
                     "result": {"id": poisoned, "name": "Hostile Co", "type": "standard", "created_on": "CREATED"}},
            "substitute": {"CREATED": "/result/created_on"}
        }]),
    );
    ctx.ws.write_config(ONE_ACCOUNT);
    ctx.ws.apply();
    let state = ctx.ws.resource("cftenant_account.a");
    let accounts = ctx.sim.objects("accounts");
    assert_eq!(accounts.len(), 1, "adopted, not created twice");
    assert_eq!(state["id"], accounts[0]["id"]);
    ctx.ws.assert_plan_empty();
    ctx.destroy();
    for template in ["GET /zones/{zone_id}", "DELETE /zones/{zone_id}"] {
        assert_eq!(ctx.sim.requests(template), 0, "{template}");
    }
}

/// (3) A `Ratelimit` header whose reset overflows any clock, on the answer
/// to a create: the account is in the state (no orphan), nothing panics.
/// And a `Retry-After` of ten years fails at once, saying so.
#[test]
fn headers_past_every_bound_cannot_panic_or_orphan() {
    let ctx = Ctx::new();
    ctx.sim.faults(
        1,
        json!([{
            "method": "POST", "path": "/accounts", "action": "respond", "commit": true, "count": 1,
            "headers": {"Ratelimit": "\"default\";r=0;t=18446744073709551615", "Retry-After": "18446744073709551616"},
            "body": {"success": true, "errors": [], "messages": [], "result": "RESULT"},
            "substitute": {"RESULT": "/result"}
        }]),
    );
    ctx.ws.write_config(ONE_ACCOUNT);
    ctx.ws.apply();
    assert_eq!(
        ctx.ws.resource("cftenant_account.a")["id"],
        ctx.sim.objects("accounts")[0]["id"],
        "the account made is in the state"
    );
    ctx.ws.assert_plan_empty();

    let before = ctx.sim.requests("GET /accounts/{account_id}");
    ctx.sim.faults(
        1,
        json!([{"method": "GET", "path": "/accounts/{account_id}", "action": "respond", "status": 429,
                "headers": {"Retry-After": "315360000"},
                "body": {"success": false, "errors": [{"code": 971, "message": "Please wait"}], "messages": [], "result": null}}]),
    );
    let (text, took) = failing_plan(&ctx);
    assert_says(&text, &["HTTP 429", "Cloudflare error 971"]);
    assert!(took < Duration::from_secs(60), "waited {took:?}");
    assert_eq!(
        ctx.sim.requests("GET /accounts/{account_id}") - before,
        1,
        "not retried"
    );
    forget_faults_and_destroy(&ctx);
}

/// (4) Bodies past the bound: 100 MB, and one that never ends, are refused
/// once 8 MiB have arrived (not held, not retried); a body that trickles
/// forever ends with the request timeout.
#[test]
fn bodies_are_read_within_a_bound() {
    let chunk = "x".repeat(64 * 1024);
    for (case, rule) in [
        (
            "100 MB",
            json!({"raw_body": chunk, "repeat": 1600, "headers": {"Content-Type": "application/json"}}),
        ),
        ("endless", json!({"raw_body": chunk, "endless": true})),
    ] {
        let ctx = account_read_answered_by(rule);
        let (text, took) = failing_plan(&ctx);
        assert_says(
            &text,
            &["is larger than 8 MiB", "the most the provider reads"],
        );
        assert!(took < Duration::from_secs(60), "{case}: took {took:?}");
        assert_eq!(
            ctx.sim.requests("GET /accounts/{account_id}"),
            1,
            "{case}: not retried"
        );
        forget_faults_and_destroy(&ctx);
    }
    let ctx =
        account_read_answered_by(json!({"raw_body": "{", "endless": true, "chunk_delay_ms": 500}));
    let (text, took) = failing_plan(&ctx);
    assert_says(
        &text,
        &[
            "timed out after 3 s (request_timeout_seconds)",
            "after 2 attempts",
        ],
    );
    assert!(took < Duration::from_secs(60), "took {took:?}");
    forget_faults_and_destroy(&ctx);
}

fn tenant_accounts_page(total_pages: u64, total_count: Option<u64>) -> Json {
    let items: Vec<Json> = (0..50)
        .map(|i| json!({"account_tag": format!("{i:032x}"), "account_pubname": format!("Account {i}"), "account_type": "standard"}))
        .collect();
    // No `page`: nothing tells the client it is always the first page.
    let mut info = json!({"per_page": 50, "count": 50, "total_pages": total_pages});
    if let Some(c) = total_count {
        info["total_count"] = json!(c);
    }
    json!({"success": true, "errors": [], "messages": [], "result": items, "result_info": info})
}

/// (5) A list that claims 10^18 pages, every one full, is refused before a
/// second request; one that repeats its page is refused at the repeat.
#[test]
fn a_list_without_end_is_bounded() {
    let ctx = Ctx::new();
    ctx.ws.write_config(&format!(
        "{QUICK}data \"cftenant_tenant_accounts\" \"all\" {{\n  tenant_id = \"{TENANT}\"\n}}\n"
    ));
    let template = "GET /tenants/{tenant_id}/accounts";
    for (case, body, requests, needle) in [
        (
            "10^18 pages",
            tenant_accounts_page(1_000_000_000_000_000_000, None),
            1,
            "more than the 1000 the provider reads",
        ),
        (
            "10^18 pages, a count",
            tenant_accounts_page(1_000_000_000_000_000_000, Some(5_000_000)),
            1,
            "more than the 1000 the provider reads",
        ),
        (
            "the same page again",
            tenant_accounts_page(5, None),
            2,
            "page 2 of the list is page 1 again",
        ),
    ] {
        ctx.sim.admin("DELETE", "/faults", None);
        let before = ctx.sim.requests(template);
        ctx.sim.faults(1, json!([{"method": "GET", "path": "/tenants/{tenant_id}/accounts", "action": "respond", "body": body}]));
        let (text, _) = failing_plan(&ctx);
        assert_says(&text, &[needle]);
        assert_eq!(ctx.sim.requests(template) - before, requests, "{case}");
    }
}

/// (7) An HTML error page that echoes the credential it was sent: the
/// diagnostic shows the page, never the secret.
#[test]
fn an_error_page_never_echoes_a_secret() {
    let page = format!("<html><body>502 Bad Gateway: upstream refused token {TOKEN}</body></html>");
    let ctx = account_read_answered_by(
        json!({"status": 502, "raw_body": page, "headers": {"Content-Type": "text/html"}}),
    );
    let (text, _) = failing_plan(&ctx);
    assert_says(
        &text,
        &[
            "HTTP 502",
            "502 Bad Gateway: upstream refused token <redacted>",
        ],
    );
    assert!(!text.contains(TOKEN), "the token was echoed:\n{text}");
    forget_faults_and_destroy(&ctx);
}

/// (7) `success: true` beside errors is not taken for a success.
#[test]
fn success_with_errors_is_not_a_success() {
    let ctx = account_read_answered_by(json!({
        "body": {"success": true, "errors": [{"code": 1000, "message": "something went wrong"}], "messages": [],
                 "result": {"id": "0123456789abcdef0123456789abcdef", "name": "Hostile Co"}}
    }));
    let (text, _) = failing_plan(&ctx);
    assert_says(
        &text,
        &[
            "the answer says it succeeded and gives errors",
            "Cloudflare error 1000: something went wrong",
        ],
    );
    forget_faults_and_destroy(&ctx);
}

/// Answers that are not envelopes at all: a clear error each, no panic.
#[test]
fn broken_answers_are_clear_errors() {
    let deep = format!(
        "{{\"success\":true,\"result\":{}{}}}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    for (case, rule, needle) in [
        (
            "malformed JSON",
            json!({"raw_body": "{\"success\": tru", "headers": {"Content-Type": "application/json"}}),
            "not a Cloudflare API envelope",
        ),
        (
            "HTML with 200",
            json!({"raw_body": "<html><body>Welcome</body></html>", "headers": {"Content-Type": "text/html"}}),
            "not a Cloudflare API envelope: <html><body>Welcome</body></html>",
        ),
        (
            "deep nesting",
            json!({"raw_body": deep, "headers": {"Content-Type": "application/json"}}),
            "not a Cloudflare API envelope",
        ),
        ("an empty body", json!({}), "not a Cloudflare API envelope"),
    ] {
        let ctx = account_read_answered_by(rule);
        let (text, _) = failing_plan(&ctx);
        assert_says(&text, &["GET /accounts/", needle]);
        println!("{case}: ok");
        forget_faults_and_destroy(&ctx);
    }
    // Bytes that are not UTF-8, from a server of the test's own.
    let server = RawServer::start(http_answer(
        "200 OK",
        "application/json",
        b"{\"success\":true,\"result\":\"\xff\xfe\"}",
    ));
    let mut ctx = Ctx::new();
    ctx.ws
        .extra_env
        .push(("CLOUDFLARE_BASE_URL".into(), server.base_url()));
    ctx.ws.write_config(&format!(
        "{QUICK}data \"cftenant_tenant_accounts\" \"all\" {{\n  tenant_id = \"{TENANT}\"\n}}\n"
    ));
    let (text, _) = failing_plan(&ctx);
    assert_says(&text, &["GET /tenants/", "not a Cloudflare API envelope"]);
    assert!(server.connections.load(Ordering::SeqCst) >= 1);
}
