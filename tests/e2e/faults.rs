//! Convergence under injected faults: a 120-resource configuration applied
//! with `-parallelism=10` while the simulator answers a seeded share of all
//! API requests with 429s, 5xx errors, delays, dropped connections and
//! connections dropped after the change was committed. Applying again (at
//! most three applies in all) must converge: the simulator then holds exactly
//! what Terraform's state says (same ids, no orphan, no duplicate) and a plan
//! without faults is empty.
//!
//! Service users are left out on purpose: `POST /users` returns the user's
//! API key only in its response, so a create whose response is lost cannot
//! be adopted (the key, and with it every later read, is gone). Their
//! lifecycle is covered by service_user.rs and secrets.rs.
//!
//! `cargo test --test e2e faults -- --nocapture` prints the figures quoted in
//! docs/RELIABILITY.md.

use crate::harness::*;
use serde_json::{json, Value as Json};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::time::Instant;

/// The configuration in testdata/faults has six resources per customer.
const CUSTOMERS: usize = 20;
const RESOURCES_PER_CUSTOMER: usize = 6;
const MAX_APPLIES: usize = 3;
const SEED: u64 = 4_2026;
/// The share of all API requests each fault kind is meant to hit.
const SHARE_PER_KIND: f64 = 0.08;

/// One kind of fault and the simulator rules that make it. The kind's share
/// is split evenly over its rules.
struct FaultKind {
    name: &'static str,
    rules: Vec<Json>,
}

fn fault_kinds() -> Vec<FaultKind> {
    vec![
        FaultKind {
            name: "429",
            rules: vec![json!({"action": "status", "status": 429, "retry_after": 1})],
        },
        FaultKind {
            name: "5xx",
            rules: [500, 502, 503]
                .iter()
                .map(|s| json!({"action": "status", "status": s}))
                .collect(),
        },
        FaultKind {
            name: "delay",
            rules: vec![json!({"action": "delay", "delay_ms": 300})],
        },
        FaultKind {
            name: "drop",
            rules: vec![json!({"action": "drop"})],
        },
        FaultKind {
            name: "commit_then_drop",
            rules: vec![json!({"action": "commit_then_drop"})],
        },
    ]
}

/// The `POST /__sim/faults` body. Rules are tried in order and the first
/// that fires wins, so each rule's probability is conditional on the earlier
/// ones not firing: `share / (1 - shares before it)`. That way every rule
/// hits its share of *all* requests. Returns the body and, per rule index,
/// the kind's name.
fn fault_body() -> (Json, Vec<&'static str>) {
    let mut rules = Vec::new();
    let mut kind_of_rule = Vec::new();
    let mut taken = 0.0;
    for kind in fault_kinds() {
        let share = SHARE_PER_KIND / kind.rules.len() as f64;
        for mut rule in kind.rules {
            rule["method"] = json!("*");
            rule["path"] = json!("*");
            rule["probability"] = json!(share / (1.0 - taken));
            taken += share;
            rules.push(rule);
            kind_of_rule.push(kind.name);
        }
    }
    (json!({"seed": SEED, "rules": rules}), kind_of_rule)
}

/// How the objects of a resource type appear in the simulator's inventory.
struct Kind {
    resource_type: &'static str,
    /// The list in `GET /__sim/state`.
    inventory: &'static str,
    /// The inventory field that Terraform's `id` corresponds to.
    id_field: &'static str,
    /// Fields that together identify an object the way a user does (what
    /// a duplicate would repeat).
    natural_key: &'static [&'static str],
}

const KINDS: &[Kind] = &[
    Kind {
        resource_type: "cftenant_account",
        inventory: "accounts",
        id_field: "id",
        natural_key: &["name"],
    },
    Kind {
        resource_type: "cftenant_account_member",
        inventory: "members",
        id_field: "id",
        natural_key: &["account_id", "email"],
    },
    Kind {
        resource_type: "cftenant_zone",
        inventory: "zones",
        id_field: "id",
        natural_key: &["account.id", "name"],
    },
    Kind {
        resource_type: "cftenant_zone_subscription",
        inventory: "zone_subscriptions",
        id_field: "zone_id",
        natural_key: &["zone_id"],
    },
    Kind {
        resource_type: "cftenant_account_subscription",
        inventory: "account_subscriptions",
        id_field: "id",
        natural_key: &["account_id", "rate_plan.id"],
    },
];

fn field<'a>(obj: &'a Json, dotted: &str) -> &'a Json {
    dotted.split('.').fold(obj, |o, k| &o[k])
}

/// Differences between Terraform's state and the simulator's inventory.
#[derive(Debug, Default)]
pub struct Reconciliation {
    /// Objects in the simulator that no Terraform resource tracks.
    pub orphans: Vec<String>,
    /// Resources in state whose object the simulator does not have.
    pub missing: Vec<String>,
    /// Natural keys that more than one object in the simulator has.
    pub duplicates: Vec<String>,
    /// Ids tracked by more than one resource in state.
    pub shared_ids: Vec<String>,
    pub resources: usize,
}

impl Reconciliation {
    pub fn is_exact(&self) -> bool {
        self.orphans.is_empty()
            && self.missing.is_empty()
            && self.duplicates.is_empty()
            && self.shared_ids.is_empty()
    }
}

/// Compares every managed resource in `state` (from `Workspace::state`) with
/// the simulator's inventory, for the five resource types that have one.
pub fn reconcile(state: &BTreeMap<String, Json>, inventory: &Json) -> Reconciliation {
    let mut r = Reconciliation::default();
    for kind in KINDS {
        let prefix = format!("{}.", kind.resource_type);
        let mut tracked: BTreeMap<String, String> = BTreeMap::new();
        for (address, values) in state.iter().filter(|(a, _)| a.starts_with(&prefix)) {
            r.resources += 1;
            let id = values["id"]
                .as_str()
                .unwrap_or_else(|| panic!("{address} has no id in state"))
                .to_string();
            if let Some(other) = tracked.insert(id.clone(), address.clone()) {
                r.shared_ids.push(format!("{id} ({other} and {address})"));
            }
        }
        let objects = inventory[kind.inventory]
            .as_array()
            .unwrap_or_else(|| panic!("no {} in the simulator state", kind.inventory));
        let mut seen_keys: BTreeMap<String, usize> = BTreeMap::new();
        let mut present = BTreeSet::new();
        for o in objects {
            let id = field(o, kind.id_field)
                .as_str()
                .unwrap_or_else(|| panic!("{} without {}: {o}", kind.inventory, kind.id_field))
                .to_string();
            let key: Vec<String> = kind
                .natural_key
                .iter()
                .map(|k| field(o, k).to_string().to_lowercase())
                .collect();
            *seen_keys
                .entry(format!("{} {}", kind.inventory, key.join(" ")))
                .or_default() += 1;
            if !tracked.contains_key(&id) {
                r.orphans.push(format!("{} {id}: {o}", kind.inventory));
            }
            present.insert(id);
        }
        r.duplicates.extend(
            seen_keys
                .into_iter()
                .filter(|(_, n)| *n > 1)
                .map(|(k, n)| format!("{k} ({n} objects)")),
        );
        r.missing.extend(
            tracked
                .iter()
                .filter(|(id, _)| !present.contains(*id))
                .map(|(id, address)| format!("{address} ({id})")),
        );
    }
    r
}

/// The imports the errors of a failed apply ask for: `(address, id)` for
/// every error that names its resource (`with ADDRESS,`) and exactly one
/// import id (`terraform import TYPE.<name> ID`). That is what a lost
/// create the provider cannot prove is its own tells the user to run.
pub fn imports_asked_for(errors: &str) -> Vec<(String, String)> {
    let mut asked = Vec::new();
    for chunk in errors.split("Error: ").skip(1) {
        let Some(address) = chunk
            .split_once(" with ")
            .and_then(|(_, rest)| rest.split_once(','))
            .map(|(address, _)| address.to_string())
        else {
            continue;
        };
        let mut ids: Vec<String> = chunk
            .split("terraform import ")
            .skip(1)
            .filter_map(|cmd| cmd.split_once(".<name> "))
            .map(|(_, rest)| {
                rest.chars()
                    .take_while(|c| c.is_ascii_hexdigit() || *c == '/')
                    .collect::<String>()
            })
            .filter(|id| !id.is_empty())
            .collect();
        ids.sort();
        ids.dedup();
        if let [id] = ids.as_slice() {
            asked.push((address, id.clone()));
        }
    }
    asked
}

/// Lines of a Terraform log file that contain `needle`.
pub fn count_log_lines(path: &Path, needle: &str) -> usize {
    std::fs::read_to_string(path)
        .map(|s| s.lines().filter(|l| l.contains(needle)).count())
        .unwrap_or(0)
}

#[test]
fn apply_converges_under_injected_faults() {
    let started = Instant::now();
    let mut ctx = Ctx::new();
    ctx.ws
        .use_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/e2e/testdata/faults"));
    ctx.set_var("customers", &CUSTOMERS.to_string());
    ctx.set_var("max_retries", "6");
    let expected_resources = CUSTOMERS * RESOURCES_PER_CUSTOMER;
    assert!(expected_resources >= 100);

    let (body, kind_of_rule) = fault_body();
    let installed = ctx.sim.admin("POST", "/faults", Some(body));
    assert_eq!(
        installed
            .as_array()
            .map(Vec::len)
            .or_else(|| installed["rules"].as_array().map(Vec::len)),
        Some(kind_of_rule.len()),
        "{installed}"
    );
    ctx.sim.admin("POST", "/stats/reset", None);

    // The provider logs one "retrying API call" line (at info) per retry.
    let log_dir = tempfile::tempdir().unwrap();
    let mut applies = 0;
    let mut converged = false;
    let mut last_errors = String::new();
    let mut retries = 0;
    let mut adoptions = 0;
    let mut imports = 0;
    while applies < MAX_APPLIES && !converged {
        applies += 1;
        let log = log_dir.path().join(format!("apply-{applies}.log"));
        // Debug, not just info (where "retrying API call" is logged): a Rust
        // panic message is raw stderr, which Terraform logs at debug.
        ctx.ws.extra_env = vec![
            ("TF_LOG_PROVIDER".into(), "debug".into()),
            ("TF_LOG_PATH".into(), log.display().to_string()),
        ];
        let out = ctx.ws.terraform(&[
            "apply",
            "-auto-approve",
            "-input=false",
            "-no-color",
            "-parallelism=10",
        ]);
        let text = output_text(&out);
        assert!(
            !text.contains("panicked"),
            "apply {applies}: the provider panicked:\n{text}"
        );
        let log_text = std::fs::read_to_string(&log).unwrap_or_default();
        let panics: Vec<&str> = log_text
            .lines()
            .filter(|l| l.contains("panicked"))
            .collect();
        assert!(
            panics.is_empty(),
            "apply {applies}: the provider panicked (its log):\n{}",
            panics.join("\n")
        );
        retries += count_log_lines(&log, "retrying API call");
        adoptions += count_log_lines(&log, "adopted");
        converged = out.status.success();
        if !converged {
            // Only the diagnostics: the plan before them is long.
            last_errors = text
                .find("Error: ")
                .map(|i| text[i..].chars().take(4000).collect())
                .unwrap_or_else(|| text.clone());
            // What the errors ask for, done as the user would: import the
            // objects a lost create may have made, then apply again.
            let asked = imports_asked_for(&text);
            println!(
                "faults: apply {applies} failed with {} error(s); importing {} as they ask",
                text.matches("Error: ").count(),
                asked.len()
            );
            for (address, id) in asked {
                let out = ctx
                    .ws
                    .terraform(&["import", "-input=false", "-no-color", &address, &id]);
                if out.status.success() {
                    imports += 1;
                }
            }
        }
    }
    ctx.ws.extra_env.clear();

    // What fired, then no more faults for the checks and the final plan.
    let faults = ctx.sim.admin("GET", "/faults", None);
    let requests = ctx.sim.stats()["total"].as_u64().unwrap();
    ctx.sim.admin("DELETE", "/faults", None);
    let mut fired: BTreeMap<&str, u64> = fault_kinds().iter().map(|k| (k.name, 0)).collect();
    for rule in faults["rules"].as_array().unwrap() {
        let index = rule["index"].as_u64().unwrap() as usize;
        *fired.get_mut(kind_of_rule[index]).unwrap() += rule["fired"].as_u64().unwrap();
    }

    let state = ctx.ws.state();
    let inventory = ctx.sim.state();
    let r = reconcile(&state, &inventory);
    let (code, plan_text) = ctx.ws.plan();

    let fired_text: Vec<String> = fired
        .iter()
        .map(|(k, n)| {
            format!(
                "{k}={n} ({:.1}%)",
                100.0 * *n as f64 / requests.max(1) as f64
            )
        })
        .collect();
    println!(
        "faults summary: resources={} requests={requests} share_per_kind={:.0}% fired: {} retries={retries} adoptions={adoptions} imports={imports} applies={applies} orphans={} duplicates={} missing={} final_plan_exit={code} elapsed={}s",
        r.resources,
        SHARE_PER_KIND * 100.0,
        fired_text.join(" "),
        r.orphans.len(),
        r.duplicates.len(),
        r.missing.len(),
        started.elapsed().as_secs()
    );

    assert!(converged, "still failing after {MAX_APPLIES} applies under faults; the last apply's errors:\n{last_errors}");
    assert_eq!(
        r.resources,
        expected_resources,
        "resources in state: {:?}",
        state.keys().collect::<Vec<_>>()
    );
    assert_eq!(state.len(), expected_resources);
    assert!(r.is_exact(), "state and simulator differ: {r:#?}");
    assert_eq!(
        code, 0,
        "a plan after converging (faults cleared) must be empty:\n{plan_text}"
    );
    for (kind, n) in &fired {
        assert!(
            *n >= 1,
            "fault kind {kind} never fired ({fired:?}); the test did not exercise it"
        );
    }
    assert!(
        retries >= 1,
        "the provider logged no \"retrying API call\" although {fired:?} faults fired"
    );
    ctx.destroy();
}

/// A destroy refused by the API: Terraform prints no address for a
/// destroy's error, so each names what it could not delete by its name as
/// well as its id; the objects stay in state, and the next destroy, without
/// the fault, finishes.
#[test]
fn a_failed_destroy_names_what_it_could_not_delete() {
    let ctx = Ctx::new();
    ctx.ws.write_config(
        "provider \"cftenant\" {\n  max_retries = 0\n}\n\
         terraform {\n  required_providers {\n    cftenant = { source = \"cftenant/cftenant\" }\n  }\n}\n\
         resource \"cftenant_account\" \"a\" {\n  name = \"Refused Destroy Co\"\n}\n\
         resource \"cftenant_zone\" \"z\" {\n  account_id = cftenant_account.a.id\n  name = \"refused-destroy.com\"\n}\n\
         resource \"cftenant_account_member\" \"m\" {\n  account_id = cftenant_account.a.id\n  email = \"ada@refused-destroy.com\"\n  roles = [\"05784afa30c1afe1440e79d9351c7430\"]\n}\n",
    );
    ctx.ws.apply();
    let zone = ctx.ws.id_of("cftenant_zone.z");
    let member = ctx.ws.id_of("cftenant_account_member.m");
    ctx.sim.faults(
        1,
        json!([
            {"method": "DELETE", "path": "/zones/{zone_id}", "action": "status", "status": 503},
            {"method": "DELETE", "path": "/accounts/{account_id}/members/{member_id}", "action": "status", "status": 503},
        ]),
    );
    let text = ctx.ws.fails(
        &["destroy", "-auto-approve", "-input=false", "-no-color"],
        &[
            &format!("Error deleting zone \"refused-destroy.com\" ({zone})"),
            &format!("Error removing member \"ada@refused-destroy.com\" ({member})"),
        ],
    );
    assert!(text.contains("503"), "{text}");
    assert_eq!(ctx.ws.state().len(), 3, "nothing was deleted");
    ctx.sim.admin("DELETE", "/faults", None);
    ctx.destroy();
}
