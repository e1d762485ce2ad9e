//! The examples users copy: every one validates, and the quickstart — the
//! whole onboarding walk-through — applies, re-plans empty and destroys.

use crate::harness::*;
use std::path::{Path, PathBuf};

fn example_dirs() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut dirs = vec![root.join("provider"), root.join("quickstart")];
    for group in ["resources", "data-sources"] {
        for entry in std::fs::read_dir(root.join(group)).unwrap() {
            dirs.push(entry.unwrap().path());
        }
    }
    dirs.sort();
    dirs
}

#[test]
fn every_example_validates() {
    let ctx = Ctx::new();
    let dirs = example_dirs();
    // Every resource and data source the provider registers has its examples.
    let plugin = cftenant::provider::CftenantProvider::plugin();
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    for r in plugin.resources.keys() {
        let dir = examples.join("resources").join(r);
        assert!(
            dir.join("resource.tf").is_file() && dir.join("import.sh").is_file(),
            "{r} needs examples/resources/{r}/resource.tf and import.sh"
        );
    }
    for d in plugin.data_sources.keys() {
        assert!(
            examples
                .join("data-sources")
                .join(d)
                .join("data-source.tf")
                .is_file(),
            "{d} needs examples/data-sources/{d}/data-source.tf"
        );
    }
    for dir in &dirs {
        ctx.ws.use_dir(dir);
        let out = ctx.ws.terraform(&["validate", "-no-color"]);
        let text = output_text(&out);
        assert!(
            out.status.success(),
            "{} does not validate:\n{text}",
            dir.display()
        );
        assert!(
            text.contains("The configuration is valid"),
            "{}: {text}",
            dir.display()
        );
    }
    assert!(
        dirs.len() >= 14,
        "expected every resource and data source to have an example, found {}",
        dirs.len()
    );
}

#[test]
fn quickstart_onboards_a_customer_end_to_end() {
    quickstart(&[]);
}

/// Against the simulator's observed dialect: the shapes the live API was
/// recorded answering in.
#[test]
fn quickstart_onboards_a_customer_end_to_end_as_recorded() {
    quickstart(cftenant_testing::OBSERVED);
}

fn quickstart(dialect: &[&str]) {
    let ctx = Ctx::with_sim_args(dialect);
    ctx.ws
        .use_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/quickstart"));
    ctx.ws.apply();
    ctx.ws.assert_plan_empty();
    let out = ctx.ws.outputs();
    let account_id = out["account_id"]["value"].as_str().unwrap();
    let account = ctx.sim.api("GET", &format!("/accounts/{account_id}"), None);
    assert_eq!(account["name"], "Example Customer");
    let profile = ctx
        .sim
        .api("GET", &format!("/accounts/{account_id}/profile"), None);
    assert_eq!(profile["business_name"], "Example Customer Ltd");
    let members = ctx.sim.objects("members");
    assert_eq!(members.len(), 2);
    for m in &members {
        assert_eq!(
            m["roles"][0]["id"], ADMIN_ROLE,
            "Administrator looked up by name"
        );
    }
    let zone_id = out["zone_id"]["value"].as_str().unwrap();
    let sub = ctx
        .sim
        .api("GET", &format!("/zones/{zone_id}/subscription"), None);
    assert_eq!(sub["rate_plan"]["id"], "business");
    assert_eq!(sub["component_values"][0]["name"], "page_rules");
    assert_eq!(sub["component_values"][0]["value"], 50);
    assert_eq!(ctx.sim.objects("account_subscriptions").len(), 1);
    assert_eq!(ctx.sim.objects("users").len(), 1);
    let destroyed = ctx
        .ws
        .ok(&["destroy", "-auto-approve", "-input=false", "-no-color"]);
    assert!(
        destroyed.contains("Destroy complete! Resources: 7 destroyed."),
        "{destroyed}"
    );
    for kind in [
        "accounts",
        "members",
        "zones",
        "zone_subscriptions",
        "account_subscriptions",
    ] {
        assert!(
            ctx.sim.objects(kind).is_empty(),
            "{kind} left after destroy"
        );
    }
}

/// The quickstart as the README recommends running it for tenant
/// provisioning: with the tenant administrator's email and global API key,
/// against a simulator that enforces the definition's authentication
/// schemes. With an API token instead, the refusal says what to configure.
#[test]
fn quickstart_with_the_global_key_under_strict_authentication() {
    let mut ctx = Ctx::with_sim_args(&["--strict-auth"]);
    ctx.ws
        .use_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/quickstart"));
    let (code, text) = ctx.ws.plan();
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains("documents this endpoint for the global API key"),
        "{text}"
    );
    assert!(
        text.contains("from `CLOUDFLARE_API_TOKEN`")
            && text.contains("CFTENANT_EMAIL and CFTENANT_API_KEY"),
        "{text}"
    );
    ctx.ws.use_global_key();
    ctx.ws.apply();
    ctx.ws.assert_plan_empty();
    assert_eq!(ctx.sim.objects("accounts").len(), 1);
    assert_eq!(ctx.sim.objects("members").len(), 2);
    assert_eq!(ctx.sim.objects("zones").len(), 1);
    ctx.destroy();
}
