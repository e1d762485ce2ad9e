//! Acceptance scenarios of the official provider
//! (cloudflare/terraform-provider-cloudflare v5, `internal/services/*/resource_test.go`),
//! ported step by step to our step model: the same configurations, the
//! same checks of state and plan, ImportStateVerify (as the `Import` step),
//! and the destroy check the harness ends every test with. Where our
//! behaviour differs on purpose, the step says so.

use crate::harness::*;
use serde_json::json;

const ACCOUNT: &str = "cftenant_account.test";
const ZONE: &str = "cftenant_zone.test";
const PLAN: &str = "cftenant_zone_subscription.test";
const MEMBER: &str = "cftenant_account_member.test";
/// A second account role of the simulator's catalog.
const OTHER_ROLE: &str = "1bdae932431dce82aa4498b71c2d9e1a";

fn id_of(address: &'static str) -> Box<dyn Fn(&Ctx) -> String> {
    Box::new(move |ctx: &Ctx| {
        ctx.ws.resource(address)["id"]
            .as_str()
            .unwrap_or_else(|| panic!("{address} has no id"))
            .to_string()
    })
}

fn member_import_id(ctx: &Ctx) -> String {
    let m = ctx.ws.resource(MEMBER);
    format!(
        "{}/{}",
        m["account_id"].as_str().unwrap(),
        m["id"].as_str().unwrap()
    )
}

/// TestAccCloudflareAccount_Basic: an enterprise account, then the
/// configuration without `type` (and another name): an update that keeps
/// the type; then two-factor enforcement; then import.
#[test]
fn account_basic_removing_type_updates_in_place_and_keeps_it() {
    run(vec![
        Step::Vars(&[("name", "peer-old")]),
        Step::Apply(
            "peer/account_with_type.tf",
            check(|ctx| {
                let state = ctx.ws.resource(ACCOUNT);
                assert_eq!(state["name"], "peer-old");
                assert_eq!(state["type"], "enterprise");
                assert_eq!(state["enforce_twofactor"], false);
            }),
        ),
        Step::Vars(&[("name", "peer-new")]),
        Step::UseConfig("peer/account_name.tf"),
        Step::Plans(
            vec![planned(ACCOUNT, "update")
                .attr("name", json!("peer-old"), json!("peer-new"))
                .attr("type", json!("enterprise"), json!("enterprise"))],
            (0, 1, 0),
        ),
        Step::Apply(
            "peer/account_name.tf",
            check(|ctx| {
                let state = ctx.ws.resource(ACCOUNT);
                assert_eq!(state["name"], "peer-new");
                assert_eq!(state["type"], "enterprise", "removing the line keeps it");
                let id = state["id"].as_str().unwrap();
                assert_eq!(
                    ctx.sim.api("GET", &format!("/accounts/{id}"), None)["type"],
                    "enterprise"
                );
            }),
        ),
        Step::Vars(&[("name", "peer"), ("enforce_twofactor", "true")]),
        Step::UseConfig("peer/account_2fa.tf"),
        Step::Plans(
            vec![planned(ACCOUNT, "update").attr("enforce_twofactor", json!(false), json!(true))],
            (0, 1, 0),
        ),
        Step::Apply(
            "peer/account_2fa.tf",
            check(|ctx| {
                let state = ctx.ws.resource(ACCOUNT);
                assert_eq!(state["name"], "peer");
                assert_eq!(state["type"], "enterprise");
                assert_eq!(state["enforce_twofactor"], true);
            }),
        ),
        Step::Import {
            address: ACCOUNT,
            id: id_of(ACCOUNT),
            check: check(|_| {}),
        },
    ]);
}

/// TestAccCloudflareAccount_2FAEnforced: the name alone (standard, no
/// enforcement), enforcement on, then off, each an update; then import.
#[test]
fn account_two_factor_enforced_and_relaxed_in_place() {
    run(vec![
        Step::Vars(&[("name", "peer-2fa")]),
        Step::Apply(
            "peer/account_name.tf",
            check(|ctx| {
                let state = ctx.ws.resource(ACCOUNT);
                assert_eq!(state["type"], "standard");
                assert_eq!(state["enforce_twofactor"], false);
            }),
        ),
        Step::Vars(&[("enforce_twofactor", "true")]),
        Step::UseConfig("peer/account_2fa.tf"),
        Step::Plans(vec![planned(ACCOUNT, "update")], (0, 1, 0)),
        Step::Apply(
            "peer/account_2fa.tf",
            check(|ctx| assert_eq!(ctx.ws.resource(ACCOUNT)["enforce_twofactor"], true)),
        ),
        Step::Vars(&[("enforce_twofactor", "false")]),
        Step::Plans(vec![planned(ACCOUNT, "update")], (0, 1, 0)),
        Step::Apply(
            "peer/account_2fa.tf",
            check(|ctx| {
                let state = ctx.ws.resource(ACCOUNT);
                assert_eq!(state["enforce_twofactor"], false);
                assert_eq!(state["type"], "standard");
            }),
        ),
        Step::Import {
            address: ACCOUNT,
            id: id_of(ACCOUNT),
            check: check(|_| {}),
        },
    ]);
}

/// TestAccCloudflareZone_PartialSetup and _SetType: a partial zone has a
/// verification key and no Cloudflare nameservers; a full zone has two; the
/// type changes in place.
#[test]
fn zone_partial_setup_and_set_type_in_place() {
    run(vec![
        Step::Vars(&[("type", "full")]),
        Step::Apply(
            "peer/zone.tf",
            check(|ctx| {
                let state = ctx.ws.resource(ZONE);
                assert_eq!(state["type"], "full");
                assert_eq!(state["name_servers"].as_array().unwrap().len(), 2);
                assert_eq!(state["paused"], false);
            }),
        ),
        Step::Vars(&[("type", "partial")]),
        Step::Plans(
            vec![planned(ZONE, "update").attr("type", json!("full"), json!("partial"))],
            (0, 1, 0),
        ),
        Step::Apply(
            "peer/zone.tf",
            check(|ctx| {
                let state = ctx.ws.resource(ZONE);
                assert_eq!(state["type"], "partial");
                assert!(state["verification_key"]
                    .as_str()
                    .is_some_and(|k| !k.is_empty()));
                assert_eq!(
                    state["name_servers"],
                    json!([]),
                    "partial: no Cloudflare nameservers"
                );
            }),
        ),
        Step::Import {
            address: ZONE,
            id: id_of(ZONE),
            check: check(|ctx| {
                assert_eq!(ctx.ws.resource(ZONE)["name_servers"], json!([]));
            }),
        },
    ]);
}

/// TestAccCloudflareZone_TogglePaused: paused false, true, false, each in
/// place, the zone full with two nameservers throughout; then import.
#[test]
fn zone_toggle_paused() {
    let mut steps = Vec::new();
    for (paused, before) in [
        ("false", None),
        ("true", Some(false)),
        ("false", Some(true)),
    ] {
        steps.push(Step::Vars(match paused {
            "true" => &[("paused", "true")],
            _ => &[("paused", "false")],
        }));
        if let Some(before) = before {
            steps.push(Step::UseConfig("peer/zone.tf"));
            steps.push(Step::Plans(
                vec![planned(ZONE, "update").attr("paused", json!(before), json!(!before))],
                (0, 1, 0),
            ));
        }
        steps.push(Step::Apply(
            "peer/zone.tf",
            check(move |ctx| {
                let state = ctx.ws.resource(ZONE);
                assert_eq!(state["paused"], json!(paused == "true"));
                assert_eq!(state["type"], "full");
                assert_eq!(state["name_servers"].as_array().unwrap().len(), 2);
            }),
        ));
    }
    steps.push(Step::Import {
        address: ZONE,
        id: id_of(ZONE),
        check: check(|_| {}),
    });
    run(steps);
}

/// TestAccCloudflareZoneSubscription_WithPlanChange and
/// _CreateZoneWithPlan: plan ids in the API's own words (`enterprise`,
/// `free`) read back as written, import holds the same words (so
/// ImportStateVerify holds), and a second apply plans nothing. Where the
/// official provider stores `frequency = "not-applicable"` for contract
/// plans, ours keeps the configured frequency (`monthly` by default), so
/// the plan stays empty either way.
#[test]
fn zone_subscription_plan_change_in_the_apis_words() {
    run(vec![
        Step::Vars(&[("rate_plan_id", "enterprise")]),
        Step::Apply(
            "peer/zone_subscription.tf",
            check(|ctx| {
                let state = ctx.ws.resource(PLAN);
                assert_eq!(state["rate_plan_id"], "enterprise");
                assert_eq!(state["zone_id"], ctx.ws.resource(ZONE)["id"]);
                assert_eq!(state["id"], state["zone_id"]);
                assert_eq!(state["frequency"], "monthly");
                assert!(!state["currency"].is_null() && !state["state"].is_null());
            }),
        ),
        Step::Import {
            address: PLAN,
            id: id_of(ZONE),
            check: check(|ctx| {
                assert_eq!(ctx.ws.resource(PLAN)["rate_plan_id"], "enterprise");
            }),
        },
        Step::Vars(&[("rate_plan_id", "free")]),
        Step::Plans(
            vec![planned(PLAN, "update").attr("rate_plan_id", json!("enterprise"), json!("free"))],
            (0, 1, 0),
        ),
        Step::Apply(
            "peer/zone_subscription.tf",
            check(|ctx| assert_eq!(ctx.ws.resource(PLAN)["rate_plan_id"], "free")),
        ),
        Step::Import {
            address: PLAN,
            id: id_of(ZONE),
            check: check(|ctx| {
                assert_eq!(ctx.ws.resource(PLAN)["rate_plan_id"], "free");
            }),
        },
        Step::Apply("peer/zone_subscription.tf", check(|_| {})),
    ]);
}

/// TestAccCloudflareAccountMember_RolesUpdate: a pending member with one
/// role, no change on a second plan, another role in place, no change,
/// then import as `<account_id>/<member_id>`.
#[test]
fn account_member_roles_update_in_place() {
    run(vec![
        Step::Vars(&[("role", ADMIN_ROLE)]),
        Step::Apply(
            "peer/member_roles.tf",
            check(|ctx| {
                let state = ctx.ws.resource(MEMBER);
                assert_eq!(state["status"], "pending");
                assert_eq!(state["roles"], json!([ADMIN_ROLE]));
            }),
        ),
        Step::Vars(&[("role", OTHER_ROLE)]),
        Step::Plans(
            vec![planned(MEMBER, "update").attr("roles", json!([ADMIN_ROLE]), json!([OTHER_ROLE]))],
            (0, 1, 0),
        ),
        Step::Apply(
            "peer/member_roles.tf",
            check(|ctx| assert_eq!(ctx.ws.resource(MEMBER)["roles"], json!([OTHER_ROLE]))),
        ),
        Step::Import {
            address: MEMBER,
            id: Box::new(member_import_id),
            check: check(|_| {}),
        },
    ]);
}
