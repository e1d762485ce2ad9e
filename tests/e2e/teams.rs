//! Two teams, one tenant, one real PostgreSQL as their state backend: each
//! team's configuration (examples/teams/team-a and team-b) onboards its own
//! customer with the examples/modules/customer-onboarding module and keeps its
//! state in its own schema through Terraform's `pg` backend, which also locks
//! it against concurrent applies.

use crate::harness::*;
use crate::mirror::DebugBinaryMirror;
use crate::postgres::Postgres;
use serde_json::{json, Value as Json};
use std::collections::BTreeSet;
use std::path::Path;
use std::process::Output;
use std::time::{Duration, Instant};

const APPLY: &[&str] = &["apply", "-auto-approve", "-input=false", "-no-color"];

/// One person's checkout of the examples: examples/modules and
/// examples/teams/<team> copied into a workspace (so that the module's
/// relative source resolves), terraform run in teams/<team>.
struct Checkout {
    ws: Workspace,
    chdir: String,
}

impl Checkout {
    fn new(sim: &Sim, mirror: &DebugBinaryMirror, team: &str) -> Checkout {
        let mut ws = Workspace::new(sim);
        let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
        copy_tf_files(
            &examples.join("modules/customer-onboarding"),
            &ws.dir.path().join("modules/customer-onboarding"),
        );
        copy_tf_files(
            &examples.join("teams").join(team),
            &ws.dir.path().join("teams").join(team),
        );
        let cli_config = mirror.write_cli_config(ws.dir.path());
        ws.extra_env.push((
            "TF_CLI_CONFIG_FILE".into(),
            cli_config.display().to_string(),
        ));
        Checkout {
            ws,
            chdir: format!("-chdir=teams/{team}"),
        }
    }

    fn args<'a>(&'a self, args: &[&'a str]) -> Vec<&'a str> {
        std::iter::once(self.chdir.as_str())
            .chain(args.iter().copied())
            .collect()
    }

    fn terraform(&self, args: &[&str]) -> Output {
        self.ws.terraform(&self.args(args))
    }

    fn ok(&self, args: &[&str]) -> String {
        self.ws.ok(&self.args(args))
    }

    fn apply(&self) -> String {
        self.ok(APPLY)
    }

    fn assert_plan_empty(&self) {
        let out = self.terraform(&["plan", "-detailed-exitcode", "-input=false", "-no-color"]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}: expected an empty plan, got:\n{}",
            self.chdir,
            output_text(&out)
        );
    }

    fn state_list(&self) -> BTreeSet<String> {
        let out = self.terraform(&["state", "list"]);
        assert!(
            out.status.success(),
            "terraform state list failed:\n{}",
            output_text(&out)
        );
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(str::to_string)
            .collect()
    }

    /// The raw state document, as the backend stores it.
    fn state_pull(&self) -> Json {
        let out = self.terraform(&["state", "pull"]);
        assert!(
            out.status.success(),
            "terraform state pull failed:\n{}",
            output_text(&out)
        );
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "terraform state pull does not give JSON ({e}):\n{}",
                String::from_utf8_lossy(&out.stdout)
            )
        })
    }

    fn outputs(&self) -> Json {
        let out = self.terraform(&["output", "-json"]);
        assert!(
            out.status.success(),
            "terraform output failed:\n{}",
            output_text(&out)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    }

    /// Changes the team's configuration as a person would, in an editor.
    fn edit(&self, from: &str, to: &str) {
        let team = self.chdir.trim_start_matches("-chdir=");
        let path = self.ws.dir.path().join(team).join("main.tf");
        let hcl = std::fs::read_to_string(&path).unwrap();
        assert!(
            hcl.contains(from),
            "{} has no {from:?} to change",
            path.display()
        );
        std::fs::write(&path, hcl.replacen(from, to, 1)).unwrap();
    }
}

fn copy_tf_files(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    let mut copied = 0;
    for entry in std::fs::read_dir(from).unwrap_or_else(|e| panic!("{}: {e}", from.display())) {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "tf") {
            std::fs::copy(&path, to.join(path.file_name().unwrap())).unwrap();
            copied += 1;
        }
    }
    assert!(copied > 0, "no .tf files in {}", from.display());
}

/// What the simulator holds for the one account named `name`.
struct Customer {
    account: Json,
    zones: Vec<Json>,
    zone_subscriptions: Vec<Json>,
    members: Vec<Json>,
}

impl Customer {
    fn find(sim: &Sim, name: &str) -> Customer {
        let state = sim.state();
        let list = |kind: &str| state[kind].as_array().cloned().unwrap_or_default();
        let accounts: Vec<Json> = list("accounts")
            .into_iter()
            .filter(|a| a["name"] == name)
            .collect();
        assert_eq!(
            accounts.len(),
            1,
            "expected exactly one account named {name:?}, got {accounts:?}"
        );
        let account = accounts[0].clone();
        let zones: Vec<Json> = list("zones")
            .into_iter()
            .filter(|z| z["account"]["id"] == account["id"])
            .collect();
        let zone_ids: Vec<&Json> = zones.iter().map(|z| &z["id"]).collect();
        let zone_subscriptions = list("zone_subscriptions")
            .into_iter()
            .filter(|s| zone_ids.contains(&&s["zone_id"]))
            .collect();
        let members = list("members")
            .into_iter()
            .filter(|m| m["account_id"] == account["id"])
            .collect();
        Customer {
            account,
            zones,
            zone_subscriptions,
            members,
        }
    }

    /// Zone names, in order, duplicates kept (so that a duplicate shows).
    fn zone_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .zones
            .iter()
            .map(|z| z["name"].as_str().unwrap().to_string())
            .collect();
        names.sort();
        names
    }

    fn member_emails(&self) -> Vec<String> {
        let mut emails: Vec<String> = self
            .members
            .iter()
            .map(|m| m["email"].as_str().unwrap().to_string())
            .collect();
        emails.sort();
        emails
    }

    /// Every zone has exactly one subscription, on `plan` (the catalog id).
    fn assert_zones_on_plan(&self, plan: &str) {
        assert_eq!(
            self.zone_subscriptions.len(),
            self.zones.len(),
            "one subscription per zone: {:?}",
            self.zone_subscriptions
        );
        for s in &self.zone_subscriptions {
            assert_eq!(s["rate_plan"]["id"], plan, "{s}");
        }
    }

    fn assert_members_are_administrators(&self) {
        for m in &self.members {
            let roles: Vec<&Json> = m["roles"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| &r["id"])
                .collect();
            assert_eq!(
                roles,
                [ADMIN_ROLE],
                "{} should have the Administrator role only",
                m["email"]
            );
        }
    }
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// Waits until the simulator has started answering the request the delay
/// rule holds up, i.e. until the apply that made it is inside its lock.
fn wait_for_delayed_request(sim: &Sim, first_apply: &std::thread::ScopedJoinHandle<'_, Output>) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if sim.admin("GET", "/faults", None)["rules"][0]["fired"] == 1 {
            return;
        }
        assert!(
            !first_apply.is_finished(),
            "the first apply finished without making an API call"
        );
        assert!(
            Instant::now() < deadline,
            "the first apply made no API call within 60 s"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn two_teams_share_a_postgres_state_backend_with_locking() {
    let pg = Postgres::start();
    let sim = Sim::start(&[]);
    let mirror = DebugBinaryMirror::new();
    let units: Vec<Json> = sim.state()["tenant"]["tenant_units"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let unit_tag = |name: &str| {
        units
            .iter()
            .find(|u| u["unit_name"] == name)
            .unwrap_or_else(|| panic!("no unit {name:?} in {units:?}"))["unit_tag"]
            .clone()
    };

    // Team A passes the connection string at init, team B in PG_CONN_STR.
    let team_a = Checkout::new(&sim, &mirror, "team-a");
    let conn_str = format!("-backend-config=conn_str={}", pg.conn_str());
    let init = team_a.ok(&["init", "-input=false", "-no-color", &conn_str]);
    assert!(
        init.contains("Successfully configured the backend \"pg\""),
        "{init}"
    );
    let mut team_b = Checkout::new(&sim, &mirror, "team-b");
    team_b
        .ws
        .extra_env
        .push(("PG_CONN_STR".into(), pg.conn_str()));
    team_b.ok(&["init", "-input=false", "-no-color"]);

    let applied = team_a.apply();
    assert!(
        applied.contains("Apply complete! Resources: 6 added, 0 changed, 0 destroyed."),
        "{applied}"
    );
    let applied = team_b.apply();
    assert!(
        applied.contains("Apply complete! Resources: 5 added, 0 changed, 0 destroyed."),
        "{applied}"
    );
    team_a.assert_plan_empty();
    team_b.assert_plan_empty();

    // Each team's customer, as its inputs say.
    let acme = Customer::find(&sim, "Acme Retail");
    assert_eq!(acme.account["unit_tag"], unit_tag("Primary Unit"));
    assert_eq!(
        acme.zone_names(),
        strings(&["acme-retail.com", "acme-retail.shop"])
    );
    acme.assert_zones_on_plan("pro");
    assert_eq!(acme.member_emails(), strings(&["it@acme-retail.com"]));
    acme.assert_members_are_administrators();
    let globex = Customer::find(&sim, "Globex Logistics");
    assert_eq!(globex.account["unit_tag"], unit_tag("Secondary Unit"));
    assert_eq!(globex.zone_names(), strings(&["globex-logistics.com"]));
    globex.assert_zones_on_plan("business");
    assert_eq!(
        globex.member_emails(),
        strings(&["cto@globex-logistics.com", "ops@globex-logistics.com"])
    );
    globex.assert_members_are_administrators();

    // The module's outputs match what was created.
    let outputs = team_a.outputs();
    assert_eq!(outputs["account_id"]["value"], acme.account["id"]);
    for zone in &acme.zones {
        let name = zone["name"].as_str().unwrap();
        assert_eq!(
            outputs["zone_ids"]["value"][name], zone["id"],
            "zone_ids[{name}]"
        );
        assert_eq!(
            outputs["name_servers"]["value"][name], zone["name_servers"],
            "name_servers[{name}]"
        );
    }

    // Two states, one per schema: neither team sees the other's resources.
    let team_a_state = set(&[
        "data.cftenant_tenant.this",
        "module.acme_retail.cftenant_account.this",
        "module.acme_retail.cftenant_account_member.admin[\"it@acme-retail.com\"]",
        "module.acme_retail.cftenant_zone.this[\"acme-retail.com\"]",
        "module.acme_retail.cftenant_zone.this[\"acme-retail.shop\"]",
        "module.acme_retail.cftenant_zone_subscription.this[\"acme-retail.com\"]",
        "module.acme_retail.cftenant_zone_subscription.this[\"acme-retail.shop\"]",
        "module.acme_retail.data.cftenant_account_roles.this",
    ]);
    assert_eq!(team_a.state_list(), team_a_state);
    let team_b_state = set(&[
        "data.cftenant_tenant.this",
        "module.globex.cftenant_account.this",
        "module.globex.cftenant_account_member.admin[\"cto@globex-logistics.com\"]",
        "module.globex.cftenant_account_member.admin[\"ops@globex-logistics.com\"]",
        "module.globex.cftenant_zone.this[\"globex-logistics.com\"]",
        "module.globex.cftenant_zone_subscription.this[\"globex-logistics.com\"]",
        "module.globex.data.cftenant_account_roles.this",
    ]);
    assert_eq!(team_b.state_list(), team_b_state);
    let team_b_before = team_b.state_pull();

    // A colleague on team A, in their own checkout, sees the same state.
    let colleague = Checkout::new(&sim, &mirror, "team-a");
    colleague.ok(&["init", "-input=false", "-no-color", &conn_str]);
    colleague.assert_plan_empty();

    // Both add the same zone and apply at once. To make "at once" certain
    // rather than likely, the first apply's first API call (made once it
    // holds the lock) is held for 8 s, and the second starts meanwhile.
    for checkout in [&team_a, &colleague] {
        checkout.edit(
            "zones         = [\"acme-retail.com\", \"acme-retail.shop\"]",
            "zones         = [\"acme-retail.com\", \"acme-retail.shop\", \"acme-retail.org\"]",
        );
    }
    let before = team_a.state_pull();
    let hold_first_call =
        json!({"method": "*", "path": "*", "action": "delay", "delay_ms": 8000, "count": 1});
    sim.admin(
        "POST",
        "/faults",
        Some(json!({ "rules": [hold_first_call] })),
    );
    let apply_without_waiting: Vec<&str> =
        APPLY.iter().copied().chain(["-lock-timeout=0s"]).collect();
    let (first, second) = std::thread::scope(|s| {
        let first = s.spawn(|| team_a.terraform(&apply_without_waiting));
        wait_for_delayed_request(&sim, &first);
        let second = colleague.terraform(&apply_without_waiting);
        (first.join().unwrap(), second)
    });
    sim.admin("DELETE", "/faults", None);
    let (first, second) = (output_text(&first), output_text(&second));
    assert!(
        first.contains("Apply complete! Resources: 2 added, 0 changed, 0 destroyed."),
        "the first apply should go ahead:\n{first}"
    );
    assert!(
        second.contains("Error acquiring the state lock"),
        "the second apply should be refused the lock:\n{second}"
    );
    assert!(!second.contains("Apply complete!"), "{second}");

    // The state in PostgreSQL is whole: one new serial, same lineage, every
    // resource, and both checkouts agree with the API.
    let after = team_a.state_pull();
    assert_eq!(after["lineage"], before["lineage"]);
    assert!(
        after["serial"].as_u64() > before["serial"].as_u64(),
        "serial {} → {}",
        before["serial"],
        after["serial"]
    );
    let mut grown = team_a_state.clone();
    grown.extend(set(&[
        "module.acme_retail.cftenant_zone.this[\"acme-retail.org\"]",
        "module.acme_retail.cftenant_zone_subscription.this[\"acme-retail.org\"]",
    ]));
    assert_eq!(team_a.state_list(), grown);
    assert_eq!(colleague.state_list(), grown);
    colleague.assert_plan_empty();
    team_a.assert_plan_empty();
    // Nothing created twice, nothing lost.
    let acme = Customer::find(&sim, "Acme Retail");
    assert_eq!(
        acme.zone_names(),
        strings(&["acme-retail.com", "acme-retail.org", "acme-retail.shop"])
    );
    acme.assert_zones_on_plan("pro");
    assert_eq!(acme.member_emails(), strings(&["it@acme-retail.com"]));
    // Team B's state, in its own schema, is as it was.
    let team_b_after = team_b.state_pull();
    for key in ["serial", "lineage", "resources"] {
        assert!(
            team_b_after[key] == team_b_before[key],
            "team B's state {key} changed with team A's apply"
        );
    }

    let destroyed = colleague.ok(&["destroy", "-auto-approve", "-input=false", "-no-color"]);
    assert!(
        destroyed.contains("Destroy complete! Resources: 8 destroyed."),
        "{destroyed}"
    );
    let destroyed = team_b.ok(&["destroy", "-auto-approve", "-input=false", "-no-color"]);
    assert!(
        destroyed.contains("Destroy complete! Resources: 5 destroyed."),
        "{destroyed}"
    );
    for checkout in [&team_a, &team_b] {
        let left = checkout.state_list();
        assert!(
            left.is_empty(),
            "{}: left in state: {left:?}",
            checkout.chdir
        );
    }
    for kind in ["accounts", "members", "zones", "zone_subscriptions"] {
        assert!(
            sim.objects(kind).is_empty(),
            "{kind} left in the simulator: {:?}",
            sim.objects(kind)
        );
    }
}
