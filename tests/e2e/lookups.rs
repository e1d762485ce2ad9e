//! The lookups, end to end: `cftenant_account`, `cftenant_account_members`,
//! `cftenant_zones`, `cftenant_zone_rate_plans`, `cftenant_permission_groups`
//! and `cftenant_resource_groups` read what a configuration made (a member
//! is granted a permission group chosen by name, no id hard-coded), each
//! field as the API has it; bad filters fail at plan naming the attribute.

use crate::harness::*;
use serde_json::Value as Json;

fn output(ctx: &Ctx, name: &str) -> Json {
    ctx.ws.outputs()[name]["value"].clone()
}

#[test]
fn every_lookup_reads_what_the_configuration_made() {
    run(vec![
        Step::Apply(
            "lookups/main.tf",
            check(|ctx| {
                let account = ctx.ws.resource("cftenant_account.a");
                let account_id = account["id"].as_str().unwrap().to_string();
                let api = |path: &str| ctx.sim.api("GET", path, None);

                let read = output(ctx, "account");
                let held = api(&format!("/accounts/{account_id}"));
                assert_eq!(read["id"], held["id"]);
                assert_eq!(read["name"], "Lookups Co");
                assert_eq!(read["type"], held["type"]);
                assert_eq!(read["unit_id"], account["unit_id"]);
                assert_eq!(
                    read["managed_by"]["parent_org_id"],
                    held["managed_by"]["parent_org_id"]
                );
                assert_eq!(
                    read["enforce_twofactor"],
                    held["settings"]["enforce_twofactor"]
                );

                // The member's policy names the DNS role's permission group,
                // found by name.
                let groups = output(ctx, "permission_groups");
                let listed = api(&format!(
                    "/accounts/{account_id}/iam/permission_groups?per_page=50"
                ));
                assert_eq!(
                    groups.as_array().map(Vec::len),
                    listed.as_array().map(Vec::len)
                );
                let dns_group = listed
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|g| g["name"] == "DNS")
                    .expect("a DNS permission group")["id"]
                    .clone();
                let member = ctx.ws.resource("cftenant_account_member.dns");
                assert_eq!(member["policies"][0]["permission_group_ids"][0], dns_group);
                let resource_groups = output(ctx, "resource_groups");
                let held_groups = api(&format!("/accounts/{account_id}/iam/resource_groups"));
                assert_eq!(resource_groups[0]["id"], held_groups[0]["id"]);
                assert_eq!(
                    resource_groups[0]["scope_key"],
                    held_groups[0]["scope"]["key"]
                );
                assert_eq!(
                    member["policies"][0]["resource_group_ids"][0],
                    held_groups[0]["id"]
                );

                let members = output(ctx, "members");
                let held_members = api(&format!("/accounts/{account_id}/members?per_page=50"));
                assert_eq!(
                    members.as_array().map(Vec::len),
                    held_members.as_array().map(Vec::len)
                );
                let dns = members
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|m| m["email"] == "dns@lookups.example")
                    .unwrap_or_else(|| panic!("the new member is not listed: {members}"));
                assert_eq!(dns["id"], member["id"]);
                assert_eq!(dns["status"], "pending");

                // One zone by name; both by status; ids as the API has them.
                let shop = output(ctx, "shop");
                let shop_zone = ctx.ws.resource("cftenant_zone.shop");
                assert_eq!(shop.as_array().map(Vec::len), Some(1), "{shop}");
                assert_eq!(shop[0]["id"], shop_zone["id"]);
                assert_eq!(shop[0]["account_id"], account_id.as_str());
                assert_eq!(shop[0]["name_servers"], shop_zone["name_servers"]);
                let pending = output(ctx, "pending");
                let mut names: Vec<&str> = pending
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|z| z["name"].as_str().unwrap())
                    .collect();
                names.sort();
                assert_eq!(names, ["lookups-blog.com", "lookups-shop.com"]);

                let plans = output(ctx, "rate_plans");
                let offered = api(&format!(
                    "/zones/{}/available_rate_plans",
                    shop_zone["id"].as_str().unwrap()
                ));
                let ids = |v: &Json| -> Vec<Json> {
                    v.as_array()
                        .unwrap()
                        .iter()
                        .map(|p| p["id"].clone())
                        .collect()
                };
                assert_eq!(ids(&plans), ids(&offered));
                assert!(!ids(&plans).is_empty());
                let with_components = offered
                    .as_array()
                    .unwrap()
                    .iter()
                    .position(|p| p["components"].as_array().is_some_and(|c| !c.is_empty()))
                    .expect("a rate plan with components");
                assert_eq!(
                    plans[with_components]["components"][0]["name"],
                    offered[with_components]["components"][0]["name"]
                );
            }),
        ),
        Step::Destroy(check(|ctx| {
            assert!(ctx.sim.objects("accounts").is_empty());
        })),
    ]);
}

#[test]
fn bad_lookups_fail_at_plan_naming_the_attribute() {
    run(vec![Step::PlanFails(
        "lookups/invalid.tf",
        &[
            "account_id",
            "32 lowercase hexadecimal",
            "\"Example..com\" is not a valid domain name",
            "\"live\" is not allowed",
            "zone_id",
        ],
    )]);
}

#[test]
fn an_unknown_account_is_said_to_be_unknown() {
    let mut ctx = Ctx::new();
    ctx.set_var("account_id", "0123456789abcdef0123456789abcdef");
    run_with(
        ctx,
        vec![Step::PlanFails(
            "lookups/unknown.tf",
            &[
                "reading account 0123456789abcdef0123456789abcdef",
                "unknown, or not in your tenant",
            ],
        )],
    );
}
