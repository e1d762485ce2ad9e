//! `cftenant_zone_dns_settings`: a zone's nameservers, SOA record, NS TTL
//! and mode.

use crate::harness::*;
use serde_json::{json, Value};

const SETTINGS: &str = "cftenant_zone_dns_settings.www";

fn zone_id(ctx: &Ctx) -> String {
    ctx.ws.resource("cftenant_zone.www")["id"]
        .as_str()
        .unwrap()
        .to_string()
}

/// The zone's settings as the API answers them.
fn on_api(ctx: &Ctx) -> Value {
    ctx.sim.api(
        "GET",
        &format!("/zones/{}/dns_settings", zone_id(ctx)),
        None,
    )
}

#[test]
fn zone_dns_settings_lifecycle() {
    let mut ctx = Ctx::new();
    ctx.set_var("tenant_id", TENANT);
    run_with(
        ctx,
        vec![
            // The zone on the tenant's custom nameservers, of the default set.
            Step::Apply(
                "zone_dns_settings/main.tf",
                check(|ctx| {
                    let api = on_api(ctx);
                    assert_eq!(
                        api["nameservers"],
                        json!({ "type": "custom.tenant", "ns_set": 1 })
                    );
                    assert_eq!(api["ns_ttl"], 3600);
                    assert_eq!(api["zone_mode"], "dns_only");
                    assert_eq!(api["soa"]["min_ttl"], 300);
                    let state = ctx.ws.resource(SETTINGS);
                    assert_eq!(state["id"], zone_id(ctx));
                    assert_eq!(state["nameservers"]["ns_set"], 1);
                    assert_eq!(state["soa"]["refresh"], 10000);
                    assert_eq!(state["flatten_all_cnames"], false);
                }),
            ),
            // Back to Cloudflare's nameservers, in place: the set goes.
            Step::Vars(&[("ns_type", "cloudflare.standard")]),
            Step::Plans(
                vec![planned(SETTINGS, "update").attr(
                    "nameservers.type",
                    json!("custom.tenant"),
                    json!("cloudflare.standard"),
                )],
                (0, 1, 0),
            ),
            Step::Apply(
                "zone_dns_settings/main.tf",
                check(|ctx| {
                    assert_eq!(
                        on_api(ctx)["nameservers"],
                        json!({ "type": "cloudflare.standard" })
                    );
                    assert_eq!(
                        ctx.ws.resource(SETTINGS)["nameservers"]["ns_set"],
                        Value::Null
                    );
                }),
            ),
            Step::Vars(&[("ns_type", "custom.tenant"), ("ns_ttl", "7200")]),
            Step::Apply(
                "zone_dns_settings/main.tf",
                check(|ctx| {
                    let api = on_api(ctx);
                    assert_eq!(
                        api["nameservers"],
                        json!({ "type": "custom.tenant", "ns_set": 1 })
                    );
                    assert_eq!(api["ns_ttl"], 7200);
                }),
            ),
            Step::Import {
                address: SETTINGS,
                id: Box::new(zone_id),
                check: check(|ctx| assert_eq!(ctx.ws.resource(SETTINGS)["zone_mode"], "dns_only")),
            },
            // Imported, then destroyed with nothing recorded of what the
            // configuration sets: nothing is reset, and a warning says so.
            Step::OutOfBand(check(|ctx| {
                ctx.ws.use_config("zone_dns_settings/without.tf");
                let out =
                    ctx.ws
                        .terraform(&["apply", "-auto-approve", "-input=false", "-no-color"]);
                let text = output_text(&out);
                assert!(out.status.success(), "{text}");
                assert!(
                    text.contains("The DNS settings were left as they are"),
                    "{text}"
                );
                let api = on_api(ctx);
                assert_eq!(api["nameservers"]["type"], "custom.tenant");
                assert_eq!(api["ns_ttl"], 7200);
            })),
            // Managed again: the apply records what the configuration sets.
            Step::Apply(
                "zone_dns_settings/main.tf",
                check(|ctx| {
                    assert_eq!(
                        ctx.ws.resource(SETTINGS)["managed_settings"],
                        json!(["ns_ttl", "zone_mode", "soa.min_ttl", "nameservers.type"])
                    );
                }),
            ),
            // A setting the configuration never sets, changed elsewhere.
            Step::OutOfBand(check(|ctx| {
                ctx.sim.api(
                    "PATCH",
                    &format!("/zones/{}/dns_settings", zone_id(ctx)),
                    Some(json!({ "flatten_all_cnames": true })),
                );
            })),
            // Lines removed: the API keeps the values; only the record of
            // what a destroy resets changes.
            Step::UseConfig("zone_dns_settings/removed.tf"),
            Step::Plans(vec![planned(SETTINGS, "update")], (0, 1, 0)),
            Step::Apply(
                "zone_dns_settings/removed.tf",
                check(|ctx| {
                    let api = on_api(ctx);
                    assert_eq!(api["ns_ttl"], 7200);
                    assert_eq!(api["zone_mode"], "dns_only");
                    assert_eq!(api["soa"]["min_ttl"], 300);
                    assert_eq!(
                        ctx.ws.resource(SETTINGS)["managed_settings"],
                        json!(["nameservers.type"])
                    );
                }),
            ),
            // Destroyed (removed from the configuration): what it sets is at
            // Cloudflare's defaults again; what it does not set is as it was.
            Step::Apply(
                "zone_dns_settings/without.tf",
                check(|ctx| {
                    let api = on_api(ctx);
                    assert_eq!(api["nameservers"], json!({ "type": "cloudflare.standard" }));
                    assert_eq!(api["ns_ttl"], 7200);
                    assert_eq!(api["zone_mode"], "dns_only");
                    assert_eq!(api["soa"]["min_ttl"], 300);
                    assert_eq!(api["flatten_all_cnames"], true);
                }),
            ),
            Step::Destroy(check(|ctx| assert!(ctx.sim.objects("zones").is_empty()))),
        ],
    );
}

#[test]
fn a_replace_with_create_before_destroy_keeps_the_new_settings() {
    run(vec![
        Step::Apply(
            "zone_dns_settings/replaced_first.tf",
            check(|ctx| assert_eq!(on_api(ctx)["ns_ttl"], 600)),
        ),
        // The old object's destroy comes after the new object's create, in
        // the same run: it leaves what the new one set.
        Step::OutOfBand(check(|ctx| {
            let out = ctx.ws.ok(&[
                "apply",
                "-auto-approve",
                "-no-color",
                &format!("-replace={SETTINGS}"),
            ]);
            assert!(
                out.contains("DNS settings left to the object that set them"),
                "{out}"
            );
            let api = on_api(ctx);
            assert_eq!(api["ns_ttl"], 600, "{api}");
            assert_eq!(api["zone_mode"], "dns_only", "{api}");
            ctx.ws.assert_plan_empty();
        })),
        Step::Destroy(check(|ctx| assert!(ctx.sim.objects("zones").is_empty()))),
    ]);
}

#[test]
fn zone_dns_settings_are_checked_at_plan_naming_the_attribute() {
    let mut ctx = Ctx::new();
    ctx.set_var("tenant_id", TENANT);
    run_with(
        ctx,
        vec![
            // An account's nameserver type is not a zone's.
            Step::Vars(&[("ns_type", "cloudflare.standard.random")]),
            Step::PlanFails(
                "zone_dns_settings/main.tf",
                &[
                    "nameservers.type",
                    "\"cloudflare.standard.random\" is not allowed",
                ],
            ),
            Step::Vars(&[("ns_type", "custom.tenant"), ("ns_set", "6")]),
            Step::PlanFails(
                "zone_dns_settings/main.tf",
                &["nameservers.ns_set", "from 1 to 5"],
            ),
            // A set only with custom nameservers.
            Step::Vars(&[("ns_type", "cloudflare.standard"), ("ns_set", "2")]),
            Step::PlanFails(
                "zone_dns_settings/main.tf",
                &[
                    "nameservers.ns_set = 2 needs custom nameservers",
                    "not for `cloudflare.standard`",
                ],
            ),
        ],
    );
}

#[test]
fn the_tenants_nameservers_need_the_tenant_to_have_some() {
    run(vec![
        Step::ApplyFails(
            "zone_dns_settings/no_nameservers.tf",
            &[
                "changing the DNS settings of zone",
                "'custom.tenant' needs the tenant's custom nameservers",
                "1064",
            ],
        ),
        Step::OutOfBand(check(|ctx| {
            assert!(
                !ctx.ws.state().contains_key(SETTINGS),
                "nothing was changed"
            );
            assert!(ctx.sim.objects("zone_dns_settings").is_empty());
        })),
    ]);
}
