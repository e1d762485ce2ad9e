//! The messages a team meets first, said so that they can act on them: a
//! rate limit past what the provider waits, an account id Cloudflare does
//! not know, and an auto-accepted member the tenant does not allow, refused
//! at plan even when the account is made by the same apply.

use crate::harness::*;
use serde_json::json;

/// A 429 asking for longer than the provider waits names the wait, the
/// cap, the budget Cloudflare states (`Ratelimit-Policy`), and the
/// setting that raises the cap; it no longer advises more retries.
#[test]
fn a_rate_limit_past_the_cap_says_wait_cap_budget_and_setting() {
    let ctx = Ctx::with_sim_args(&["--rate-limit", "1200/300"]);
    ctx.sim.admin(
        "POST",
        "/faults",
        Some(json!({ "rules": [{
            "method": "POST", "path": "/accounts",
            "action": "status", "status": 429, "retry_after": 900, "count": 1,
        }] })),
    );
    ctx.ws
        .write_config("resource \"cftenant_account\" \"a\" {\n  name = \"Held Co\"\n}\n");
    let text = ctx.ws.fails(
        &["apply", "-auto-approve", "-input=false", "-no-color"],
        &[
            "asked to wait 900 s",
            "(300 s)",
            "1200 requests per 300 s per user (Ratelimit-Policy)",
            "max_rate_limit_wait_seconds",
            "CFTENANT_MAX_RATE_LIMIT_WAIT_SECONDS",
        ],
    );
    assert!(!text.contains("max_retries"), "{text}");
    assert!(ctx.sim.objects("accounts").is_empty());
}

/// `Retry-After` may also be an HTTP date (RFC 9110): read as the wait it
/// stands for, counted from the answer's `Date`, and refused past the cap
/// like the number of seconds, rather than retried at once.
#[test]
fn a_rate_limit_asked_for_as_a_date_is_read_as_its_wait() {
    let ctx = Ctx::new();
    let until =
        httpdate::fmt_http_date(std::time::SystemTime::now() + std::time::Duration::from_secs(900));
    ctx.sim.admin(
        "POST",
        "/faults",
        Some(json!({ "rules": [{
            "method": "POST", "path": "/accounts", "action": "respond", "status": 429, "count": 1,
            "headers": { "Retry-After": until },
            "body": { "success": false, "errors": [{ "code": 971, "message": "Please wait" }], "messages": [], "result": null },
        }] })),
    );
    ctx.ws
        .write_config("resource \"cftenant_account\" \"a\" {\n  name = \"Dated Wait Co\"\n}\n");
    let text = ctx.ws.fails(
        &["apply", "-auto-approve", "-input=false", "-no-color"],
        &[],
    );
    let asked: u64 = text
        .split("asked to wait ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no \"asked to wait N s\" in:\n{text}"));
    assert!(
        (895..=900).contains(&asked),
        "asked to wait {asked} s:\n{text}"
    );
    assert!(text.contains("max_rate_limit_wait_seconds"), "{text}");
    assert_eq!(ctx.sim.requests("POST /accounts"), 1, "retried at once");
    assert!(ctx.sim.objects("accounts").is_empty());
}

/// A zone in an account Cloudflare does not know (1067) says the account is
/// unknown or not in the tenant.
#[test]
fn an_unknown_account_says_so() {
    let ctx = Ctx::new();
    ctx.ws.write_config(
        "resource \"cftenant_zone\" \"z\" {\n  account_id = \"0123456789abcdef0123456789abcdef\"\n  name = \"unknown-account.com\"\n}\n",
    );
    let out = ctx
        .ws
        .terraform(&["apply", "-auto-approve", "-input=false", "-no-color"]);
    let text = output_text(&out);
    assert!(!out.status.success(), "{text}");
    for needle in [
        "1067",
        "The account is unknown, or not in your tenant",
        "data.cftenant_tenant_accounts",
    ] {
        assert!(text.contains(needle), "no {needle:?} in:\n{text}");
    }
}

/// The tenant-wide entitlement is checked at plan although the member's
/// account is only made by this apply: nothing is created.
#[test]
fn an_auto_accepted_member_of_a_new_account_is_refused_at_plan() {
    let ctx = Ctx::new();
    ctx.ws.write_config(
        r#"
resource "cftenant_account" "a" {
  name = "Entitled Co"
}

resource "cftenant_account_member" "m" {
  account_id = cftenant_account.a.id
  email      = "ada@entitled-co.com"
  roles      = ["05784afa30c1afe1440e79d9351c7430"]
  status     = "accepted"
}
"#,
    );
    let (code, text) = ctx.ws.plan();
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains("Members cannot be added as accepted in this tenant"),
        "{text}"
    );
    assert!(text.contains("status"), "{text}");
    let out = ctx
        .ws
        .terraform(&["apply", "-auto-approve", "-input=false", "-no-color"]);
    assert!(!out.status.success());
    assert!(
        ctx.sim.objects("accounts").is_empty(),
        "the apply made the account before failing"
    );
}
