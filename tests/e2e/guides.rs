//! The guides in docs/guides/ run as users would run them: their
//! `terraform` blocks, in order, are one configuration, applied against the
//! simulator (or, for the `cloudflare` provider's half of the migration,
//! which cannot be installed offline, checked as formatted HCL).

use crate::harness::*;
use cftenant_testing::OBSERVED;
use serde_json::json;
use std::path::Path;

/// The `terraform` code blocks of a guide: one configuration, in order.
fn blocks(guide: &str) -> Vec<String> {
    fenced(guide, "terraform")
}

/// The code blocks of a guide fenced as `lang`.
fn fenced(guide: &str, lang: &str) -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("docs/guides")
        .join(guide);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        match (&mut current, line.trim_end()) {
            (None, fence) if fence.strip_prefix("```") == Some(lang) => {
                current = Some(String::new())
            }
            (Some(block), "```") => {
                blocks.push(std::mem::take(block));
                current = None;
            }
            (Some(block), line) => {
                block.push_str(line);
                block.push('\n');
            }
            (None, _) => {}
        }
    }
    assert!(current.is_none(), "{guide}: a code block is not closed");
    assert!(!blocks.is_empty(), "{guide}: no {lang} blocks");
    blocks
}

/// Runs with the tenant administrator's email and global key against a
/// simulator enforcing the definition's schemes, as the guides advise.
fn with_global_key(dialect: &[&str]) -> Ctx {
    let mut args = vec!["--strict-auth", "--allow-auto-accept-invites"];
    args.extend(dialect);
    let mut ctx = Ctx::with_sim_args(&args);
    ctx.ws.use_global_key();
    ctx
}

fn plan_summary(text: &str) -> &str {
    text.find("Plan: ")
        .map(|i| text[i..].split('.').next().unwrap_or_default())
        .unwrap_or("no plan line")
}

#[test]
fn the_onboarding_guide_onboards_a_customer() {
    onboarding_guide(&[]);
}

/// Against the simulator's observed dialect: the shapes the live API was
/// recorded answering in.
#[test]
fn the_onboarding_guide_onboards_a_customer_as_recorded() {
    onboarding_guide(OBSERVED);
}

fn onboarding_guide(dialect: &[&str]) {
    let mut ctx = with_global_key(dialect);
    ctx.set_var("tenant_id", TENANT);
    ctx.set_var(
        "customer",
        r#"{ name = "Guide Customer", domain = "guide-customer.com", admins = ["ada@guide-customer.com", "grace@guide-customer.com"] }"#,
    );
    ctx.ws.write_config(&blocks("onboarding.md").concat());
    ctx.ws.apply();
    ctx.ws.assert_plan_empty();

    let account = &ctx.sim.objects("accounts")[0];
    assert_eq!(account["name"], "Guide Customer");
    assert_eq!(account["profile"]["business_name"], "Guide Customer Ltd");
    assert_eq!(
        account["settings"]["abuse_contact_email"],
        "ada@guide-customer.com"
    );
    let members = ctx.sim.objects("members");
    assert_eq!(
        members.len(),
        3,
        "two administrators and the automation user"
    );
    assert!(members.iter().all(|m| m["roles"][0]["id"] == ADMIN_ROLE));
    let automation = members
        .iter()
        .find(|m| m["email"].as_str().unwrap().starts_with("automation-"))
        .unwrap();
    assert_eq!(automation["status"], "accepted", "the tenant allows it");
    let sub = &ctx.sim.objects("zone_subscriptions")[0];
    assert_eq!(sub["rate_plan"]["id"], "business");
    assert!(sub["component_values"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["name"] == "page_rules" && c["value"] == 60));
    let addon = &ctx.sim.objects("account_subscriptions")[0];
    assert_eq!(addon["rate_plan"]["id"], "TEAMS_STANDARD");
    assert_eq!(addon["component_values"][0]["value"], 75);
    let outputs = ctx.ws.outputs();
    assert!(!outputs["name_servers"]["value"]
        .as_array()
        .unwrap()
        .is_empty());
    assert_eq!(outputs["automation_api_key"]["sensitive"], true);
    ctx.destroy();
}

#[test]
fn the_adoption_guide_imports_every_account_and_changes_nothing() {
    adoption_guide(&[]);
}

/// Against the simulator's observed dialect: the shapes the live API was
/// recorded answering in.
#[test]
fn the_adoption_guide_imports_every_account_and_changes_nothing_as_recorded() {
    adoption_guide(OBSERVED);
}

fn adoption_guide(dialect: &[&str]) {
    let mut ctx = with_global_key(dialect);
    let key =
        cftenant_testing::Auth::Key(cftenant_testing::ADMIN_EMAIL, cftenant_testing::ADMIN_KEY);
    let mut made = Vec::new();
    for (name, account_type) in [
        ("Legacy One", "standard"),
        ("Legacy Two", "enterprise"),
        ("Legacy Three", "standard"),
    ] {
        // Every optional attribute set, as a customer's account has them:
        // the guide leaves them out, and the adoption must keep them.
        let r = ctx.sim.call_as(
            key,
            "POST",
            "/accounts",
            Some(json!({
                "name": name,
                "type": account_type,
                "business_name": format!("{name} Ltd"),
                "business_address": "1 Legacy Street",
                "business_email": "billing@legacy-example.com",
                "business_phone": "+1 555 0100",
                "external_metadata": "crm-4711",
            })),
        );
        let id = r.assert_ok()["id"].as_str().unwrap().to_string();
        ctx.sim
            .call_as(
                key,
                "PUT",
                &format!("/accounts/{id}"),
                Some(json!({
                    "id": id,
                    "name": name,
                    "type": account_type,
                    "settings": {"enforce_twofactor": true, "abuse_contact_email": "abuse@legacy-example.com"},
                })),
            )
            .assert_ok();
        made.push(id);
    }
    ctx.set_var("tenant_id", TENANT);
    ctx.ws
        .write_config(&blocks("adopting-a-tenant.md").concat());
    let (code, text) = ctx.ws.plan();
    assert_eq!(code, 2, "{text}");
    assert_eq!(
        plan_summary(&text),
        "Plan: 3 to import, 0 to add, 0 to change, 0 to destroy",
        "{text}"
    );
    ctx.ws.apply();
    ctx.ws.assert_plan_empty();
    let state = ctx.ws.state();
    for id in &made {
        let address = format!("cftenant_account.customer[\"{id}\"]");
        let account = &state[&address];
        assert_eq!(account["id"], id.as_str());
        assert!(
            account["business_name"].as_str().unwrap().ends_with("Ltd"),
            "{account}"
        );
    }
    assert_eq!(ctx.sim.objects("accounts").len(), 3, "nothing created");
    for account in ctx.sim.objects("accounts") {
        assert_eq!(
            account["settings"]["abuse_contact_email"], "abuse@legacy-example.com",
            "the abuse contact is kept"
        );
        assert_eq!(account["settings"]["enforce_twofactor"], true);
        assert_eq!(account["profile"]["external_metadata"], "crm-4711");
    }

    // The guide's -generate-config-out for what has no resource block yet.
    let zone = ctx.sim.call_as(
        key,
        "POST",
        "/zones",
        Some(json!({ "name": "legacy-example.com", "account": { "id": made[0] } })),
    );
    let zone_id = zone.assert_ok()["id"].as_str().unwrap().to_string();
    let config = format!(
        "{}\nimport {{\n  to = cftenant_zone.legacy\n  id = \"{zone_id}\"\n}}\n",
        blocks("adopting-a-tenant.md").concat()
    );
    ctx.ws.write_config(&config);
    ctx.ws.ok(&[
        "plan",
        "-input=false",
        "-no-color",
        "-generate-config-out=generated.tf",
    ]);
    let generated = std::fs::read_to_string(ctx.ws.dir.path().join("generated.tf")).unwrap();
    assert!(
        generated.contains("resource \"cftenant_zone\" \"legacy\""),
        "{generated}"
    );
    let (code, text) = ctx.ws.plan();
    assert_eq!(code, 2, "{text}");
    assert_eq!(
        plan_summary(&text),
        "Plan: 1 to import, 0 to add, 0 to change, 0 to destroy",
        "the generated block describes the zone as it is:\n{text}"
    );
    ctx.ws.apply();
    ctx.ws.assert_plan_empty();
    assert_eq!(ctx.sim.objects("zones").len(), 1);
    ctx.destroy();
}

#[test]
fn the_migration_guide_imports_what_the_cloudflare_provider_made() {
    migration_guide(&[]);
}

/// Against the simulator's observed dialect: the shapes the live API was
/// recorded answering in.
#[test]
fn the_migration_guide_imports_what_the_cloudflare_provider_made_as_recorded() {
    migration_guide(OBSERVED);
}

fn migration_guide(dialect: &[&str]) {
    let blocks = blocks("migrating-from-cloudflare.md");
    let (forget, import): (Vec<&String>, Vec<&String>) =
        blocks.iter().partition(|b| b.contains("removed {"));
    // The `cloudflare` half: well-formed, as terraform fmt writes it.
    assert!(!forget.is_empty());
    let ctx = with_global_key(dialect);
    for block in &forget {
        ctx.ws.write_config(block);
        let out = ctx.ws.terraform(&["fmt", "-check", "-no-color"]);
        assert!(
            out.status.success(),
            "not formatted as terraform fmt would:\n{block}"
        );
    }
    // What the cloudflare provider had made, on the API.
    let key =
        cftenant_testing::Auth::Key(cftenant_testing::ADMIN_EMAIL, cftenant_testing::ADMIN_KEY);
    let account = ctx.sim.call_as(
        key,
        "POST",
        "/accounts",
        Some(json!({ "name": "Moved Customer" })),
    );
    let account = account.assert_ok()["id"].as_str().unwrap().to_string();
    let member = ctx.sim.call_as(
        key,
        "POST",
        &format!("/accounts/{account}/members"),
        Some(json!({ "email": "admin@moved-customer.com", "roles": [ADMIN_ROLE] })),
    );
    let member = member.assert_ok()["id"].as_str().unwrap().to_string();
    let zone = ctx.sim.call_as(
        key,
        "POST",
        "/zones",
        Some(json!({ "name": "moved-customer.com", "account": { "id": account } })),
    );
    let zone = zone.assert_ok()["id"].as_str().unwrap().to_string();
    ctx.sim
        .call_as(
            key,
            "POST",
            &format!("/zones/{zone}/subscription"),
            Some(json!({ "rate_plan": { "id": "PARTNERS_BIZ" } })),
        )
        .assert_ok();
    let mut ctx = ctx;
    ctx.set_var("account_id", &account);
    ctx.set_var("member_id", &member);
    ctx.set_var("zone_id", &zone);
    ctx.ws
        .write_config(&import.iter().map(|b| b.as_str()).collect::<String>());
    let (code, text) = ctx.ws.plan();
    assert_eq!(code, 2, "{text}");
    assert_eq!(
        plan_summary(&text),
        "Plan: 4 to import, 0 to add, 0 to change, 0 to destroy",
        "{text}"
    );
    ctx.ws.apply();
    ctx.ws.assert_plan_empty();
    assert_eq!(
        ctx.ws.resource("cftenant_account.customer")["id"],
        account.as_str()
    );
    assert_eq!(
        ctx.ws.resource("cftenant_zone.customer")["id"],
        zone.as_str()
    );
    ctx.destroy();
}

/// The customer's provider is configured from a service user the same
/// configuration creates: the first plan is made without it, the apply
/// configures it, the zone is made through it, and the next plan is empty.
#[test]
fn the_service_user_guide_manages_zones_as_the_customers_own_user() {
    let mut ctx = with_global_key(&[]);
    ctx.set_var(
        "customer",
        r#"{ key = "acme", name = "Acme", domain = "acme-guide.com" }"#,
    );
    ctx.ws
        .write_config(&blocks("one-service-user-per-customer.md").concat());
    let (code, plan) = ctx.ws.plan();
    assert_eq!(code, 2, "{plan}");
    assert!(
        plan.contains("Provider configuration not known yet"),
        "the first plan says it is made without the customer's provider:\n{plan}"
    );
    ctx.ws.apply();
    ctx.ws.assert_plan_empty();
    let users = ctx.sim.objects("users");
    let automation = users
        .iter()
        .find(|u| u["email"] == "automation-acme@partner-example.com")
        .expect("the service user");
    let zone = &ctx.sim.objects("zones")[0];
    assert_eq!(zone["name"], "acme-guide.com");
    let callers = &ctx.sim.stats()["callers"];
    let by_user = callers[format!("service user {}", automation["id"].as_str().unwrap())]
        .as_u64()
        .unwrap_or(0);
    assert!(
        by_user > 0,
        "the zone was made through the customer's own service user: {callers}"
    );
    assert_eq!(
        ctx.sim.objects("zone_subscriptions")[0]["rate_plan"]["id"],
        "pro"
    );
    ctx.destroy();
    assert!(ctx.sim.objects("zones").is_empty());
}

/// Section 4 of the service-user guide as its files: the tenant state, the
/// customer module and one group's state, each a directory of its own, run
/// as "Run it" says (the provider comes from the CLI configuration, so the
/// customer state only fetches its module). The customer's zone is made
/// through its own service user, both states then plan empty, and
/// destroying the customer state, then the tenant state, leaves only the
/// service users.
#[test]
fn the_service_user_guide_splits_the_estate_into_states_that_run_as_written() {
    let ctx = with_global_key(&[]);
    let files = fenced("one-service-user-per-customer.md", "hcl");
    let [tenant, module, group] = files.as_slice() else {
        panic!("section 4 has the tenant state, the module and a group's state: {files:?}");
    };
    for (dir, hcl) in [
        ("tenant", tenant),
        ("modules/customer", module),
        ("customers/group-00", group),
    ] {
        let dir = ctx.ws.dir.path().join(dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("main.tf"), hcl).unwrap();
    }
    let args = |dir: &str, command: &[&str]| -> Vec<String> {
        let mut args = vec![format!("-chdir={dir}")];
        args.extend(command.iter().map(|a| a.to_string()));
        args.extend(["-input=false".into(), "-no-color".into()]);
        args
    };
    let run = |dir: &str, command: &[&str]| {
        let args = args(dir, command);
        ctx.ws
            .ok(&args.iter().map(String::as_str).collect::<Vec<_>>())
    };
    let plan_is_empty = |dir: &str| {
        let args = args(dir, &["plan", "-detailed-exitcode"]);
        let out = ctx
            .ws
            .terraform(&args.iter().map(String::as_str).collect::<Vec<_>>());
        assert_eq!(out.status.code(), Some(0), "{dir}: {}", output_text(&out));
    };

    run("tenant", &["apply", "-auto-approve"]);
    plan_is_empty("tenant");
    let out = ctx.ws.json(&["-chdir=tenant", "output", "-json"]);
    let acme = |output: &str| out[output]["value"]["acme"].clone();
    std::fs::write(
        ctx.ws
            .dir
            .path()
            .join("customers/group-00/terraform.tfvars.json"),
        json!({"customers": {"acme": acme("customers")}, "api_keys": {"acme": acme("api_keys")}})
            .to_string(),
    )
    .unwrap();
    ctx.ws
        .ok(&["-chdir=customers/group-00", "get", "-no-color"]);
    run("customers/group-00", &["apply", "-auto-approve"]);
    plan_is_empty("customers/group-00");

    let zones = ctx.sim.objects("zones");
    assert_eq!(zones.len(), 1, "{zones:?}");
    assert_eq!(zones[0]["name"], "acme-example.com");
    assert_eq!(zones[0]["account"]["id"], acme("customers")["account_id"]);
    let users = ctx.sim.objects("users");
    let automation = users
        .iter()
        .find(|u| u["email"] == "automation-acme@partner-example.com")
        .expect("acme's service user");
    let callers = &ctx.sim.stats()["callers"];
    let by_user = &callers[format!("service user {}", automation["id"].as_str().unwrap())];
    assert!(
        by_user.as_u64().is_some_and(|n| n > 0),
        "the customer state acts as acme's service user: {callers}"
    );

    run("customers/group-00", &["destroy", "-auto-approve"]);
    run("tenant", &["destroy", "-auto-approve"]);
    for kind in ["accounts", "zones", "members"] {
        assert_eq!(
            ctx.sim.objects(kind),
            Vec::<serde_json::Value>::new(),
            "{kind}"
        );
    }
    assert_eq!(ctx.sim.objects("users").len(), 2, "the service users stay");
}
