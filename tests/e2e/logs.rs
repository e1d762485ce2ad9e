//! The provider's logs as Terraform users see them (`TF_LOG`,
//! `TF_LOG_PROVIDER`, `TF_LOG_PATH`): parsed as structured hclog lines,
//! attributed to the provider, filtered by level, free of credentials.

use crate::harness::*;
use serde_json::json;

const PROVIDER: &str = " provider.terraform-provider-cftenant: ";

/// The provider's lines with `message` in a Terraform log, as whitespace-
/// separated words (hclog prints fields as `key=value` in no fixed order).
fn provider_lines<'a>(log: &'a str, message: &str) -> Vec<Vec<&'a str>> {
    let prefix = format!("{PROVIDER}{message}: ");
    log.lines()
        .filter(|l| l.contains(&prefix))
        .map(|l| l.split_whitespace().collect())
        .collect()
}

fn field<'a>(words: &[&'a str], key: &str) -> Option<&'a str> {
    words
        .iter()
        .find_map(|w| w.strip_prefix(key)?.strip_prefix('='))
}

#[test]
fn provider_logs_are_structured_levelled_and_free_of_secrets() {
    let mut ctx = Ctx::new();
    ctx.ws.write_config(
        "resource \"cftenant_account\" \"logged\" {\n  name = \"Logged Customer\"\n}\n",
    );

    // TF_LOG_PROVIDER=debug: every API call, with method, path, status and
    // duration, at DEBUG under the provider's name.
    let debug_log = ctx.ws.dir.path().join("debug.log");
    ctx.ws.extra_env = vec![
        ("TF_LOG_PROVIDER".into(), "debug".into()),
        ("TF_LOG_PATH".into(), debug_log.display().to_string()),
    ];
    ctx.ws.apply();
    let log = std::fs::read_to_string(&debug_log).expect("TF_LOG_PATH written");
    // go-plugin logs a line it cannot parse as it is, so raw JSON in the
    // log means our format is off (as a timestamp with nine digits was).
    assert!(
        !log.contains("{\"@level\""),
        "Terraform did not parse some provider lines:\n{log}"
    );
    let calls = provider_lines(&log, "API call");
    let create = calls
        .iter()
        .find(|w| field(w, "method") == Some("POST") && field(w, "path") == Some("/accounts"))
        .unwrap_or_else(|| panic!("no POST /accounts API call in the log:\n{log}"));
    assert!(create.contains(&"[DEBUG]"), "{create:?}");
    assert_eq!(field(create, "status"), Some("200"), "{create:?}");
    assert!(
        field(create, "elapsed_ms").is_some_and(|ms| ms.parse::<u64>().is_ok()),
        "{create:?}"
    );
    assert_eq!(field(create, "@module"), Some("cftenant"), "{create:?}");
    // The timestamp the provider wrote, which go-plugin parsed.
    assert!(field(create, "timestamp").is_some(), "{create:?}");
    assert!(!log.contains(TOKEN), "the API token is in the log");

    // TF_LOG=info: a retry after a rate limit shows at INFO (so the level
    // was read from our line), the per-call DEBUG lines do not.
    let info_log = ctx.ws.dir.path().join("info.log");
    ctx.ws.extra_env = vec![
        ("TF_LOG".into(), "info".into()),
        ("TF_LOG_PATH".into(), info_log.display().to_string()),
    ];
    let rate_limit_once = json!({
        "method": "GET", "path": "/accounts/{account_id}",
        "action": "status", "status": 429, "retry_after": 1, "count": 1,
    });
    ctx.sim.admin(
        "POST",
        "/faults",
        Some(json!({ "rules": [rate_limit_once] })),
    );
    ctx.ws.assert_plan_empty();
    assert_eq!(
        ctx.sim.admin("GET", "/faults", None)["rules"][0]["fired"],
        1,
        "the rate limit was not hit"
    );
    let log = std::fs::read_to_string(&info_log).expect("TF_LOG_PATH written");
    let retries = provider_lines(&log, "retrying API call");
    assert_eq!(retries.len(), 1, "expected one retry in the log:\n{log}");
    assert!(retries[0].contains(&"[INFO]"), "{:?}", retries[0]);
    assert!(field(&retries[0], "wait_ms").is_some(), "{:?}", retries[0]);
    assert!(
        provider_lines(&log, "API call").is_empty(),
        "DEBUG lines at TF_LOG=info:\n{log}"
    );
    assert!(
        !log.contains("[DEBUG]"),
        "DEBUG lines at TF_LOG=info:\n{log}"
    );
    assert!(!log.contains(TOKEN), "the API token is in the log");

    ctx.ws.extra_env.clear();
    ctx.ws
        .ok(&["destroy", "-auto-approve", "-input=false", "-no-color"]);
}

/// `TF_LOG=json`: Terraform's own JSON log carries the provider's lines,
/// each API call with the resource type and the request id of the call it
/// belongs to; at `trace` the bodies are there, every secret redacted; and
/// `TF_LOG_PROVIDER_CFTENANT` sets the provider's own level.
#[test]
fn json_logs_carry_the_call_and_trace_hides_every_secret() {
    let mut ctx = Ctx::new();
    ctx.ws.write_config(
        "resource \"cftenant_service_user\" \"logged\" {\n  email = \"svc-logged@partner-example.com\"\n}\n",
    );
    let json_log = ctx.ws.dir.path().join("json.log");
    ctx.ws.extra_env = vec![
        ("TF_LOG".into(), "json".into()),
        ("TF_LOG_PATH".into(), json_log.display().to_string()),
    ];
    ctx.ws.apply();
    let log = std::fs::read_to_string(&json_log).expect("TF_LOG_PATH written");
    let lines: Vec<serde_json::Value> = log
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    let ours = |message: &str| -> Vec<&serde_json::Value> {
        lines
            .iter()
            .filter(|l| {
                // The provider's own lines keep its `@module`.
                l["@message"] == message && l["@module"] == "cftenant"
            })
            .collect()
    };
    let calls = ours("API call");
    let create = calls
        .iter()
        .find(|l| l["method"] == "POST" && l["path"] == "/users")
        .unwrap_or_else(|| panic!("no POST /users API call among the JSON lines:\n{log}"));
    assert_eq!(
        create["tf_resource_type"], "cftenant_service_user",
        "{create}"
    );
    assert_eq!(create["tf_rpc"], "ApplyResourceChange", "{create}");
    assert!(
        create["tf_req_id"]
            .as_str()
            .is_some_and(|id| id.len() == 36),
        "{create}"
    );
    let bodies = ours("API response body");
    assert!(
        bodies.iter().any(|l| l["body"].as_str().is_some_and(|b| b
            .contains("svc-logged@partner-example.com")
            && b.contains("<redacted>"))),
        "the creation's answer, its key redacted, is in the trace:\n{log}"
    );
    let json_text = log.clone();
    assert!(!log.contains(TOKEN), "the API token is in the log");

    // The provider's own variable wins over TF_LOG: no API call lines.
    let quiet_log = ctx.ws.dir.path().join("quiet.log");
    ctx.ws.extra_env = vec![
        ("TF_LOG".into(), "trace".into()),
        ("TF_LOG_PROVIDER_CFTENANT".into(), "warn".into()),
        ("TF_LOG_PATH".into(), quiet_log.display().to_string()),
    ];
    ctx.ws.assert_plan_empty();
    let log = std::fs::read_to_string(&quiet_log).expect("TF_LOG_PATH written");
    assert!(
        log.contains("[TRACE]"),
        "Terraform itself logs at trace:\n{log}"
    );
    assert!(
        provider_lines(&log, "API call").is_empty(),
        "TF_LOG_PROVIDER_CFTENANT=warn, yet the provider logged its calls:\n{log}"
    );
    ctx.ws.extra_env.clear();
    let key = ctx.ws.resource("cftenant_service_user.logged")["api_key"]
        .as_str()
        .expect("the key in state")
        .to_string();
    assert!(
        key.len() >= 8 && !json_text.contains(&key) && !log.contains(&key),
        "the service user's API key is in a log"
    );
}
