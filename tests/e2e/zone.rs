//! `cftenant_zone` end to end.

use crate::harness::*;

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
            "zone/basic.tf",
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
                assert_eq!(state["plan_id"], api["plan"]["id"]);
                assert_eq!(state["created_on"], api["created_on"]);
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
        Step::Apply(
            "zone/paused.tf",
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
        Step::PlanShows(&["~ paused", "false -> true", "1 to change, 0 to destroy"]),
        Step::Apply(
            "zone/paused.tf",
            check(|ctx| {
                assert_eq!(
                    ctx.sim
                        .api("GET", &format!("/zones/{}", zone_id(ctx)), None)["paused"],
                    true
                )
            }),
        ),
        Step::UseConfig("zone/renamed.tf"),
        Step::PlanShows(&[
            "must be replaced",
            "forces replacement",
            "1 to add, 0 to change, 1 to destroy",
        ]),
        Step::UseConfig("zone/paused.tf"),
        Step::OutOfBand(check(|ctx| {
            ctx.sim
                .api("DELETE", &format!("/zones/{}", zone_id(ctx)), None);
        })),
        Step::PlanShows(&[
            "cftenant_zone.main will be created",
            "1 to add, 0 to change, 0 to destroy",
        ]),
        Step::Apply(
            "zone/paused.tf",
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
