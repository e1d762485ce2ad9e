//! `cftenant_zone_subscription` end to end, including the API's read-back
//! quirks: normalised plan ids, `not-applicable` frequency, 1207 for free.

use crate::harness::*;
use serde_json::json;

const MAIN: &str = "cftenant_zone_subscription.main";

/// `testdata/zone_subscription/main.tf`, on the terms set by the variables.
const CONFIG: &str = "zone_subscription/main.tf";

/// Business with 60 page rules, monthly (the frequency left to its default).
const BIZ: &[(&str, &str)] = &[
    ("rate_plan_id", "PARTNERS_BIZ"),
    ("frequency", "null"),
    (
        "component_values",
        r#"[{ name = "page_rules", value = 60 }]"#,
    ),
];
/// No component_values: the plan's default quantities.
const BIZ_DEFAULTS: &[(&str, &str)] = &[
    ("rate_plan_id", "PARTNERS_BIZ"),
    ("frequency", "null"),
    ("component_values", "null"),
];
/// The Tenant guide's own spelling of "yearly".
const BIZ_ANNUAL: &[(&str, &str)] = &[
    ("rate_plan_id", "PARTNERS_BIZ"),
    ("frequency", "annual"),
    (
        "component_values",
        r#"[{ name = "page_rules", value = 60 }]"#,
    ),
];
const ENT: &[(&str, &str)] = &[
    ("rate_plan_id", "partners_ent"),
    ("frequency", "monthly"),
    ("component_values", "null"),
];
const FREE: &[(&str, &str)] = &[
    ("rate_plan_id", "PARTNERS_FREE"),
    ("frequency", "monthly"),
    ("component_values", "null"),
];

fn zone_id(ctx: &Ctx) -> String {
    ctx.ws.resource("cftenant_zone.main")["id"]
        .as_str()
        .unwrap()
        .to_string()
}

/// One component of a subscription as the API reports it.
fn component<'a>(api: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    api["component_values"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["name"] == name))
        .unwrap_or_else(|| panic!("no component {name}: {api}"))
}

fn subscription(ctx: &Ctx) -> serde_json::Value {
    let zid = zone_id(ctx);
    ctx.sim
        .objects("zone_subscriptions")
        .into_iter()
        .find(|s| s["zone_id"] == zid.as_str())
        .unwrap_or_else(|| panic!("no subscription for zone {zid}"))
}

#[test]
fn zone_subscription_lifecycle() {
    run(vec![
        Step::Vars(BIZ),
        Step::Apply(
            CONFIG,
            check(|ctx| {
                let api = subscription(ctx);
                assert_eq!(
                    api["rate_plan"]["id"], "business",
                    "the simulator normalises plan ids like the API"
                );
                let state = ctx.ws.resource("cftenant_zone_subscription.main");
                assert_eq!(state["rate_plan_id"], "PARTNERS_BIZ");
                assert_eq!(state["frequency"], "monthly");
                assert_eq!(state["price"], api["price"]);
                assert_eq!(state["currency"], "USD");
                assert_eq!(state["state"], api["state"]);
                assert_eq!(state["current_period_end"], api["current_period_end"]);
                assert_eq!(state["component_values"][0]["value"], 60);
                assert_eq!(component(&api, "page_rules")["value"], 60);
                assert_eq!(state["id"], zone_id(ctx).as_str());
            }),
        ),
        // Removing component_values returns the zone to the plan's default
        // quantities on the API, and stops paying for the extra page rules.
        Step::Vars(BIZ_DEFAULTS),
        Step::Apply(
            CONFIG,
            check(|ctx| {
                let api = subscription(ctx);
                let page_rules = component(&api, "page_rules");
                assert_eq!(page_rules["value"], page_rules["default"], "{api}");
                assert_eq!(api["price"], 200, "no extra page rules paid for: {api}");
                let state = ctx.ws.resource("cftenant_zone_subscription.main");
                assert!(state["component_values"].is_null(), "{state}");
                assert_eq!(state["price"], 200);
            }),
        ),
        // The extra bought outside Terraform shows, and goes again.
        Step::OutOfBand(check(|ctx| {
            ctx.sim.api(
                "PUT",
                &format!("/zones/{}/subscription", zone_id(ctx)),
                Some(serde_json::json!({"rate_plan": {"id": "PARTNERS_BIZ"}, "component_values": [{"name": "page_rules", "value": 70}]})),
            );
        })),
        Step::Plans(
            vec![planned(MAIN, "update").attr(
                "component_values",
                json!([{"name": "page_rules", "value": 70}]),
                json!(null),
            )],
            (0, 1, 0),
        ),
        // The Tenant guide's `annual` is `yearly`, and no diff between them.
        Step::Vars(BIZ_ANNUAL),
        Step::Apply(
            CONFIG,
            check(|ctx| {
                let api = subscription(ctx);
                assert_eq!(api["frequency"], "yearly");
                assert_eq!(component(&api, "page_rules")["value"], 60);
                let state = ctx.ws.resource("cftenant_zone_subscription.main");
                assert_eq!(state["frequency"], "annual");
                ctx.set_var("frequency", "yearly");
                ctx.ws.assert_plan_empty();
            }),
        ),
        // Enterprise reads back as `enterprise` with frequency `not-applicable`: no diff.
        Step::Vars(ENT),
        Step::Apply(
            CONFIG,
            check(|ctx| {
                let api = subscription(ctx);
                assert_eq!(api["rate_plan"]["id"], "enterprise");
                assert_eq!(api["frequency"], "not-applicable");
                let state = ctx.ws.resource("cftenant_zone_subscription.main");
                assert_eq!(state["rate_plan_id"], "partners_ent");
                assert_eq!(state["frequency"], "monthly");
            }),
        ),
        // Changed outside Terraform: an in-place update back, not a
        // re-create. The plan shows what Cloudflare holds, in its own words.
        Step::OutOfBand(check(|ctx| {
            ctx.sim.api("PUT", &format!("/zones/{}/subscription", zone_id(ctx)), Some(serde_json::json!({"rate_plan": {"id": "PARTNERS_PRO"}, "frequency": "monthly"})));
        })),
        Step::Plans(
            vec![planned(MAIN, "update").attr("rate_plan_id", json!("pro"), json!("partners_ent"))],
            (0, 1, 0),
        ),
        Step::Vars(FREE),
        Step::Apply(
            CONFIG,
            check(|ctx| assert_eq!(subscription(ctx)["rate_plan"]["id"], "free")),
        ),
        Step::Vars(BIZ),
        Step::Apply(
            CONFIG,
            check(|ctx| {
                assert_eq!(subscription(ctx)["rate_plan"]["id"], "business");
                ctx.set_var("first_zone", &zone_id(ctx));
            }),
        ),
        // Cancelled outside Terraform (DELETE, in Cloudflare's definition):
        // the zone is back on the free plan, and the next plan updates it in
        // place, without an error.
        Step::OutOfBand(check(|ctx| {
            let path = format!("/zones/{}/subscription", zone_id(ctx));
            ctx.sim.api("DELETE", &path, None);
            ctx.sim.call("GET", &path, None).assert_error(404, 1207);
        })),
        Step::Plans(
            vec![planned(MAIN, "update").attr(
                "rate_plan_id",
                json!("free"),
                json!("PARTNERS_BIZ"),
            )],
            (0, 1, 0),
        ),
        Step::Vars(BIZ),
        Step::Apply(
            CONFIG,
            check(|ctx| {
                let api = subscription(ctx);
                assert_eq!(api["rate_plan"]["id"], "business");
                assert_eq!(component(&api, "page_rules")["value"], 60);
            }),
        ),
        // The record really gone: the zone deleted outside Terraform takes its
        // subscription with it. Both are planned as creates, without an error.
        Step::OutOfBand(check(|ctx| {
            ctx.sim
                .api("DELETE", &format!("/zones/{}", zone_id(ctx)), None);
            assert!(ctx.sim.objects("zone_subscriptions").is_empty());
        })),
        Step::Plans(
            vec![
                planned("cftenant_zone.main", "create"),
                planned(MAIN, "create"),
            ],
            (2, 0, 0),
        ),
        Step::Vars(BIZ),
        Step::Apply(
            CONFIG,
            check(|ctx| {
                assert_ne!(ctx.ws.vars["first_zone"], zone_id(ctx));
                let api = subscription(ctx);
                assert_eq!(api["rate_plan"]["id"], "business");
                assert_eq!(component(&api, "page_rules")["value"], 60);
                assert_eq!(ctx.sim.objects("zone_subscriptions").len(), 1);
            }),
        ),
        Step::Import {
            address: "cftenant_zone_subscription.main",
            id: Box::new(zone_id),
            // An import has no configured spelling to keep: it holds the
            // API's own word, which the configured PARTNERS_BIZ matches.
            check: check(|ctx| {
                assert_eq!(
                    ctx.ws.resource("cftenant_zone_subscription.main")["rate_plan_id"],
                    "business"
                )
            }),
        },
        Step::Destroy(check(|ctx| {
            assert!(ctx.sim.objects("zones").is_empty());
            assert!(ctx.sim.objects("zone_subscriptions").is_empty());
        })),
    ]);
}

#[test]
fn free_zone_without_subscription_record_is_no_drift() {
    // A zone that never had a subscription answers 404/1207: importing its
    // plan as PARTNERS_FREE must be clean, and so must planning it.
    let mut ctx = Ctx::new();
    let account = ctx.sim.api(
        "POST",
        "/accounts",
        Some(serde_json::json!({"name": "Free Customer"})),
    );
    let zone = ctx.sim.api(
        "POST",
        "/zones",
        Some(serde_json::json!({"name": "fresh-example.com", "account": {"id": account["id"]}})),
    );
    let zid = zone["id"].as_str().unwrap().to_string();
    let raw = reqwest::blocking::Client::new()
        .get(format!("{}/zones/{zid}/subscription", ctx.sim.base_url))
        .bearer_auth(TOKEN)
        .send()
        .unwrap();
    assert_eq!(raw.status(), 404);
    assert_eq!(
        raw.json::<serde_json::Value>().unwrap()["errors"][0]["code"],
        1207
    );
    ctx.set_var("zone_id", &zid);
    run_with(
        ctx,
        vec![
            Step::UseConfig("zone_subscription/standalone_free.tf"),
            Step::Import {
                address: "cftenant_zone_subscription.main",
                id: Box::new(move |_: &Ctx| zid.clone()),
                check: check(|ctx| {
                    let state = ctx.ws.resource("cftenant_zone_subscription.main");
                    assert_eq!(state["rate_plan_id"], "free", "the API's word");
                    assert_eq!(state["frequency"], "monthly");
                }),
            },
            Step::Destroy(check(|ctx| {
                assert_eq!(
                    ctx.sim.objects("zones").len(),
                    1,
                    "destroying a plan never deletes the zone"
                )
            })),
        ],
    );
}

#[test]
fn spellings_of_one_plan_are_no_change() {
    let ctx = Ctx::new();
    let config = |plan: &str| {
        format!(
            "resource \"cftenant_account\" \"customer\" {{\n  name = \"Spelling Customer\"\n}}\n\
             resource \"cftenant_zone\" \"main\" {{\n  account_id = cftenant_account.customer.id\n  name = \"spelling-example.com\"\n}}\n\
             resource \"cftenant_zone_subscription\" \"main\" {{\n  zone_id = cftenant_zone.main.id\n  rate_plan_id = \"{plan}\"\n}}\n"
        )
    };
    for (first, same) in [
        ("PARTNERS_FREE", "partners_free"),
        ("PARTNERS_PRO", "pro"),
        ("PARTNERS_PRO", "partners_pro"),
    ] {
        ctx.ws.write_config(&config(first));
        ctx.ws.apply();
        ctx.ws.write_config(&config(same));
        let (code, text) = ctx.ws.plan();
        assert_eq!(code, 0, "{first} -> {same} is the same plan:\n{text}");
    }
    assert_eq!(subscription(&ctx)["rate_plan"]["id"], "pro");
    // Another plan is a change; so is another program's id for a plan of
    // the same kind, which is sent as written and refused by Cloudflare.
    for other in ["PARTNERS_BIZ", "CF_PRO"] {
        ctx.ws.write_config(&config(other));
        let (code, text) = ctx.ws.plan();
        assert_eq!(code, 2, "{other}: {text}");
    }
    let out = ctx
        .ws
        .terraform(&["apply", "-auto-approve", "-input=false", "-no-color"]);
    let text = output_text(&out);
    assert!(!out.status.success(), "{text}");
    assert!(text.contains("Cloudflare error 1204"), "{text}");
    assert!(text.contains("'CF_PRO'"), "sent as written: {text}");
    assert_eq!(subscription(&ctx)["rate_plan"]["id"], "pro", "unchanged");
    ctx.ws.write_config(&config("PARTNERS_PRO"));
    ctx.destroy();
}

/// An account, a zone, and the zone's plan with `lines` added to it.
fn planned_zone(plan: &str, lines: &str) -> String {
    format!(
        "resource \"cftenant_account\" \"customer\" {{\n  name = \"One Plan Customer\"\n}}\n\
         resource \"cftenant_zone\" \"main\" {{\n  account_id = cftenant_account.customer.id\n  name = \"one-plan-example.com\"\n}}\n\
         resource \"cftenant_zone_subscription\" \"main\" {{\n  zone_id = cftenant_zone.main.id\n  rate_plan_id = \"{plan}\"\n{lines}\n}}\n"
    )
}

#[test]
fn create_before_destroy_never_leaves_the_zone_on_the_free_plan() {
    let ctx = Ctx::new();
    let cbd = "  lifecycle {\n    create_before_destroy = true\n  }";
    ctx.ws.write_config(&planned_zone("PARTNERS_BIZ", cbd));
    ctx.ws.apply();
    let out = ctx.ws.terraform(&[
        "apply",
        "-auto-approve",
        "-input=false",
        "-no-color",
        "-replace=cftenant_zone_subscription.main",
    ]);
    let text = output_text(&out);
    assert!(!out.status.success(), "{text}");
    for needle in [
        "Cloudflare error 1205",
        "Cloudflare allows one rate plan per zone",
        "this resource cannot be created before its old self is destroyed",
    ] {
        assert!(text.contains(needle), "no {needle:?} in:\n{text}");
    }
    assert_eq!(
        subscription(&ctx)["rate_plan"]["id"],
        "business",
        "the zone must keep its plan"
    );
    // Without create_before_destroy the replacement goes through, and the
    // zone ends on its plan.
    ctx.ws.write_config(&planned_zone("PARTNERS_BIZ", ""));
    ctx.ws.ok(&[
        "apply",
        "-auto-approve",
        "-input=false",
        "-no-color",
        "-replace=cftenant_zone_subscription.main",
    ]);
    assert_eq!(subscription(&ctx)["rate_plan"]["id"], "business");
    ctx.ws.assert_plan_empty();
    ctx.destroy();
}

#[test]
fn a_paid_plan_made_outside_terraform_is_not_taken_over() {
    let mut ctx = Ctx::new();
    let account = ctx.sim.api(
        "POST",
        "/accounts",
        Some(serde_json::json!({"name": "Outside Co"})),
    );
    let zone = ctx.sim.api(
        "POST",
        "/zones",
        Some(serde_json::json!({"name": "outside-plan.org", "account": {"id": account["id"]}})),
    );
    let zone_id = zone["id"].as_str().unwrap().to_string();
    ctx.sim.api(
        "POST",
        &format!("/zones/{zone_id}/subscription"),
        Some(serde_json::json!({"rate_plan": {"id": "PARTNERS_ENT"}})),
    );
    ctx.set_var("zone_id", &zone_id);
    ctx.ws.write_config(
        "variable \"zone_id\" {}\nresource \"cftenant_zone_subscription\" \"main\" {\n  zone_id = var.zone_id\n  rate_plan_id = \"PARTNERS_BIZ\"\n}\n",
    );
    let out = ctx
        .ws
        .terraform(&["apply", "-auto-approve", "-input=false", "-no-color"]);
    let text = output_text(&out);
    assert!(!out.status.success(), "{text}");
    assert!(
        text.contains(&format!(
            "terraform import cftenant_zone_subscription.<name> {zone_id}"
        )),
        "{text}"
    );
    let api = ctx
        .sim
        .api("GET", &format!("/zones/{zone_id}/subscription"), None);
    assert_eq!(
        api["rate_plan"]["id"], "enterprise",
        "the plan made outside stays"
    );
    assert!(ctx.ws.state().is_empty());
    // Imported, it is managed: the configured plan is then a planned change.
    ctx.ws.ok(&[
        "import",
        "-input=false",
        "-no-color",
        "cftenant_zone_subscription.main",
        &zone_id,
    ]);
    let (code, text) = ctx.ws.plan();
    assert_eq!(code, 2, "{text}");
    assert!(
        text.contains("\"enterprise\" -> \"PARTNERS_BIZ\""),
        "the API's word, then the configured plan: {text}"
    );
    ctx.destroy();
}

/// `GET /zones/{id}/available_rate_plans` is not known to list every plan
/// Cloudflare accepts (observed-api.md rows 8 and 19): a plan or component
/// it does not list is a warning naming it, and the API decides at apply.
#[test]
fn a_plan_or_component_the_zone_does_not_list_is_a_warning_and_the_api_decides() {
    let ctx = Ctx::new();
    ctx.ws.write_config(&planned_zone("PARTNERS_PRO", ""));
    ctx.ws.apply();
    for (lines, plan, needle) in [
        (
            "",
            "PARTNERS_GOLD",
            "does not list the plan \"PARTNERS_GOLD\"",
        ),
        (
            "",
            "TEAMS_STANDARD",
            "does not list the plan \"TEAMS_STANDARD\"",
        ),
        (
            "  component_values = [{ name = \"seats\", value = 3 }]",
            "PARTNERS_BIZ",
            "\"seats\" is not a listed component of PARTNERS_BIZ",
        ),
    ] {
        ctx.ws.write_config(&planned_zone(plan, lines));
        let (code, text) = ctx.ws.plan();
        assert_eq!(code, 2, "{plan}: a warning, and the plan goes on: {text}");
        assert!(
            text.contains(&format!("Warning: {needle}")) || text.contains(needle),
            "{plan}: {text}"
        );
        assert!(
            text.contains("with cftenant_zone_subscription.main"),
            "{plan}: {text}"
        );
        assert!(
            text.contains("Cloudflare decides at apply"),
            "{plan}: {text}"
        );
        // Cloudflare refuses it at apply, and the zone keeps its plan.
        let out = ctx
            .ws
            .terraform(&["apply", "-auto-approve", "-input=false", "-no-color"]);
        let text = output_text(&out);
        assert!(!out.status.success(), "{plan}: {text}");
        assert!(text.contains("Cloudflare error"), "{plan}: {text}");
        assert_eq!(subscription(&ctx)["rate_plan"]["id"], "pro");
    }
    // A listed plan plans without a word.
    ctx.ws.write_config(&planned_zone("PARTNERS_BIZ", ""));
    let (code, text) = ctx.ws.plan();
    assert_eq!(code, 2, "{text}");
    assert!(!text.contains("does not list"), "{text}");
    ctx.ws.write_config(&planned_zone("PARTNERS_PRO", ""));
    ctx.destroy();
}

/// Two components paid for, then one of them left out: that one goes back
/// to the plan's default, in place, and the other is kept.
#[test]
fn removing_one_component_of_several_returns_it_to_its_default() {
    let ctx = Ctx::new();
    let two = "  component_values = [\n    { name = \"page_rules\", value = 60 },\n    { name = \"dedicated_certificates\", value = 2 },\n  ]";
    let one = "  component_values = [\n    { name = \"dedicated_certificates\", value = 2 },\n  ]";
    ctx.ws.write_config(&planned_zone("PARTNERS_BIZ", two));
    ctx.ws.apply();
    ctx.ws.assert_plan_empty();
    let api = subscription(&ctx);
    assert_eq!(component(&api, "page_rules")["value"], 60);
    assert_eq!(component(&api, "dedicated_certificates")["value"], 2);
    // The same two in the other order: one update, which changes nothing.
    let reordered = "  component_values = [\n    { name = \"dedicated_certificates\", value = 2 },\n    { name = \"page_rules\", value = 60 },\n  ]";
    ctx.ws
        .write_config(&planned_zone("PARTNERS_BIZ", reordered));
    assert_eq!(ctx.ws.planned_changes().totals(), (0, 1, 0));
    ctx.ws.apply();
    ctx.ws.assert_plan_empty();
    let api = subscription(&ctx);
    assert_eq!(component(&api, "page_rules")["value"], 60);
    assert_eq!(component(&api, "dedicated_certificates")["value"], 2);

    ctx.ws.write_config(&planned_zone("PARTNERS_BIZ", one));
    let changes = ctx.ws.planned_changes();
    assert_eq!(changes.totals(), (0, 1, 0), "in place: {changes:#?}");
    let change = &changes.0["cftenant_zone_subscription.main"];
    assert_eq!(
        change["before"]["component_values"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        change["after"]["component_values"],
        json!([{"name": "dedicated_certificates", "value": 2}])
    );
    ctx.ws.apply();
    ctx.ws.assert_plan_empty();
    let api = subscription(&ctx);
    let page_rules = component(&api, "page_rules");
    assert_eq!(
        page_rules["value"], page_rules["default"],
        "back to the default"
    );
    assert_eq!(
        component(&api, "dedicated_certificates")["value"],
        2,
        "kept"
    );
    ctx.destroy();
}
