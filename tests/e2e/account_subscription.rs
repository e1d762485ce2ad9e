//! `cftenant_account_subscription` end to end.

use crate::harness::*;
use serde_json::json;

const ADDRESS: &str = "cftenant_account_subscription.zero_trust";

/// `testdata/account_subscription/main.tf`: TEAMS_STANDARD, on the terms
/// set by the variables.
const CONFIG: &str = "account_subscription/main.tf";

/// 75 seats, monthly (the frequency left to its default).
const SEATS_75: &[(&str, &str)] = &[
    ("frequency", "null"),
    ("component_values", r#"[{ name = "users", value = 75 }]"#),
];
/// No component_values: the plan's default seats.
const DEFAULT_SEATS: &[(&str, &str)] = &[("frequency", "null"), ("component_values", "null")];
const YEARLY_100: &[(&str, &str)] = &[
    ("frequency", "yearly"),
    ("component_values", r#"[{ name = "users", value = 100 }]"#),
];

fn ids(ctx: &Ctx) -> (String, String) {
    let s = ctx.ws.resource(ADDRESS);
    (
        s["account_id"].as_str().unwrap().to_string(),
        s["id"].as_str().unwrap().to_string(),
    )
}

fn api(ctx: &Ctx) -> serde_json::Value {
    let (account, id) = ids(ctx);
    ctx.sim.api(
        "GET",
        &format!("/accounts/{account}/subscriptions/{id}"),
        None,
    )
}

#[test]
fn account_subscription_lifecycle() {
    run(vec![
        Step::Vars(SEATS_75),
        Step::Apply(
            CONFIG,
            check(|ctx| {
                let api = api(ctx);
                let state = ctx.ws.resource(ADDRESS);
                assert_eq!(api["rate_plan"]["id"], "TEAMS_STANDARD");
                assert_eq!(api["component_values"][0]["value"], 75);
                assert_eq!(state["price"], api["price"]);
                assert_eq!(state["frequency"], "monthly");
                assert_eq!(state["current_period_start"], api["current_period_start"]);
                ctx.set_var("first_id", &ids(ctx).1);
            }),
        ),
        // Removing component_values returns the seats to the plan's default
        // on the API (and the price with them); the state says so too.
        Step::Vars(DEFAULT_SEATS),
        Step::Apply(
            CONFIG,
            check(|ctx| {
                let api = api(ctx);
                let users = &api["component_values"][0];
                assert_eq!(users["name"], "users");
                assert_eq!(users["value"], users["default"], "{api}");
                assert_eq!(api["price"], 7, "no extra seats paid for: {api}");
                let state = ctx.ws.resource(ADDRESS);
                assert!(state["component_values"].is_null(), "{state}");
                assert_eq!(ctx.ws.vars["first_id"], ids(ctx).1, "changed in place");
            }),
        ),
        Step::Vars(YEARLY_100),
        Step::Apply(
            CONFIG,
            check(|ctx| {
                assert_eq!(
                    ctx.ws.vars["first_id"],
                    ids(ctx).1,
                    "frequency and quantities change in place"
                );
                let api = api(ctx);
                assert_eq!(api["frequency"], "yearly");
                assert_eq!(api["component_values"][0]["value"], 100);
                assert_eq!(ctx.ws.resource(ADDRESS)["price"], api["price"]);
            }),
        ),
        // Changed outside Terraform (another plan, frequency and quantity):
        // the next plan puts it back in place, without an error.
        Step::OutOfBand(check(|ctx| {
            let (account, id) = ids(ctx);
            let changed = ctx.sim.api(
                "PUT",
                &format!("/accounts/{account}/subscriptions/{id}"),
                Some(serde_json::json!({
                    "rate_plan": {"id": "TEAMS_ACCESS"},
                    "frequency": "monthly",
                    "component_values": [{"name": "users", "value": 60}],
                })),
            );
            assert_eq!(changed["rate_plan"]["id"], "TEAMS_ACCESS");
            assert_eq!(changed["id"], id.as_str());
        })),
        Step::Plans(
            vec![planned(ADDRESS, "update")
                .attr(
                    "rate_plan_id",
                    json!("TEAMS_ACCESS"),
                    json!("TEAMS_STANDARD"),
                )
                .attr("frequency", json!("monthly"), json!("yearly"))
                .attr("component_values.0.value", json!(60), json!(100))],
            (0, 1, 0),
        ),
        Step::Vars(YEARLY_100),
        Step::Apply(
            CONFIG,
            check(|ctx| {
                assert_eq!(
                    ctx.ws.vars["first_id"],
                    ids(ctx).1,
                    "drift is corrected in place"
                );
                let api = api(ctx);
                assert_eq!(api["rate_plan"]["id"], "TEAMS_STANDARD");
                assert_eq!(api["frequency"], "yearly");
                assert_eq!(api["component_values"][0]["value"], 100);
                assert_eq!(ctx.sim.objects("account_subscriptions").len(), 1);
            }),
        ),
        // Deleted outside Terraform: the next plan creates it again.
        Step::OutOfBand(check(|ctx| {
            let (account, id) = ids(ctx);
            ctx.sim.api(
                "DELETE",
                &format!("/accounts/{account}/subscriptions/{id}"),
                None,
            );
        })),
        Step::Plans(vec![planned(ADDRESS, "create")], (1, 0, 0)),
        Step::Vars(YEARLY_100),
        Step::Apply(
            CONFIG,
            check(|ctx| assert_eq!(ctx.sim.objects("account_subscriptions").len(), 1)),
        ),
        Step::Import {
            address: ADDRESS,
            id: Box::new(|ctx: &Ctx| {
                let (account, id) = ids(ctx);
                format!("{account}/{id}")
            }),
            check: check(|ctx| assert_eq!(ctx.ws.resource(ADDRESS)["frequency"], "yearly")),
        },
        Step::Destroy(check(|ctx| {
            assert!(ctx.sim.objects("account_subscriptions").is_empty());
            assert!(ctx.sim.objects("accounts").is_empty());
        })),
    ]);
}

#[test]
fn account_subscription_import_id_is_checked() {
    let ctx = Ctx::new();
    ctx.ws.use_config(CONFIG);
    let out = ctx.ws.terraform(&[
        "import",
        "-input=false",
        "-no-color",
        ADDRESS,
        "0123456789abcdef0123456789abcdef",
    ]);
    let text = output_text(&out);
    assert!(!out.status.success());
    assert!(text.contains("<account_id>/<subscription_id>"), "{text}");
}
