//! Secrets never leak: a whole lifecycle (plan, apply, refresh, import
//! with a wrong and the right key, plan, a plan failing on injected 403/500s,
//! an apply the API rejects, show, destroy) at `TF_LOG=trace`, once with an
//! API token from the environment and once with an email + global API key
//! in the provider block, all recognisable. Neither the provider's
//! credentials nor the service user's generated `api_key` may appear in
//! Terraform's stdout or stderr, in any diagnostic, or in the `TF_LOG_PATH`
//! file; the logs must show the provider's API calls, so the check is not
//! vacuous.

use crate::harness::*;
use serde_json::json;
use std::path::PathBuf;

/// Recognisable credentials, accepted by the simulator for the tenant admin.
const SECRET_TOKEN: &str = "LEAKCHECK-token-8c1f5e2a9d7b4e63";
const SECRET_KEY: &str = "LEAKCHECK-key-3b9e7d1c5a2f4086";
/// A service user key the simulator does not know.
const WRONG_KEY: &str = "LEAKCHECK-wrong-service-user-key-5d2e";
const ADMIN_EMAIL: &str = "tenant-admin@partner.example";
/// Any leak would contain this, whichever secret it is.
const MARKER: &str = "LEAKCHECK";

const SVC: &str = "cftenant_service_user.svc";

const TERRAFORM_BLOCK: &str = r#"terraform {
  required_providers {
    cftenant = {
      source = "cftenant/cftenant"
    }
  }
}
"#;

/// An account, a service user, the service user as the account's member,
/// and outputs built from non-secret attributes (plus the key, as a
/// sensitive output).
fn main_tf(suffix: &str) -> String {
    format!(
        r#"resource "cftenant_account" "acme" {{
  name = "Secrets Customer {suffix}"
}}

resource "cftenant_service_user" "svc" {{
  email = "svc-secrets-{suffix}@partner.example"
}}

resource "cftenant_account_member" "svc" {{
  account_id = cftenant_account.acme.id
  email      = cftenant_service_user.svc.email
  roles      = ["{ADMIN_ROLE}"]
}}

output "summary" {{
  value = {{
    account_id = cftenant_account.acme.id
    user_id    = cftenant_service_user.svc.id
    username   = cftenant_service_user.svc.username
    member_id  = cftenant_account_member.svc.id
    status     = cftenant_account_member.svc.status
  }}
}}

output "svc_api_key" {{
  value     = cftenant_service_user.svc.api_key
  sensitive = true
}}
"#
    )
}

/// The same, plus a member whose role the API rejects (only the API knows
/// role ids), for a failing apply.
fn main_tf_bad_role(suffix: &str) -> String {
    format!(
        r#"{}
resource "cftenant_account_member" "bad_role" {{
  account_id = cftenant_account.acme.id
  email      = "bad-role-{suffix}@customer.example"
  roles      = ["0123456789abcdef0123456789abcdef"]
}}
"#,
        main_tf(suffix)
    )
}

/// How the provider gets the tenant admin's credentials in one pass.
#[derive(Clone, Copy, Debug)]
enum Auth {
    /// `CLOUDFLARE_API_TOKEN` in the environment.
    TokenFromEnv,
    /// `email` and `api_key` in the provider block, from (sensitive)
    /// variables.
    KeyInConfig,
}

/// Everything Terraform printed or logged in one pass, by step.
struct Transcript {
    /// (what, text): stdout + stderr of each command, and each log file.
    texts: Vec<(String, String)>,
}

impl Transcript {
    fn assert_free_of(&self, secrets: &[(&str, &str)]) {
        for (what, text) in &self.texts {
            for (name, secret) in secrets {
                if let Some(at) = text.find(secret) {
                    let from = text[..at]
                        .char_indices()
                        .rev()
                        .nth(300)
                        .map_or(0, |(i, _)| i);
                    let context: String = text[from..].chars().take(600).collect();
                    panic!("{name} leaked into {what}, here:\n…{context}…");
                }
            }
        }
    }
}

struct Pass {
    ws: Workspace,
    name: &'static str,
    logs: PathBuf,
    step: usize,
    transcript: Transcript,
}

impl Pass {
    /// Runs one terraform command at TF_LOG=trace into its own log file,
    /// records its output and log, and returns (exit code, output text,
    /// log text).
    fn run(&mut self, args: &[&str]) -> (i32, String, String) {
        self.step += 1;
        let log = self
            .logs
            .join(format!("{}-{:02}-{}.log", self.name, self.step, args[0]));
        let saved = self.ws.extra_env.clone();
        self.ws.extra_env.extend([
            ("TF_LOG".to_string(), "trace".to_string()),
            ("TF_LOG_PATH".to_string(), log.display().to_string()),
        ]);
        let out = self.ws.terraform(args);
        self.ws.extra_env = saved;
        // Both the raw output and the one with line wrapping undone.
        let raw = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let text = output_text(&out);
        let log_text = std::fs::read_to_string(&log).unwrap_or_else(|e| {
            panic!("{}: no TF_LOG_PATH file {}: {e}", self.name, log.display())
        });
        let what = format!(
            "{} step {} (terraform {})",
            self.name,
            self.step,
            args.join(" ")
        );
        assert!(
            !text.contains("panicked"),
            "{what}: the provider panicked:\n{text}"
        );
        // The log check means something only if the log is Terraform's
        // trace and the provider ran.
        assert!(
            log_text.contains("[TRACE]") && log_text.contains("provider: plugin started"),
            "{what}: the log has no trace of the provider running:\n{text}\n{}",
            log_text.chars().take(3000).collect::<String>()
        );
        self.transcript.texts.push((format!("{what}: output"), raw));
        self.transcript
            .texts
            .push((format!("{what}: output (unwrapped)"), text.clone()));
        self.transcript
            .texts
            .push((format!("{what}: log {}", log.display()), log_text.clone()));
        (out.status.code().unwrap_or(-1), text, log_text)
    }

    fn ok(&mut self, args: &[&str]) -> (String, String) {
        let (code, text, log) = self.run(args);
        assert_eq!(
            code,
            0,
            "{}: terraform {} failed:\n{text}",
            self.name,
            args.join(" ")
        );
        (text, log)
    }
}

/// Provider lines in a Terraform log for API calls to `path`.
fn api_calls<'a>(log: &'a str, method: &str, path: &str) -> Vec<&'a str> {
    let method = format!("method={method}");
    let path = format!("path={path}");
    log.lines()
        .filter(|l| {
            l.contains("provider.terraform-provider-cftenant: API call")
                && l.split_whitespace().any(|w| w == method)
                && l.split_whitespace().any(|w| w == path)
        })
        .collect()
}

fn run_pass(sim: &Sim, auth: Auth, suffix: &str, logs: &std::path::Path) -> (Transcript, String) {
    let name = match auth {
        Auth::TokenFromEnv => "token",
        Auth::KeyInConfig => "email+key",
    };
    let mut ws = Workspace::new(sim);
    ws.write_config(&main_tf(suffix));
    // max_retries = 1 keeps the injected 5xx below quick.
    let provider = match auth {
        Auth::TokenFromEnv => {
            ws.extra_env
                .push(("CLOUDFLARE_API_TOKEN".into(), SECRET_TOKEN.into()));
            "provider \"cftenant\" {\n  max_retries = 1\n}\n".to_string()
        }
        Auth::KeyInConfig => {
            ws.env_remove("CLOUDFLARE_API_TOKEN");
            ws.vars.insert("cf_email".into(), ADMIN_EMAIL.into());
            ws.vars.insert("cf_api_key".into(), SECRET_KEY.into());
            "variable \"cf_email\" {\n  type = string\n}\n\n\
             variable \"cf_api_key\" {\n  type      = string\n  sensitive = true\n}\n\n\
             provider \"cftenant\" {\n  email       = var.cf_email\n  api_key     = var.cf_api_key\n  max_retries = 1\n}\n"
                .to_string()
        }
    };
    let provider_tf = format!("{TERRAFORM_BLOCK}\n{provider}");
    std::fs::write(ws.dir.path().join("provider.tf"), &provider_tf).unwrap();
    let mut pass = Pass {
        ws,
        name,
        logs: logs.to_path_buf(),
        step: 0,
        transcript: Transcript { texts: Vec::new() },
    };

    // Plan: the key to be generated is shown as sensitive.
    let (code, plan, _) = pass.run(&["plan", "-detailed-exitcode", "-input=false", "-no-color"]);
    assert_eq!(code, 2, "{name}: expected changes:\n{plan}");
    assert!(
        plan.contains("api_key = (sensitive value)"),
        "{name}: the planned api_key is not shown as \"(sensitive value)\":\n{plan}"
    );
    assert!(
        plan.contains("svc_api_key = (sensitive value)"),
        "{name}:\n{plan}"
    );

    // Apply, with input allowed (as people run it), so that Terraform's
    // input phase, which logs the provider's inputs at trace, runs too.
    let (applied, log) = pass.ok(&["apply", "-auto-approve", "-no-color"]);
    assert!(
        applied.contains("Apply complete! Resources: 3 added"),
        "{name}:\n{applied}"
    );
    assert!(
        applied.contains("svc_api_key = <sensitive>"),
        "{name}:\n{applied}"
    );
    assert!(
        applied.contains("username ="),
        "{name}: no summary output:\n{applied}"
    );
    let creates = api_calls(&log, "POST", "/users");
    assert_eq!(
        creates.len(),
        1,
        "{name}: expected one POST /users in the log:\n{log}"
    );
    assert!(creates[0].contains("[DEBUG]"), "{name}: {}", creates[0]);
    // The secret-bearing responses and requests were traced around.
    assert!(log.contains("[TRACE]"), "{name}: no trace lines in the log");

    // The generated key: in state (where Terraform keeps it) and in the
    // simulator, and the same in both.
    let email = format!("svc-secrets-{suffix}@partner.example");
    let state = pass.ws.resource(SVC);
    let key = state["api_key"]
        .as_str()
        .unwrap_or_else(|| panic!("{name}: no api_key in state: {state}"))
        .to_string();
    assert!(key.len() >= 32, "{name}: {key}");
    let sim_user = sim
        .objects("users")
        .into_iter()
        .find(|u| u["email"] == email.as_str())
        .unwrap_or_else(|| panic!("{name}: no user {email} in the simulator"));
    assert_eq!(sim_user["api_key"], key.as_str(), "{name}");
    let summary = &pass.ws.outputs()["summary"]["value"];
    let account_id = summary["account_id"].as_str().unwrap().to_string();
    assert_eq!(summary["user_id"], state["id"], "{name}: {summary}");
    assert_eq!(
        summary["username"], sim_user["username"],
        "{name}: {summary}"
    );

    // Refresh: the service user is read with its own key (GET /user).
    let (refreshed, log) = pass.ok(&[
        "apply",
        "-refresh-only",
        "-auto-approve",
        "-input=false",
        "-no-color",
    ]);
    assert!(!refreshed.contains("Error"), "{name}:\n{refreshed}");
    assert_eq!(
        api_calls(&log, "GET", "/user").len(),
        1,
        "{name}: the refresh did not read the service user:\n{log}"
    );

    // Import: the key comes from the environment. A wrong key is refused
    // (a diagnostic with a secret at hand), the right one reads the user.
    pass.ws.ok(&["state", "rm", "-no-color", SVC]);
    let import = ["import", "-input=false", "-no-color", SVC, email.as_str()];
    pass.ws
        .extra_env
        .push(("CFTENANT_SERVICE_USER_API_KEY".into(), WRONG_KEY.into()));
    let (code, failed, _) = pass.run(&import);
    assert_eq!(
        code, 1,
        "{name}: import with a wrong key should fail:\n{failed}"
    );
    assert!(
        failed.contains("with its own API key") && failed.contains("HTTP 403"),
        "{name}:\n{failed}"
    );
    pass.ws.extra_env.pop();
    pass.ws
        .extra_env
        .push(("CFTENANT_SERVICE_USER_API_KEY".into(), key.clone()));
    pass.ok(&import);
    pass.ws.extra_env.pop();
    assert_eq!(
        pass.ws.resource(SVC),
        state,
        "{name}: import differs from create"
    );

    // Plan: nothing to do.
    let (code, plan, _) = pass.run(&["plan", "-detailed-exitcode", "-input=false", "-no-color"]);
    assert_eq!(code, 0, "{name}: expected an empty plan:\n{plan}");

    // A failing plan: the service user's own key is refused (403 on the
    // request that carries it), and the account read fails with 500s.
    sim.admin(
        "POST",
        "/faults",
        Some(json!({"rules": [
            {"method": "GET", "path": "/user", "action": "status", "status": 403, "count": 1},
            {"method": "GET", "path": "/accounts/{account_id}", "action": "status", "status": 500, "count": 2},
        ]})),
    );
    let (code, failed, log) = pass.run(&["plan", "-input=false", "-no-color"]);
    sim.admin("DELETE", "/faults", None);
    assert_eq!(code, 1, "{name}: the plan should have failed:\n{failed}");
    assert!(
        failed.contains("Cannot read service user") && failed.contains("with its own API key"),
        "{name}: no service user read diagnostic:\n{failed}"
    );
    assert!(
        failed.contains("GET /user: HTTP 403"),
        "{name}: the diagnostic does not show the refused request:\n{failed}"
    );
    assert!(
        failed.contains("HTTP 500"),
        "{name}: no account read diagnostic:\n{failed}"
    );
    let refused = api_calls(&log, "GET", "/user");
    assert!(
        refused
            .iter()
            .any(|l| l.contains("API call failed") && l.contains("status=403")),
        "{name}: the refused GET /user is not in the log:\n{refused:?}"
    );

    // A failing apply: a role id only the API can reject.
    std::fs::write(pass.ws.dir.path().join("main.tf"), main_tf_bad_role(suffix)).unwrap();
    let (code, failed, log) = pass.run(&["apply", "-auto-approve", "-input=false", "-no-color"]);
    assert_eq!(code, 1, "{name}: the apply should have failed:\n{failed}");
    assert!(
        failed.contains("Error: ") && failed.contains("bad-role-"),
        "{name}: no diagnostic for the bad role:\n{failed}"
    );
    assert!(
        api_calls(&log, "POST", &format!("/accounts/{account_id}/members"))
            .iter()
            .any(|l| l.contains("API call failed") && l.contains("status=400")),
        "{name}: the refused member create is not in the log"
    );
    std::fs::write(pass.ws.dir.path().join("main.tf"), main_tf(suffix)).unwrap();

    // Show: the key is in state, but shown as sensitive.
    let (shown, _) = pass.ok(&["show", "-no-color"]);
    assert!(shown.contains("(sensitive value)"), "{name}:\n{shown}");

    // Destroy; the service user is only forgotten, with a warning.
    let (destroyed, log) = pass.ok(&["destroy", "-auto-approve", "-input=false", "-no-color"]);
    assert!(
        destroyed.contains("only removed from the Terraform state"),
        "{name}:\n{destroyed}"
    );
    assert_eq!(
        api_calls(&log, "DELETE", &format!("/accounts/{account_id}")).len(),
        1,
        "{name}: the account delete is not in the log"
    );
    assert!(
        pass.ws.state().is_empty(),
        "{name}: state not empty after destroy"
    );
    // Guard against a vacuous check: the key is what we think it is.
    assert!(!key.contains(MARKER));
    (pass.transcript, key)
}

#[test]
fn secrets_never_leak_into_output_logs_or_diagnostics() {
    let started = std::time::Instant::now();
    let sim = Sim::start(&[
        "--api-token",
        SECRET_TOKEN,
        "--auth-email",
        ADMIN_EMAIL,
        "--auth-key",
        SECRET_KEY,
    ]);
    let logs = tempfile::Builder::new()
        .prefix("cftenant-secrets-logs-")
        .tempdir()
        .unwrap();

    let (token_pass, token_pass_key) = run_pass(&sim, Auth::TokenFromEnv, "t1", logs.path());
    let (key_pass, key_pass_key) = run_pass(&sim, Auth::KeyInConfig, "k1", logs.path());
    assert_ne!(token_pass_key, key_pass_key);

    // Both passes did authenticate as the tenant admin, each its own way:
    // the simulator only knows the recognisable credentials.
    assert_eq!(sim.objects("users").len(), 2);

    let secrets = [
        ("the API token", SECRET_TOKEN),
        ("the global API key", SECRET_KEY),
        ("the wrong service user key", WRONG_KEY),
        ("the first service user's api_key", token_pass_key.as_str()),
        ("the second service user's api_key", key_pass_key.as_str()),
        ("a credential", MARKER),
    ];
    for transcript in [&token_pass, &key_pass] {
        let logged: usize = transcript
            .texts
            .iter()
            .filter(|(w, _)| w.contains(": log "))
            .map(|(_, t)| t.len())
            .sum();
        assert!(
            logged > 10_000,
            "suspiciously little was logged: {logged} bytes"
        );
        transcript.assert_free_of(&secrets);
    }
    println!(
        "secrets: {} outputs and logs checked, elapsed={:.1}s",
        token_pass.texts.len() + key_pass.texts.len(),
        started.elapsed().as_secs_f64()
    );
}
