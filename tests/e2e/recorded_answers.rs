//! The answers people recorded from the live API (`tests/corpus/`, each
//! with its public source), replayed through the provider binary under real
//! Terraform: the simulator's `respond` fault sends the recorded body in
//! place of its own answer, as recorded: the same fields, nulls, strings
//! where numbers are documented, missing keys. Only identities are made to
//! match the objects of the test (an id, a name, an email), either renamed
//! beforehand or, for a create, taken from what the simulator really made
//! (`substitute`).
//!
//! Every file of the corpus is replayed by one of these tests
//! ([`REPLAYED`]), so every endpoint the provider calls that has a public
//! record is read (or written) at least once in its recorded shape.

use crate::harness::*;
use serde_json::{json, Value as Json};
use std::path::Path;

/// Every corpus file, and the test that replays it.
const REPLAYED: &[(&str, &str)] = &[
    (
        "01-user-get.json",
        "recorded_user_answer_reads_a_service_user",
    ),
    ("02-accounts-list.json", "recorded_account_answers"),
    ("03-accounts-list-live.json", "recorded_account_answers"),
    ("04-account-get.json", "recorded_account_answers"),
    ("05-account-get-live.json", "recorded_account_answers"),
    ("06-account-get-replayed.json", "recorded_account_answers"),
    ("07-account-create.json", "recorded_account_answers"),
    ("08-account-update.json", "recorded_account_answers"),
    ("09-account-delete.json", "recorded_account_answers"),
    (
        "10-tenant-accounts-list.json",
        "recorded_tenant_accounts_give_ids_and_names",
    ),
    (
        "11-tenant-accounts-by-name.json",
        "recorded_tenant_accounts_give_ids_and_names",
    ),
    ("12-account-members-list.json", "recorded_member_answers"),
    ("13-account-member-get.json", "recorded_member_answers"),
    (
        "14-account-member-create-pending.json",
        "recorded_member_answers",
    ),
    (
        "15-account-member-create-accepted.json",
        "recorded_accepted_member_answers",
    ),
    (
        "16-account-member-create-accepted-refused.json",
        "recorded_accepted_member_answers",
    ),
    ("17-account-member-update.json", "recorded_member_answers"),
    ("18-account-roles-list.json", "recorded_roles_answer"),
    ("19-zone-create.json", "recorded_zone_answers"),
    ("20-zone-create-partial.json", "recorded_zone_answers"),
    ("21-zone-get-partial.json", "recorded_zone_answers"),
    ("22-zone-patch-type.json", "recorded_zone_answers"),
    ("23-zones-list-meta-strings.json", "recorded_zone_answers"),
    (
        "24-zones-list-permission-code0.json",
        "recorded_zone_permission_errors",
    ),
    (
        "25-zones-create-permission.json",
        "recorded_zone_permission_errors",
    ),
    (
        "26-zone-subscription-get-no-core.json",
        "recorded_zone_subscription_answers",
    ),
    (
        "27-zone-subscription-create-cf-pro-refused.json",
        "recorded_zone_subscription_answers",
    ),
    (
        "28-zone-subscription-get-free.json",
        "recorded_zone_subscription_answers",
    ),
    (
        "29-zone-subscription-get-enterprise.json",
        "recorded_zone_subscription_answers",
    ),
];

fn corpus_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")
}

/// One recorded answer.
struct Recorded {
    method: String,
    template: String,
    status: u64,
    body: Json,
}

fn recorded(file: &str) -> Recorded {
    assert!(
        REPLAYED.iter().any(|(f, _)| *f == file),
        "{file} is not listed in REPLAYED"
    );
    let path = corpus_dir().join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let entry: Json = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{file}: {e}"));
    for key in ["source", "recorded", "shows"] {
        assert!(
            entry[key].as_str().is_some_and(|s| !s.is_empty()),
            "{file}: no {key}"
        );
    }
    Recorded {
        method: entry["request"]["method"].as_str().unwrap().to_string(),
        template: entry["request"]["path"].as_str().unwrap().to_string(),
        status: entry["status"].as_u64().unwrap(),
        body: entry["body"].clone(),
    }
}

/// `v` with every string equal to a `from` replaced by its `to`.
fn renamed(v: &Json, pairs: &[(&str, &str)]) -> Json {
    match v {
        Json::String(s) => pairs
            .iter()
            .find(|(from, _)| from == s)
            .map_or_else(|| v.clone(), |(_, to)| json!(to)),
        Json::Array(items) => Json::Array(items.iter().map(|i| renamed(i, pairs)).collect()),
        Json::Object(map) => Json::Object(
            map.iter()
                .map(|(k, x)| (k.clone(), renamed(x, pairs)))
                .collect(),
        ),
        other => other.clone(),
    }
}

impl Recorded {
    /// A fault rule answering this request with `body` (the recording,
    /// renamed), every time.
    fn rule(&self, body: Json) -> Json {
        json!({
            "method": self.method,
            "path": self.template,
            "action": "respond",
            "status": self.status,
            "body": body,
        })
    }

    /// The rule for a request the simulator handles first: its answer is
    /// replaced by the recording, with `substitute` taking values from the
    /// real answer.
    fn after_commit(&self, body: Json, substitute: Json) -> Json {
        let mut rule = self.rule(body);
        rule["commit"] = json!(true);
        if substitute != json!({}) {
            rule["substitute"] = substitute;
        }
        rule
    }
}

/// Installs `rules`, runs `f`, checks that every rule answered at least
/// once, and removes them.
fn replaying<T>(ctx: &Ctx, rules: Vec<Json>, f: impl FnOnce() -> T) -> T {
    let n = rules.len();
    ctx.sim.faults(1, Json::Array(rules));
    let out = f();
    let fired = ctx.sim.faults_fired();
    assert_eq!(fired.len(), n);
    assert!(
        fired.iter().all(|f| *f > 0),
        "a recorded answer was never asked for: fired {fired:?}"
    );
    ctx.sim.admin("DELETE", "/faults", None);
    out
}

fn plan_is_empty(ctx: &Ctx, what: &str) {
    let (code, text) = ctx.ws.plan();
    assert_eq!(code, 0, "{what}: the plan is not empty:\n{text}");
}

fn id(ctx: &Ctx, address: &str) -> String {
    ctx.ws.resource(address)["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{address}: no id"))
        .to_string()
}

#[test]
fn every_corpus_file_is_replayed() {
    let mut files: Vec<String> = std::fs::read_dir(corpus_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|f| f.ends_with(".json"))
        .collect();
    files.sort();
    let listed: Vec<String> = REPLAYED.iter().map(|(f, _)| f.to_string()).collect();
    assert_eq!(files, listed, "tests/corpus and REPLAYED differ");
    for (file, _) in REPLAYED {
        recorded(file);
    }
}

const ACCOUNTS: &str = r#"
variable "names" {
  type = list(string)
}
resource "cftenant_account" "a" {
  for_each = toset(var.names)
  name     = each.value
}
"#;

#[test]
fn recorded_account_answers() {
    let mut ctx = Ctx::new();
    ctx.set_var("names", r#"["Replay One"]"#);
    ctx.ws.write_config(ACCOUNTS);
    ctx.ws.apply();
    let one = r#"cftenant_account.a["Replay One"]"#;
    let id1 = id(&ctx, one);

    // 04: a fixture without `type` or `managed_by`, with `result_info` on
    // one object. What it does not say is kept.
    let r04 = recorded("04-account-get.json");
    let body = renamed(
        &r04.body,
        &[
            ("01a7362d577a6c3019a474fd6f485823", &id1),
            ("Cloudflare Demo", "Replay One"),
        ],
    );
    replaying(&ctx, vec![r04.rule(body)], || plan_is_empty(&ctx, "04"));

    // 05 (live) and 06 (replayed live): null settings, `legacy_flags`, no
    // `managed_by`. An import reads them.
    for (file, recorded_id, recorded_name) in [
        (
            "05-account-get-live.json",
            "fedcba9876543210fedcba9876543210",
            "Ankra AB account",
        ),
        (
            "06-account-get-replayed.json",
            "A2A6347F-88B5-442D-9798-95E408BC7701",
            "Mock Account",
        ),
    ] {
        let r = recorded(file);
        let body = renamed(
            &r.body,
            &[(recorded_id, &id1), (recorded_name, "Replay One")],
        );
        ctx.ws.ok(&["state", "rm", "-no-color", one]);
        replaying(&ctx, vec![r.rule(body)], || {
            ctx.ws
                .ok(&["import", "-input=false", "-no-color", one, &id1]);
        });
        let state = ctx.ws.resource(one);
        assert_eq!(state["id"], id1.as_str(), "{file}");
        assert_eq!(state["name"], "Replay One", "{file}");
        assert_eq!(state["type"], "standard", "{file}");
        plan_is_empty(&ctx, file);
    }

    // 08: the answer to a PUT, without `type`: the type stays known.
    let r08 = recorded("08-account-update.json");
    let body = renamed(
        &r08.body,
        &[
            ("01a7362d577a6c3019a474fd6f485823", &id1),
            ("Cloudflare Demo - New", "Replay Uno"),
        ],
    );
    ctx.set_var("names", r#"["Replay Uno"]"#);
    ctx.ws.ok(&[
        "state",
        "mv",
        "-no-color",
        one,
        r#"cftenant_account.a["Replay Uno"]"#,
    ]);
    replaying(&ctx, vec![r08.after_commit(body, json!({}))], || {
        ctx.ws.apply();
    });
    let uno = r#"cftenant_account.a["Replay Uno"]"#;
    assert_eq!(ctx.ws.resource(uno)["type"], "standard");
    ctx.ws.assert_plan_empty();

    // 02 (fixture, no `total_pages`, an item without `type`) and 03 (live,
    // with `total_pages`): a list answering reads, for a second account.
    ctx.set_var("names", r#"["Replay Uno", "Replay Two"]"#);
    ctx.ws.apply();
    let id2 = id(&ctx, r#"cftenant_account.a["Replay Two"]"#);
    for (file, recorded_id, recorded_name) in [
        (
            "02-accounts-list.json",
            "01a7362d577a6c3019a474fd6f485823",
            "Cloudflare Demo",
        ),
        (
            "03-accounts-list-live.json",
            "68be9d1f799cd3f539cbca989462c935",
            "Ankra AB account",
        ),
    ] {
        let r = recorded(file);
        let body = renamed(
            &r.body,
            &[(recorded_id, &id2), (recorded_name, "Replay Two")],
        );
        replaying(&ctx, vec![r.rule(body)], || plan_is_empty(&ctx, file));
    }

    // 07: a create answered with only `name` and `type`, no id: the account
    // the POST made is found by its name and creation time, and adopted.
    let r07 = recorded("07-account-create.json");
    let body = renamed(&r07.body, &[("Cloudflare Demo", "Replay Three")]);
    ctx.set_var("names", r#"["Replay Uno", "Replay Two", "Replay Three"]"#);
    let mut rule = r07.after_commit(body, json!({}));
    rule["count"] = json!(1);
    replaying(&ctx, vec![rule], || {
        ctx.ws.apply();
    });
    let named: Vec<Json> = ctx
        .sim
        .objects("accounts")
        .into_iter()
        .filter(|a| a["name"] == "Replay Three")
        .collect();
    assert_eq!(named.len(), 1, "adopted, not created twice");
    assert_eq!(
        id(&ctx, r#"cftenant_account.a["Replay Three"]"#),
        named[0]["id"].as_str().unwrap()
    );
    ctx.ws.assert_plan_empty();

    // 09: a DELETE answered with another id than the one deleted.
    let r09 = recorded("09-account-delete.json");
    replaying(
        &ctx,
        vec![r09.after_commit(r09.body.clone(), json!({}))],
        || {
            ctx.ws
                .ok(&["destroy", "-auto-approve", "-input=false", "-no-color"]);
        },
    );
    assert!(ctx.ws.state().is_empty());
    assert!(ctx.sim.objects("accounts").is_empty());
}

#[test]
fn recorded_tenant_accounts_give_ids_and_names() {
    let ctx = Ctx::new();
    ctx.ws.write_config(&format!(
        "data \"cftenant_tenant_accounts\" \"all\" {{\n  tenant_id = \"{TENANT}\"\n}}\n\
         output \"accounts\" {{\n  value = data.cftenant_tenant_accounts.all.accounts\n}}\n\
         output \"by_id\" {{\n  value = {{ for a in data.cftenant_tenant_accounts.all.accounts : a.id => a.name }}\n}}\n"
    ));
    for file in [
        "10-tenant-accounts-list.json",
        "11-tenant-accounts-by-name.json",
    ] {
        let r = recorded(file);
        replaying(&ctx, vec![r.rule(r.body.clone())], || {
            ctx.ws.apply();
        });
        let outputs = ctx.ws.outputs();
        let accounts = outputs["accounts"]["value"].as_array().unwrap().clone();
        let items = r.body["result"].as_array().unwrap();
        assert_eq!(accounts.len(), items.len(), "{file}");
        for (got, item) in accounts.iter().zip(items) {
            assert_eq!(got["id"], item["account_tag"], "{file}");
            assert_eq!(got["name"], item["account_pubname"], "{file}");
            assert_eq!(got["type"], item["account_type"], "{file}");
            assert_eq!(
                got["enforce_twofactor"], item["settings"]["enforce_two_factor"],
                "{file}: null where the item has no settings"
            );
        }
        assert_eq!(
            outputs["by_id"]["value"].as_object().unwrap().len(),
            items.len(),
            "{file}: a map keyed by id, as the adoption guide builds"
        );
    }
}

/// The recorded member, its email and role, as the configuration asks.
const RECORDED_MEMBER: &str = "4536bcfad5faccb111b47003c79917fa";
const RECORDED_ROLE: &str = "3536bcfad5faccb999b47003c79917fb";
const RECORDED_EMAIL: &str = "user@example.com";
/// A second role, for an update.
const OTHER_ROLE: &str = "1bdae932431dce82aa4498b71c2d9e1a";

fn member_config(role: &str, status: Option<&str>) -> String {
    let status = status.map_or(String::new(), |s| format!("  status = \"{s}\"\n"));
    format!(
        "resource \"cftenant_account\" \"a\" {{\n  name = \"Replay Members\"\n}}\n\
         resource \"cftenant_account_member\" \"m\" {{\n  account_id = cftenant_account.a.id\n  email = \"{RECORDED_EMAIL}\"\n  roles = [\"{role}\"]\n{status}}}\n"
    )
}

/// The member endpoints answered entirely from recordings (the simulator
/// never holds this member): a pending invitation (14), read alone (13) and
/// in its account's list (12), its roles changed (17), imported, destroyed.
#[test]
fn recorded_member_answers() {
    let ctx = Ctx::new();
    ctx.ws.write_config(&member_config(RECORDED_ROLE, None));
    ctx.ws.ok(&[
        "apply",
        "-auto-approve",
        "-input=false",
        "-no-color",
        "-target=cftenant_account.a",
    ]);
    let reads = |role: &str| {
        let r13 = recorded("13-account-member-get.json");
        vec![r13.rule(renamed(&r13.body, &[(RECORDED_ROLE, role)]))]
    };
    let r14 = recorded("14-account-member-create-pending.json");
    let mut rules = vec![r14.rule(r14.body.clone())];
    rules.extend(reads(RECORDED_ROLE));
    ctx.sim.faults(1, Json::Array(rules));
    ctx.ws.apply();
    let member = ctx.ws.resource("cftenant_account_member.m");
    assert_eq!(member["id"], RECORDED_MEMBER);
    assert_eq!(member["email"], RECORDED_EMAIL, "from user.email");
    ctx.ws.assert_config_plan_empty();
    // What the read (13) says, kept in state.
    ctx.ws.refresh();
    let state = ctx.ws.resource("cftenant_account_member.m");
    // 13 reads it accepted: the invitation was accepted since, which the
    // state records (and which no plan takes for a change).
    assert_eq!(state["status"], "accepted");
    assert_eq!(state["user_id"], "7c5dae5552338874e5053f2534d2767a");
    assert!(
        ctx.sim.faults_fired().iter().all(|f| *f > 0),
        "{:?}",
        ctx.sim.faults_fired()
    );

    // 17: the roles changed; the recording's other user fields are its own.
    let r17 = recorded("17-account-member-update.json");
    let body = renamed(
        &r17.body,
        &[
            (RECORDED_ROLE, OTHER_ROLE),
            ("new-user@example.com", RECORDED_EMAIL),
        ],
    );
    let mut rules = vec![r17.rule(body)];
    rules.extend(reads(OTHER_ROLE));
    ctx.sim.faults(1, Json::Array(rules));
    ctx.ws.write_config(&member_config(OTHER_ROLE, None));
    // Without a refresh first: the recorded reads already have the new role.
    ctx.ws.apply_without_refresh();
    assert_eq!(
        ctx.ws.resource("cftenant_account_member.m")["roles"],
        json!([OTHER_ROLE])
    );
    ctx.ws.assert_plan_empty();
    assert!(
        ctx.sim.faults_fired()[0] > 0,
        "the PUT was answered from 17"
    );

    let account_id = id(&ctx, "cftenant_account.a");
    ctx.ws
        .ok(&["state", "rm", "-no-color", "cftenant_account_member.m"]);
    ctx.ws.ok(&[
        "import",
        "-input=false",
        "-no-color",
        "cftenant_account_member.m",
        &format!("{account_id}/{RECORDED_MEMBER}"),
    ]);
    plan_is_empty(&ctx, "after importing the recorded member");

    // 12: a create whose answer is lost looks for the member in its
    // account's list, finds it by `user.email` (there is no top-level
    // `email`), and, as members carry no creation time, names the import.
    ctx.ws
        .ok(&["state", "rm", "-no-color", "cftenant_account_member.m"]);
    let r12 = recorded("12-account-members-list.json");
    let lost = json!({"method": "POST", "path": "/accounts/{account_id}/members", "action": "drop", "count": 1});
    let list = renamed(&r12.body, &[(RECORDED_ROLE, OTHER_ROLE)]);
    replaying(&ctx, vec![lost, r12.rule(list)], || {
        let out = ctx
            .ws
            .terraform(&["apply", "-auto-approve", "-input=false", "-no-color"]);
        let text = output_text(&out);
        assert!(!out.status.success(), "{text}");
        let import = format!(
            "terraform import cftenant_account_member.<name> {account_id}/{RECORDED_MEMBER}"
        );
        assert!(text.contains("Cannot tell whether member"), "{text}");
        assert!(text.contains(&import), "no {import:?} in:\n{text}");
    });
    assert!(!ctx.ws.state().contains_key("cftenant_account_member.m"));
    ctx.sim.admin("DELETE", "/faults", None);
    // The simulator never had it: its DELETE answers 404, which is gone.
    ctx.destroy();
}

/// 15: `status = "accepted"` where the tenant allows it, answered as
/// recorded; 16: the live refusal where it does not (400 / 1001 with
/// `"result": []`), which says what to do.
#[test]
fn recorded_accepted_member_answers() {
    let ctx = Ctx::with_sim_args(&["--allow-auto-accept-invites"]);
    ctx.ws
        .write_config(&member_config(RECORDED_ROLE, Some("accepted")));
    ctx.ws.ok(&[
        "apply",
        "-auto-approve",
        "-input=false",
        "-no-color",
        "-target=cftenant_account.a",
    ]);
    let (r15, r13) = (
        recorded("15-account-member-create-accepted.json"),
        recorded("13-account-member-get.json"),
    );
    replaying(
        &ctx,
        vec![r15.rule(r15.body.clone()), r13.rule(r13.body.clone())],
        || {
            ctx.ws.apply();
            plan_is_empty(&ctx, "15");
        },
    );
    assert_eq!(
        ctx.ws.resource("cftenant_account_member.m")["status"],
        "accepted"
    );
    ctx.ws
        .ok(&["state", "rm", "-no-color", "cftenant_account_member.m"]);

    let r16 = recorded("16-account-member-create-accepted-refused.json");
    replaying(&ctx, vec![r16.rule(r16.body.clone())], || {
        let out = ctx
            .ws
            .terraform(&["apply", "-auto-approve", "-input=false", "-no-color"]);
        let text = output_text(&out);
        assert!(!out.status.success(), "{text}");
        for needle in [
            "HTTP 400",
            "Cloudflare error 1001",
            "automatic verification of new members is not allowed",
            "allow_auto_accept_invites",
            "status = \"pending\"",
        ] {
            assert!(text.contains(needle), "no {needle:?} in:\n{text}");
        }
    });
    assert!(!ctx.ws.state().contains_key("cftenant_account_member.m"));
    ctx.destroy();
}

#[test]
fn recorded_roles_answer() {
    let ctx = Ctx::new();
    ctx.ws.write_config(
        "resource \"cftenant_account\" \"a\" {\n  name = \"Replay Roles\"\n}\n\
         data \"cftenant_account_roles\" \"r\" {\n  account_id = cftenant_account.a.id\n}\n\
         output \"roles\" {\n  value = { for r in data.cftenant_account_roles.r.roles : r.name => r.id }\n}\n",
    );
    ctx.ws.ok(&[
        "apply",
        "-auto-approve",
        "-input=false",
        "-no-color",
        "-target=cftenant_account.a",
    ]);
    let r18 = recorded("18-account-roles-list.json");
    replaying(&ctx, vec![r18.rule(r18.body.clone())], || {
        ctx.ws.apply();
    });
    assert_eq!(
        ctx.ws.outputs()["roles"]["value"],
        json!({"Account Administrator": RECORDED_ROLE})
    );
    ctx.destroy();
}

fn zones_config(zones: &[(&str, &str)]) -> String {
    let mut hcl = String::from(
        "resource \"cftenant_account\" \"a\" {\n  name = \"Replay Zones\"\n  type = \"enterprise\"\n}\n",
    );
    for (name, zone_type) in zones {
        let address = name.replace(['.', '-'], "_");
        hcl.push_str(&format!(
            "resource \"cftenant_zone\" \"{address}\" {{\n  account_id = cftenant_account.a.id\n  name = \"{name}\"\n  type = \"{zone_type}\"\n}}\n"
        ));
    }
    hcl
}

/// Zones: creates answered as recorded (19, 20) with the ids of the zones
/// made; a partial zone read for an import (21); a PATCH answered with the
/// changed fields only (22); a list whose items carry quotas as strings
/// (23, a fragment grafted into the simulator's own list).
#[test]
fn recorded_zone_answers() {
    let ctx = Ctx::new();
    ctx.ws.write_config(&zones_config(&[]));
    ctx.ws.apply();
    let account = id(&ctx, "cftenant_account.a");
    for (file, name, zone_type) in [
        ("19-zone-create.json", "replay-full.com", "full"),
        (
            "20-zone-create-partial.json",
            "replay-partial.com",
            "partial",
        ),
    ] {
        let r = recorded(file);
        let body = renamed(
            &r.body,
            &[
                ("example.com", name),
                ("01a7362d577a6c3019a474fd6f485823", &account),
            ],
        );
        let rule = r.after_commit(
            body,
            json!({"023e105f4ecef8ad9ca31a8372d0c353": "/result/id"}),
        );
        let zones: Vec<(&str, &str)> = match zone_type {
            "full" => vec![(name, zone_type)],
            _ => vec![("replay-full.com", "full"), (name, zone_type)],
        };
        ctx.ws.write_config(&zones_config(&zones));
        replaying(&ctx, vec![rule], || {
            ctx.ws.apply();
        });
        let address = format!("cftenant_zone.{}", name.replace(['.', '-'], "_"));
        let zone_id = id(&ctx, &address);
        assert!(
            ctx.sim.object("zones", &zone_id).is_some(),
            "{file}: the id of the zone made"
        );
        ctx.ws.assert_config_plan_empty();
    }
    let partial = "cftenant_zone.replay_partial_com";
    let partial_id = id(&ctx, partial);

    // 21: a partial zone as recorded (no `name_servers` key), imported. Its
    // account and owner ids are the fixture's inventions (24 characters, not
    // ids): they stand for the account the zone is in.
    let r21 = recorded("21-zone-get-partial.json");
    let body = renamed(
        &r21.body,
        &[
            ("foo", &partial_id),
            ("bar", "replay-partial.com"),
            ("aaaaaaaaaaaaaaaaaaaaaaaa", &account),
            ("bbbbbbbbbbbbbbbbbbbbbbbb", &account),
        ],
    );
    ctx.ws.ok(&["state", "rm", "-no-color", partial]);
    replaying(&ctx, vec![r21.rule(body)], || {
        ctx.ws
            .ok(&["import", "-input=false", "-no-color", partial, &partial_id]);
    });
    let state = ctx.ws.resource(partial);
    assert_eq!(state["type"], "partial");
    assert_eq!(state["name_servers"], json!([]));
    assert_eq!(state["owner"]["id"], account.as_str());
    plan_is_empty(&ctx, "21");

    // 22: the full zone made partial in place; the PATCH answers only what
    // changed, so the zone is read again.
    let r22 = recorded("22-zone-patch-type.json");
    ctx.ws.write_config(&zones_config(&[
        ("replay-full.com", "partial"),
        ("replay-partial.com", "partial"),
    ]));
    replaying(
        &ctx,
        vec![r22.after_commit(r22.body.clone(), json!({}))],
        || {
            ctx.ws.apply();
        },
    );
    let full_id = id(&ctx, "cftenant_zone.replay_full_com");
    assert_eq!(
        ctx.sim.object("zones", &full_id).unwrap()["type"],
        "partial"
    );
    ctx.ws.assert_plan_empty();

    // 23: quotas as strings, grafted into the simulator's list of the zones.
    let r23 = recorded("23-zones-list-meta-strings.json");
    let mut list = ctx.sim.call("GET", "/zones?per_page=50", None).body;
    for zone in list["result"].as_array_mut().unwrap() {
        for (key, value) in r23.body["result"][0].as_object().unwrap() {
            zone[key] = value.clone();
        }
    }
    replaying(&ctx, vec![r23.rule(list)], || plan_is_empty(&ctx, "23"));
    ctx.destroy();
}

/// 24: listing zones refused with code 0, where a lost create looks for its
/// zone; 25: a create refused for want of a permission. Both say what
/// Cloudflare said, and nothing reaches the state.
#[test]
fn recorded_zone_permission_errors() {
    let ctx = Ctx::new();
    ctx.ws.write_config(&zones_config(&[]));
    ctx.ws.apply();
    ctx.ws
        .write_config(&zones_config(&[("replay-denied.com", "full")]));
    let r24 = recorded("24-zones-list-permission-code0.json");
    let lost = json!({"method": "POST", "path": "/zones", "action": "drop", "count": 1});
    replaying(&ctx, vec![lost, r24.rule(r24.body.clone())], || {
        let out = ctx
            .ws
            .terraform(&["apply", "-auto-approve", "-input=false", "-no-color"]);
        let text = output_text(&out);
        assert!(!out.status.success(), "{text}");
        for needle in [
            "GET /zones: HTTP 403",
            "requires permission 'com.cloudflare.api.account.zone.list' to list zones",
            "looking for zone \"replay-denied.com\"",
        ] {
            assert!(text.contains(needle), "no {needle:?} in:\n{text}");
        }
    });
    let r25 = recorded("25-zones-create-permission.json");
    replaying(&ctx, vec![r25.rule(r25.body.clone())], || {
        let out = ctx
            .ws
            .terraform(&["apply", "-auto-approve", "-input=false", "-no-color"]);
        let text = output_text(&out);
        assert!(!out.status.success(), "{text}");
        for needle in [
            "POST /zones: HTTP 403",
            "Requires permission \"com.cloudflare.api.account.zone.create\" to create zones for the selected account",
            "Check the credentials in use, from",
        ] {
            assert!(text.contains(needle), "no {needle:?} in:\n{text}");
        }
    });
    assert!(!ctx
        .ws
        .state()
        .contains_key("cftenant_zone.replay_denied_com"));
    ctx.ws.write_config(&zones_config(&[]));
    ctx.destroy();
}

fn plan_config(rate_plan_id: &str) -> String {
    format!(
        "resource \"cftenant_account\" \"a\" {{\n  name = \"Replay Plans\"\n}}\n\
         resource \"cftenant_zone\" \"z\" {{\n  account_id = cftenant_account.a.id\n  name = \"replay-plans.com\"\n}}\n\
         resource \"cftenant_zone_subscription\" \"z\" {{\n  zone_id = cftenant_zone.z.id\n  rate_plan_id = \"{rate_plan_id}\"\n}}\n"
    )
}

/// Zone plans: a zone without a record (26, live) and a free one as read
/// back (28) import as the free plan; `CF_PRO` refused for a partner (27,
/// live); an enterprise plan read back without periods or id (29).
#[test]
fn recorded_zone_subscription_answers() {
    let ctx = Ctx::new();
    ctx.ws.write_config(&plan_config("PARTNERS_FREE"));
    ctx.ws.ok(&[
        "apply",
        "-auto-approve",
        "-input=false",
        "-no-color",
        "-target=cftenant_zone.z",
    ]);
    let zone_id = id(&ctx, "cftenant_zone.z");
    let plan = "cftenant_zone_subscription.z";
    for file in [
        "26-zone-subscription-get-no-core.json",
        "28-zone-subscription-get-free.json",
    ] {
        let r = recorded(file);
        replaying(&ctx, vec![r.rule(r.body.clone())], || {
            ctx.ws
                .ok(&["import", "-input=false", "-no-color", plan, &zone_id]);
            let state = ctx.ws.resource(plan);
            assert_eq!(state["rate_plan_id"], "free", "{file}: the API's word");
            plan_is_empty(&ctx, file);
        });
        ctx.ws.ok(&["state", "rm", "-no-color", plan]);
    }

    let r27 = recorded("27-zone-subscription-create-cf-pro-refused.json");
    ctx.ws.write_config(&plan_config("CF_PRO"));
    replaying(&ctx, vec![r27.rule(r27.body.clone())], || {
        let out = ctx
            .ws
            .terraform(&["apply", "-auto-approve", "-input=false", "-no-color"]);
        let text = output_text(&out);
        assert!(!out.status.success(), "{text}");
        assert!(text.contains("Cloudflare error 1204"), "{text}");
        assert!(
            text.contains("failed to resolve provided rate plan: 'CF_PRO'"),
            "{text}"
        );
    });

    ctx.ws.write_config(&plan_config("PARTNERS_ENT"));
    ctx.ws.apply();
    let r29 = recorded("29-zone-subscription-get-enterprise.json");
    replaying(&ctx, vec![r29.rule(r29.body.clone())], || {
        plan_is_empty(&ctx, "29");
        ctx.ws.ok(&["state", "rm", "-no-color", plan]);
        ctx.ws
            .ok(&["import", "-input=false", "-no-color", plan, &zone_id]);
        assert_eq!(ctx.ws.resource(plan)["rate_plan_id"], "enterprise");
        plan_is_empty(&ctx, "29, imported");
    });
    ctx.destroy();
}

/// 01: `GET /user` as a service user reads itself.
#[test]
fn recorded_user_answer_reads_a_service_user() {
    let ctx = Ctx::new();
    ctx.ws.write_config(
        "resource \"cftenant_service_user\" \"s\" {\n  email = \"replay-svc@example.com\"\n}\n",
    );
    ctx.ws.apply();
    let user_id = id(&ctx, "cftenant_service_user.s");
    let r01 = recorded("01-user-get.json");
    let body = renamed(
        &r01.body,
        &[
            ("cloudflare@example.com", "replay-svc@example.com"),
            ("1", &user_id),
        ],
    );
    replaying(&ctx, vec![r01.rule(body)], || plan_is_empty(&ctx, "01"));
    ctx.destroy();
}
