//! `cftenant_zone` end to end.

use crate::harness::*;
use serde_json::json;

/// `testdata/zone/main.tf`: the zone `main` named and paused by the
/// variables, and a partial zone.
const CONFIG: &str = "zone/main.tf";
const PAUSED: &[(&str, &str)] = &[("paused", "true")];
const RENAMED: &[(&str, &str)] = &[("name", "example.org")];
const NOT_RENAMED: &[(&str, &str)] = &[("name", "null")];

fn zone(ctx: &Ctx, name: &str) -> serde_json::Value {
    ctx.ws.resource(&format!("cftenant_zone.{name}"))
}

fn zone_id(ctx: &Ctx) -> String {
    zone(ctx, "main")["id"].as_str().unwrap().to_string()
}

#[test]
fn zone_lifecycle() {
    run(vec![
        Step::PlanFails(
            "zone/invalid.tf",
            &[
                "account_id",
                "32 lowercase hexadecimal",
                "\"Example..com\" is not a valid domain name",
                "\"weird\" is not allowed",
            ],
        ),
        Step::Apply(
            CONFIG,
            check(|ctx| {
                let id = zone_id(ctx);
                let api = ctx.sim.api("GET", &format!("/zones/{id}"), None);
                let state = zone(ctx, "main");
                assert_eq!(api["name"], "example.com");
                assert_eq!(state["status"], api["status"]);
                assert_eq!(state["status"], "pending");
                assert_eq!(state["name_servers"], api["name_servers"]);
                assert_eq!(state["type"], "full");
                assert_eq!(state["paused"], false);
                assert_eq!(state["account_id"], api["account"]["id"]);
                // The zone's plan is cftenant_zone_subscription's to say: a
                // zone attribute for it would lag behind every plan change.
                assert!(state["plan_id"].is_null(), "{state}");
                assert_eq!(state["created_on"], api["created_on"]);
                // What the official provider also exposes, as the API says.
                assert_eq!(state["development_mode"], api["development_mode"]);
                assert_eq!(state["owner"]["id"], api["owner"]["id"]);
                assert_eq!(state["owner"]["type"], api["owner"]["type"]);
                assert_eq!(state["meta"]["step"], api["meta"]["step"]);
                assert_eq!(state["meta"]["dns_only"], api["meta"]["dns_only"]);
                assert_eq!(state["meta"]["foundation_dns"], false);
                let partial = zone(ctx, "partial");
                let partial_api = ctx.sim.api(
                    "GET",
                    &format!("/zones/{}", partial["id"].as_str().unwrap()),
                    None,
                );
                assert_eq!(partial["type"], "partial");
                assert!(partial["verification_key"].is_string());
                assert_eq!(partial["verification_key"], partial_api["verification_key"]);
                ctx.set_var("first_id", &id);
            }),
        ),
        Step::Vars(PAUSED),
        Step::Apply(
            CONFIG,
            check(|ctx| {
                let id = zone_id(ctx);
                assert_eq!(
                    ctx.ws.vars["first_id"], id,
                    "pausing must not replace the zone"
                );
                assert_eq!(
                    ctx.sim.api("GET", &format!("/zones/{id}"), None)["paused"],
                    true
                );
            }),
        ),
        Step::OutOfBand(check(|ctx| {
            let id = zone_id(ctx);
            ctx.sim.api(
                "PATCH",
                &format!("/zones/{id}"),
                Some(serde_json::json!({"paused": false})),
            );
        })),
        Step::Plans(
            vec![planned("cftenant_zone.main", "update").attr("paused", json!(false), json!(true))],
            (0, 1, 0),
        ),
        Step::Apply(
            CONFIG,
            check(|ctx| {
                assert_eq!(
                    ctx.sim
                        .api("GET", &format!("/zones/{}", zone_id(ctx)), None)["paused"],
                    true
                )
            }),
        ),
        Step::Vars(RENAMED),
        Step::Plans(
            vec![planned("cftenant_zone.main", "replace").forced_by("name")],
            (1, 0, 1),
        ),
        Step::Vars(NOT_RENAMED),
        Step::OutOfBand(check(|ctx| {
            ctx.sim
                .api("DELETE", &format!("/zones/{}", zone_id(ctx)), None);
        })),
        Step::Plans(vec![planned("cftenant_zone.main", "create")], (1, 0, 0)),
        Step::Apply(
            CONFIG,
            check(|ctx| assert_eq!(ctx.sim.objects("zones").len(), 2)),
        ),
        Step::Import {
            address: "cftenant_zone.main",
            id: Box::new(zone_id),
            check: check(|ctx| assert_eq!(zone(ctx, "main")["name"], "example.com")),
        },
        Step::Destroy(check(|ctx| {
            assert!(ctx.sim.objects("zones").is_empty());
            assert!(ctx.sim.objects("accounts").is_empty());
        })),
        // A second zone with the same name in the account: the API's own
        // error (1061), and the first zone is still tracked.
        Step::ApplyFails(
            "zone/duplicate.tf",
            &[
                "Error creating zone \"twice-example.com\"",
                "Cloudflare error 1061",
                "already exists",
            ],
        ),
        Step::OutOfBand(check(|ctx| {
            assert!(ctx.ws.state().contains_key("cftenant_zone.first"));
            assert_eq!(ctx.sim.objects("zones").len(), 1);
        })),
        Step::Destroy(check(|ctx| assert!(ctx.sim.objects("zones").is_empty()))),
    ]);
}

/// An account and one zone in it, named `name`, with `lifecycle` (or any
/// other lines) added to the zone.
fn one_zone(name: &str, zone_type: &str, extra: &str) -> String {
    format!(
        "resource \"cftenant_account\" \"customer\" {{\n  name = \"Rename Customer\"\n  type = \"enterprise\"\n}}\n\
         resource \"cftenant_zone\" \"main\" {{\n  account_id = cftenant_account.customer.id\n  name = \"{name}\"\n  type = \"{zone_type}\"\n{extra}\n}}\n"
    )
}

#[test]
fn a_rename_towards_a_name_cloudflare_refuses_is_refused_at_plan() {
    let ctx = Ctx::new();
    ctx.ws.write_config(&one_zone("example.com", "full", ""));
    ctx.ws.apply();
    let id = zone(&ctx, "main")["id"].as_str().unwrap().to_string();
    for (name, why) in [
        (
            "example.123",
            "not a top-level domain of the public suffix list",
        ),
        ("192.168.1.1", "is an IP address"),
        (
            "münchen.de",
            "write it in its punycode form \"xn--mnchen-3ya.de\"",
        ),
    ] {
        ctx.ws.write_config(&one_zone(name, "full", ""));
        let (code, text) = ctx.ws.plan();
        assert_eq!(
            code, 1,
            "renaming to {name:?} must be refused at plan:\n{text}"
        );
        assert!(text.contains(why), "{name}: {text}");
        assert!(!text.contains("must be replaced"), "{name}: {text}");
    }
    assert!(
        ctx.sim.object("zones", &id).is_some(),
        "the zone must survive"
    );
    // A name another zone of the account already has: the replacement
    // would delete this zone and then fail, so the plan refuses it.
    let account_id = zone(&ctx, "main")["account_id"]
        .as_str()
        .unwrap()
        .to_string();
    let taken = ctx.sim.api(
        "POST",
        "/zones",
        Some(serde_json::json!({"name": "taken-example.com", "account": {"id": account_id}})),
    );
    ctx.ws
        .write_config(&one_zone("taken-example.com", "full", ""));
    let (code, text) = ctx.ws.plan();
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains("Zone \"taken-example.com\" already exists"),
        "{text}"
    );
    assert!(text.contains(taken["id"].as_str().unwrap()), "{text}");
    // The real thing: a valid, free name is a replacement.
    ctx.ws.write_config(&one_zone("example.org", "full", ""));
    let (code, text) = ctx.ws.plan();
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("must be replaced"), "{text}");
    // The zone made outside Terraform is the customer's: a destroy keeps
    // the account for it; gone, the account goes too.
    ctx.sim.api(
        "DELETE",
        &format!("/zones/{}", taken["id"].as_str().unwrap()),
        None,
    );
    ctx.destroy();
}

#[test]
fn create_before_destroy_of_a_zone_that_keeps_its_name_says_why_it_cannot() {
    let ctx = Ctx::new();
    let cbd = "  lifecycle {\n    create_before_destroy = true\n  }";
    ctx.ws
        .write_config(&one_zone("cbd-example.com", "full", cbd));
    ctx.ws.apply();
    let id = zone(&ctx, "main")["id"].as_str().unwrap().to_string();
    // A new type is changed in place, as the official provider does.
    ctx.ws
        .write_config(&one_zone("cbd-example.com", "partial", cbd));
    let changes = ctx.ws.planned_changes();
    assert_eq!(changes.totals(), (0, 1, 0), "{changes:#?}");
    ctx.ws.apply();
    assert_eq!(zone(&ctx, "main")["id"], id.as_str(), "the same zone");
    assert_eq!(ctx.sim.object("zones", &id).unwrap()["type"], "partial");
    // A replacement asked for: its new self would need the old name.
    let out = ctx.ws.terraform(&[
        "apply",
        "-auto-approve",
        "-input=false",
        "-no-color",
        "-replace=cftenant_zone.main",
    ]);
    let text = output_text(&out);
    assert!(!out.status.success(), "{text}");
    for needle in [
        "Cloudflare error 1061",
        "Cloudflare allows one zone of a name per account",
        "create_before_destroy = true",
        "this resource cannot be created before its old self is destroyed",
        &id,
    ] {
        assert!(text.contains(needle), "no {needle:?} in:\n{text}");
    }
    assert_eq!(
        zone(&ctx, "main")["id"],
        id.as_str(),
        "the old zone is still tracked"
    );
    assert!(ctx.sim.object("zones", &id).is_some());
    // Without create_before_destroy the replacement goes through.
    ctx.ws
        .write_config(&one_zone("cbd-example.com", "partial", ""));
    ctx.ws.ok(&[
        "apply",
        "-auto-approve",
        "-input=false",
        "-no-color",
        "-replace=cftenant_zone.main",
    ]);
    assert_ne!(zone(&ctx, "main")["id"], id.as_str());
    ctx.ws.assert_plan_empty();
    ctx.destroy();
}

#[test]
fn replacing_a_parent_plans_its_dependents_with_ids_known_after_apply() {
    let ctx = Ctx::new();
    let config = |zone_name: &str| {
        format!(
            "resource \"cftenant_account\" \"a\" {{\n  name = \"Replace Co\"\n}}\n\
             resource \"cftenant_account_member\" \"m\" {{\n  account_id = cftenant_account.a.id\n  email = \"ops@replace-co.com\"\n  roles = [\"{ADMIN_ROLE}\"]\n}}\n\
             resource \"cftenant_zone\" \"z\" {{\n  account_id = cftenant_account.a.id\n  name = \"{zone_name}\"\n}}\n\
             resource \"cftenant_zone_subscription\" \"z\" {{\n  zone_id = cftenant_zone.z.id\n  rate_plan_id = \"PARTNERS_PRO\"\n}}\n"
        )
    };
    ctx.ws.write_config(&config("replace-co.com"));
    ctx.ws.apply();
    for args in [
        vec![
            "plan",
            "-input=false",
            "-no-color",
            "-replace=cftenant_zone.z",
        ],
        vec![
            "plan",
            "-input=false",
            "-no-color",
            "-replace=cftenant_account.a",
        ],
    ] {
        let out = ctx.ws.terraform(&args);
        let text = output_text(&out);
        assert!(out.status.success(), "{}: {text}", args.join(" "));
        assert!(text.contains("must be replaced"), "{text}");
    }
    // A rename replaces the zone, and with it its plan.
    ctx.ws.write_config(&config("replace-co.org"));
    ctx.ws.apply();
    ctx.ws.assert_plan_empty();
    let zone = ctx.ws.resource("cftenant_zone.z");
    let sub = ctx.ws.resource("cftenant_zone_subscription.z");
    assert_eq!(sub["zone_id"], zone["id"]);
    assert_eq!(zone["name"], "replace-co.org");
    ctx.destroy();
}

#[test]
fn a_zone_and_its_plan_applied_together_read_back_unchanged() {
    let ctx = Ctx::new();
    ctx.ws.write_config(
        "resource \"cftenant_account\" \"a\" {\n  name = \"Together Co\"\n}\n\
         resource \"cftenant_zone\" \"z\" {\n  account_id = cftenant_account.a.id\n  name = \"together-co.com\"\n}\n\
         resource \"cftenant_zone_subscription\" \"z\" {\n  zone_id = cftenant_zone.z.id\n  rate_plan_id = \"PARTNERS_BIZ\"\n}\n\
         output \"zone\" {\n  value = cftenant_zone.z\n}\n",
    );
    ctx.ws.apply();
    // Every attribute of the zone, through an output: nothing moved.
    ctx.ws.assert_plan_empty();
    let refreshed = ctx.ws.refresh();
    assert!(
        !refreshed.contains("changed outside of Terraform"),
        "{refreshed}"
    );
    ctx.destroy();
}

/// Vanity nameservers: refused at plan where the zone's plan does not allow
/// them (a new zone, a free one), set in place once the zone is on
/// Business, reordered, and removed; an `internal` zone is created as one.
#[test]
fn vanity_name_servers_follow_the_zones_plan() {
    let ctx = Ctx::new();
    let config = |plan: &str, vanity: &str| {
        format!(
            "resource \"cftenant_account\" \"customer\" {{\n  name = \"Vanity Customer\"\n}}\n\
             resource \"cftenant_zone\" \"main\" {{\n  account_id = cftenant_account.customer.id\n  name = \"vanity-example.com\"\n  {vanity}\n}}\n\
             resource \"cftenant_zone_subscription\" \"main\" {{\n  zone_id = cftenant_zone.main.id\n  rate_plan_id = \"{plan}\"\n}}\n\
             resource \"cftenant_zone\" \"internal\" {{\n  account_id = cftenant_account.customer.id\n  name = \"internal-example.com\"\n  type = \"internal\"\n}}\n"
        )
    };
    let vanity = |names: &str| format!("vanity_name_servers = [{names}]");
    let on_api = |ctx: &Ctx| {
        let id = ctx.ws.resource("cftenant_zone.main")["id"].clone();
        ctx.sim
            .api("GET", &format!("/zones/{}", id.as_str().unwrap()), None)["vanity_name_servers"]
            .clone()
    };
    let refused = |ctx: &Ctx, config: String, needle: &str| {
        ctx.ws.write_config(&config);
        let (code, text) = ctx.ws.plan();
        assert_eq!(code, 1, "{text}");
        assert!(
            text.contains("Vanity nameservers need the Business or Enterprise plan"),
            "{text}"
        );
        assert!(text.contains("vanity_name_servers"), "{text}");
        assert!(text.contains(needle), "{text}");
    };
    let names = "\"ns1.vanity-example.com\", \"ns2.vanity-example.com\"";
    refused(
        &ctx,
        config("PARTNERS_BIZ", &vanity(names)),
        "a new zone is on the free plan",
    );
    ctx.ws.write_config(&config("PARTNERS_FREE", ""));
    ctx.ws.apply();
    let internal = ctx.ws.resource("cftenant_zone.internal");
    let api = ctx.sim.api(
        "GET",
        &format!("/zones/{}", internal["id"].as_str().unwrap()),
        None,
    );
    assert_eq!(
        (internal["type"].clone(), api["type"].clone()),
        (json!("internal"), json!("internal"))
    );
    refused(
        &ctx,
        config("PARTNERS_FREE", &vanity(names)),
        "is on the free plan",
    );

    ctx.ws.write_config(&config("PARTNERS_BIZ", ""));
    ctx.ws.apply();
    ctx.ws.write_config(&config("PARTNERS_BIZ", &vanity(names)));
    ctx.ws.apply();
    ctx.ws.assert_plan_empty();
    assert_eq!(
        on_api(&ctx),
        json!(["ns1.vanity-example.com", "ns2.vanity-example.com"])
    );

    ctx.ws.write_config(&config(
        "PARTNERS_BIZ",
        &vanity("\"ns2.vanity-example.com\", \"ns1.vanity-example.com\""),
    ));
    let changes = ctx.ws.planned_changes();
    assert_eq!(changes.totals(), (0, 1, 0), "{changes:#?}");
    ctx.ws.apply();
    ctx.ws.assert_plan_empty();
    assert_eq!(
        on_api(&ctx),
        json!(["ns2.vanity-example.com", "ns1.vanity-example.com"])
    );

    ctx.ws.write_config(&config("PARTNERS_BIZ", ""));
    ctx.ws.apply();
    ctx.ws.assert_plan_empty();
    assert_eq!(on_api(&ctx), json!([]));
    ctx.destroy();
}
