//! `cftenant_account_dns_settings`: an account's defaults for new zones.

use crate::harness::*;
use serde_json::{json, Value};

const SETTINGS: &str = "cftenant_account_dns_settings.customer";

/// The account's zone defaults as the API answers them.
fn on_api(ctx: &Ctx) -> Value {
    let account = ctx.ws.resource("cftenant_account.customer")["id"]
        .as_str()
        .unwrap()
        .to_string();
    ctx.sim
        .api("GET", &format!("/accounts/{account}/dns_settings"), None)["zone_defaults"]
        .clone()
}

#[test]
fn account_dns_settings_lifecycle() {
    let mut ctx = Ctx::new();
    ctx.set_var("tenant_id", TENANT);
    run_with(
        ctx,
        vec![
            // The tenant's custom nameservers for the account's new zones.
            Step::Apply(
                "account_dns_settings/main.tf",
                check(|ctx| {
                    let api = on_api(ctx);
                    assert_eq!(api["nameservers"], json!({ "type": "custom.tenant" }));
                    assert_eq!(api["ns_ttl"], 3600);
                    assert_eq!(api["soa"]["ttl"], 1800);
                    let state = ctx.ws.resource(SETTINGS);
                    assert_eq!(
                        state["id"],
                        ctx.ws.resource("cftenant_account.customer")["id"]
                    );
                    // What the configuration leaves out is read, at Cloudflare's values.
                    let defaults = &state["zone_defaults"];
                    assert_eq!(defaults["zone_mode"], "standard");
                    assert_eq!(defaults["soa"]["expire"], 604800);
                    assert_eq!(defaults["soa"]["mname"], Value::Null);
                    assert_eq!(defaults["soa"]["rname"], "dns.cloudflare.com");
                    assert_eq!(ctx.sim.objects("account_dns_settings").len(), 1);
                }),
            ),
            // A change is made in place.
            Step::Vars(&[("ns_ttl", "7200")]),
            Step::Plans(
                vec![planned(SETTINGS, "update").attr(
                    "zone_defaults.ns_ttl",
                    json!(3600),
                    json!(7200),
                )],
                (0, 1, 0),
            ),
            Step::Apply(
                "account_dns_settings/main.tf",
                check(|ctx| {
                    let api = on_api(ctx);
                    assert_eq!(api["ns_ttl"], 7200);
                    assert_eq!(api["soa"]["ttl"], 1800, "only what changed was sent");
                }),
            ),
            Step::Import {
                address: SETTINGS,
                id: Box::new(|ctx: &Ctx| {
                    ctx.ws.resource("cftenant_account.customer")["id"]
                        .as_str()
                        .unwrap()
                        .to_string()
                }),
                check: check(|ctx| {
                    assert_eq!(ctx.ws.resource(SETTINGS)["zone_defaults"]["ns_ttl"], 7200)
                }),
            },
            // Imported: nothing records what the configuration sets until
            // an apply changes something.
            Step::Vars(&[("ns_ttl", "3600")]),
            Step::Apply(
                "account_dns_settings/main.tf",
                check(|ctx| {
                    assert_eq!(
                        ctx.ws.resource(SETTINGS)["managed_settings"],
                        json!([
                            "zone_defaults.ns_ttl",
                            "zone_defaults.soa.ttl",
                            "zone_defaults.nameservers.type"
                        ])
                    );
                }),
            ),
            // A setting the configuration never sets, changed elsewhere.
            Step::OutOfBand(check(|ctx| {
                let account = ctx.ws.resource("cftenant_account.customer")["id"]
                    .as_str()
                    .unwrap()
                    .to_string();
                ctx.sim.api(
                    "PATCH",
                    &format!("/accounts/{account}/dns_settings"),
                    Some(json!({ "zone_defaults": { "flatten_all_cnames": true } })),
                );
            })),
            // Lines removed: the API keeps the values; only the record of
            // what a destroy resets changes.
            Step::UseConfig("account_dns_settings/removed.tf"),
            Step::Plans(vec![planned(SETTINGS, "update")], (0, 1, 0)),
            Step::Apply(
                "account_dns_settings/removed.tf",
                check(|ctx| {
                    let api = on_api(ctx);
                    assert_eq!(api["ns_ttl"], 3600);
                    assert_eq!(api["soa"]["ttl"], 1800);
                    assert_eq!(
                        ctx.ws.resource(SETTINGS)["managed_settings"],
                        json!(["zone_defaults.nameservers.type"])
                    );
                }),
            ),
            // Destroyed (removed from the configuration): what it sets is at
            // Cloudflare's defaults again; what it does not set is as it was.
            Step::Apply(
                "account_dns_settings/without.tf",
                check(|ctx| {
                    let api = on_api(ctx);
                    assert_eq!(api["nameservers"], json!({ "type": "cloudflare.standard" }));
                    assert_eq!(api["ns_ttl"], 3600);
                    assert_eq!(api["soa"]["ttl"], 1800);
                    assert_eq!(api["flatten_all_cnames"], true);
                }),
            ),
            Step::Destroy(check(|ctx| assert!(ctx.sim.objects("accounts").is_empty()))),
        ],
    );
}

#[test]
fn a_zone_added_after_the_defaults_uses_the_tenants_nameservers() {
    let mut ctx = Ctx::new();
    ctx.set_var("tenant_id", TENANT);
    run_with(
        ctx,
        vec![
            Step::Apply(
                "account_dns_settings/new_zone.tf",
                check(|ctx| {
                    let zone = ctx.ws.resource("cftenant_zone_dns_settings.customer");
                    assert_eq!(
                        zone["nameservers"],
                        json!({ "type": "custom.tenant", "ns_set": 1 })
                    );
                    assert_eq!(zone["ns_ttl"], 3600);
                    assert_eq!(zone["soa"]["ttl"], 1800);
                    // Only read: a destroy has nothing of its own to reset.
                    assert_eq!(zone["managed_settings"], json!([]));
                }),
            ),
            Step::Destroy(check(|ctx| assert!(ctx.sim.objects("zones").is_empty()))),
        ],
    );
}

#[test]
fn account_dns_settings_are_checked_at_plan_naming_the_attribute() {
    let mut ctx = Ctx::new();
    ctx.set_var("tenant_id", TENANT);
    run_with(
        ctx,
        vec![
            // A zone's nameserver type is not an account's.
            Step::Vars(&[("ns_type", "custom.zone")]),
            Step::PlanFails(
                "account_dns_settings/main.tf",
                &[
                    "zone_defaults.nameservers.type",
                    "\"custom.zone\" is not allowed",
                ],
            ),
            Step::Vars(&[("ns_type", "custom.tenant"), ("ns_ttl", "5")]),
            Step::PlanFails(
                "account_dns_settings/main.tf",
                &["zone_defaults.ns_ttl", "from 30 to 86400"],
            ),
        ],
    );
}
