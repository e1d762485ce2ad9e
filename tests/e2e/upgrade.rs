//! Upgrades keep state: a state written by an earlier release (and the
//! simulator's state of the same moment), read by this provider, plans
//! empty, applies as a no-op, and destroys. One fixture per release, in
//! testdata/upgrade/<version>/, made by applying its main.tf with that
//! release's provider and simulator (`--state`).

use crate::harness::*;
use std::path::Path;

fn fixture(version: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/e2e/testdata/upgrade")
        .join(version)
}

#[test]
fn state_from_release_0_1_0_plans_empty() {
    state_from_release_plans_empty("0.1.0", 6, &[]);
}

/// 0.3.0 changed the schema of an account's and a zone's type (no default),
/// a nameserver's set and an account's abuse contact (kept when removed).
#[test]
fn state_from_release_0_2_0_plans_empty() {
    // The simulator now follows the records (a partial zone has no
    // Cloudflare nameservers): a computed value the API changed, read back.
    state_from_release_plans_empty("0.2.0", 10, &[("cftenant_zone.cname", "name_servers")]);
}

/// `moved`: computed attributes whose value the API itself changed since
/// the fixture was written, read back by the apply.
fn state_from_release_plans_empty(version: &str, resources: usize, moved: &[(&str, &str)]) {
    let from = fixture(version);
    let work = tempfile::tempdir().unwrap();
    let sim_state = work.path().join("sim-state.json");
    std::fs::copy(from.join("sim-state.json"), &sim_state).unwrap();
    let sim = Sim::start(&["--state", sim_state.to_str().unwrap()]);
    let ws = Workspace::new(&sim);
    ws.use_dir(&from);
    std::fs::copy(
        from.join("terraform.tfstate"),
        ws.dir.path().join("terraform.tfstate"),
    )
    .unwrap();
    let before = ws.state();
    assert_eq!(before.len(), resources, "{:?}", before.keys());
    let held = attributes_held(&from);
    for args in [
        &[
            "plan",
            "-refresh=false",
            "-detailed-exitcode",
            "-input=false",
            "-no-color",
        ][..],
        &["plan", "-detailed-exitcode", "-input=false", "-no-color"][..],
    ] {
        let out = ws.terraform(args);
        assert_eq!(
            out.status.code(),
            Some(0),
            "`terraform {}` after the upgrade is not empty:\n{}",
            args.join(" "),
            output_text(&out)
        );
    }
    ws.apply();
    let after = ws.state();
    let plugin = cftenant::provider::CftenantProvider::plugin();
    for (address, old) in &before {
        let new = &after[address];
        let resource_type = address.split('.').next().unwrap();
        let schema = plugin.resources[resource_type].schema();
        for (attribute, value) in old.as_object().unwrap() {
            // What this release deprecated may be emptied; nothing else moves.
            let deprecated = schema
                .attributes
                .iter()
                .any(|a| a.name == *attribute && a.deprecated);
            // An attribute added since (computed) reads in from the API.
            let added = !held.contains(&(address.clone(), attribute.clone()));
            if !deprecated && !added && !moved.contains(&(address.as_str(), attribute.as_str())) {
                assert_eq!(
                    &new[attribute], value,
                    "{address}.{attribute} changed in the upgrade"
                );
            }
        }
    }
    destroy_and_check(&ws, &sim);
    assert!(sim.objects("accounts").is_empty());
}

/// The attributes the release's own state file holds, by resource address:
/// those an upgrade must keep.
fn attributes_held(fixture: &Path) -> std::collections::BTreeSet<(String, String)> {
    let text = std::fs::read_to_string(fixture.join("terraform.tfstate")).unwrap();
    let state: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut held = std::collections::BTreeSet::new();
    for r in state["resources"].as_array().unwrap() {
        let address = format!(
            "{}.{}",
            r["type"].as_str().unwrap(),
            r["name"].as_str().unwrap()
        );
        for instance in r["instances"].as_array().unwrap() {
            for attribute in instance["attributes"].as_object().unwrap().keys() {
                held.insert((address.clone(), attribute.clone()));
            }
        }
    }
    held
}
