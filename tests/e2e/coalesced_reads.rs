//! Reads answered from list endpoints, or read ahead of Terraform, give
//! exactly what single reads give: the same plan, the same refreshed state,
//! drift and deletions seen alike, for far fewer requests.

use crate::harness::*;
use serde_json::{json, Value as Json};
use std::collections::BTreeMap;

/// Requests the simulator answered so far, by `METHOD /template`.
fn requests(ctx: &Ctx) -> BTreeMap<String, u64> {
    ctx.sim.stats()["requests"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_u64().unwrap()))
        .collect()
}

/// A plan's JSON, without what differs between any two runs, and the
/// requests it took, by `METHOD /template`.
fn plan_json(ctx: &mut Ctx, single_reads: bool) -> (Json, BTreeMap<String, u64>) {
    if single_reads {
        ctx.ws
            .extra_env
            .push(("CFTENANT_COALESCE_READS".into(), "0".into()));
    }
    let before = requests(ctx);
    let out = ctx
        .ws
        .terraform(&["plan", "-input=false", "-no-color", "-out=compare.tfplan"]);
    ctx.ws
        .extra_env
        .retain(|(k, _)| k != "CFTENANT_COALESCE_READS");
    assert!(out.status.success(), "{}", output_text(&out));
    let mut made = requests(ctx);
    for (template, count) in &mut made {
        *count -= before.get(template).copied().unwrap_or(0);
    }
    let mut plan = ctx
        .ws
        .json(&["show", "-json", "-no-color", "compare.tfplan"]);
    for key in ["timestamp", "terraform_version"] {
        plan.as_object_mut().unwrap().remove(key);
    }
    (plan, made)
}

#[test]
fn reads_through_lists_equal_single_reads_drift_and_deletion_included() {
    let mut ctx = Ctx::new();
    ctx.ws.use_config("coalesced_reads.tf");
    ctx.ws.apply();

    // Drift and deletions made outside Terraform.
    let state = ctx.ws.state();
    let id = |address: &str| state[address]["id"].as_str().unwrap().to_string();
    let account = |key: &str| id(&format!("cftenant_account.customer[\"{key}\"]"));
    let zone = |key: &str| id(&format!("cftenant_zone.customer[\"{key}\"]"));
    ctx.sim.api(
        "PUT",
        &format!("/accounts/{}", account("c07")),
        Some(json!({"name": "Renamed elsewhere"})),
    );
    ctx.sim.api(
        "PUT",
        &format!("/accounts/{}", account("c41")),
        Some(json!({"name": "Renamed too"})),
    );
    ctx.sim
        .api("DELETE", &format!("/accounts/{}", account("c13")), None);
    ctx.sim
        .api("DELETE", &format!("/accounts/{}", account("c59")), None);
    ctx.sim
        .api("DELETE", &format!("/zones/{}", zone("c22")), None);
    ctx.sim.api(
        "PATCH",
        &format!("/zones/{}", zone("c30")),
        Some(json!({"paused": true})),
    );
    let c00 = account("c00");
    let member = id("cftenant_account_member.team[\"grace\"]");
    ctx.sim
        .api("DELETE", &format!("/accounts/{c00}/members/{member}"), None);
    let member = id("cftenant_account_member.team[\"alan\"]");
    ctx.sim.api(
        "PUT",
        &format!("/accounts/{c00}/members/{member}"),
        Some(json!({"roles": [{"id": "1bdae932431dce82aa4498b71c2d9e1a"}]})),
    );
    let owner = id("cftenant_account_member.owner[\"c10\"]");
    ctx.sim.api(
        "DELETE",
        &format!("/accounts/{}/members/{owner}", account("c10")),
        None,
    );
    let owner = id("cftenant_account_member.owner[\"c11\"]");
    ctx.sim.api(
        "PUT",
        &format!("/accounts/{}/members/{owner}", account("c11")),
        Some(json!({"roles": [{"id": "1bdae932431dce82aa4498b71c2d9e1a"}]})),
    );
    ctx.sim.api(
        "PUT",
        &format!("/zones/{}/subscription", zone("c05")),
        Some(json!({"rate_plan": {"id": "PARTNERS_BIZ"}})),
    );
    let addon = id("cftenant_account_subscription.addon[\"TEAMS_STANDARD\"]");
    ctx.sim.api(
        "DELETE",
        &format!("/accounts/{c00}/subscriptions/{addon}"),
        None,
    );

    let (single, single_requests) = plan_json(&mut ctx, true);
    let (coalesced, coalesced_requests) = plan_json(&mut ctx, false);
    for part in [
        "resource_changes",
        "resource_drift",
        "prior_state",
        "planned_values",
    ] {
        assert_eq!(
            coalesced[part], single[part],
            "{part} differs between reads through lists and single reads"
        );
    }
    // The drift is seen, as it should be: the deleted recreated, the changed
    // put back, nothing else.
    let actions: std::collections::BTreeMap<String, Json> = coalesced["resource_changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["change"]["actions"] != json!(["no-op"]))
        .map(|c| {
            (
                c["address"].as_str().unwrap().to_string(),
                c["change"]["actions"].clone(),
            )
        })
        .collect();
    let create = json!(["create"]);
    let update = json!(["update"]);
    let expected: std::collections::BTreeMap<String, Json> = [
        ("cftenant_account.customer[\"c07\"]", &update),
        ("cftenant_account.customer[\"c41\"]", &update),
        ("cftenant_account.customer[\"c13\"]", &create),
        ("cftenant_account.customer[\"c59\"]", &create),
        ("cftenant_zone.customer[\"c13\"]", &create),
        ("cftenant_zone.customer[\"c59\"]", &create),
        ("cftenant_zone.customer[\"c22\"]", &create),
        ("cftenant_account_member.team[\"grace\"]", &create),
        ("cftenant_account_member.team[\"alan\"]", &update),
        ("cftenant_account_member.owner[\"c10\"]", &create),
        ("cftenant_account_member.owner[\"c11\"]", &update),
        ("cftenant_account_member.owner[\"c13\"]", &create),
        ("cftenant_zone_subscription.customer[\"c05\"]", &update),
        ("cftenant_zone_subscription.customer[\"c13\"]", &create),
        ("cftenant_zone_subscription.customer[\"c22\"]", &create),
        (
            "cftenant_account_subscription.addon[\"TEAMS_STANDARD\"]",
            &create,
        ),
    ]
    .into_iter()
    .map(|(a, v)| (a.to_string(), v.clone()))
    .collect();
    assert_eq!(actions, expected);
    // A zone paused elsewhere, which the configuration leaves to Cloudflare,
    // is drift noted, not a change.
    assert!(
        coalesced["resource_drift"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["address"] == "cftenant_zone.customer[\"c30\"]"
                && d["change"]["after"]["paused"] == true),
        "{}",
        coalesced["resource_drift"]
    );
    let count = |made: &BTreeMap<String, u64>, templates: &[&str]| -> u64 {
        templates
            .iter()
            .map(|t| made.get(*t).copied().unwrap_or(0))
            .sum()
    };
    let total = |made: &BTreeMap<String, u64>| made.values().sum::<u64>();
    println!(
        "coalesced reads: {} requests one by one, {} through lists and read ahead; {:?}",
        total(&single_requests),
        total(&coalesced_requests),
        coalesced_requests
    );
    // Accounts and zones are read through their lists: a few pages, the
    // reads before the lists pay off, and a GET confirming each deletion.
    // One by one, a read each; the two accounts to create also have their
    // name checked against the tenant's accounts: the list, once (2 pages).
    for (templates, one_by_one) in [
        (&["GET /accounts/{account_id}", "GET /accounts"][..], 62),
        (&["GET /zones/{zone_id}", "GET /zones"], 60),
    ] {
        assert_eq!(count(&single_requests, templates), one_by_one);
        let coalesced = count(&coalesced_requests, templates);
        assert!(
            coalesced <= 10,
            "{templates:?}: {coalesced} requests for 60 reads"
        );
    }
    // Members, zone plans and add-ons are read ahead: what nobody used costs at
    // most two requests plus one per two reads.
    for templates in [
        &[
            "GET /accounts/{account_id}/members/{member_id}",
            "GET /accounts/{account_id}/members",
        ][..],
        &["GET /zones/{zone_id}/subscription"],
        &["GET /accounts/{account_id}/subscriptions"],
    ] {
        let single = count(&single_requests, templates);
        let coalesced = count(&coalesced_requests, templates);
        assert!(
            coalesced <= single + 2 + single / 2,
            "{templates:?}: {coalesced} requests read ahead for {single} reads"
        );
    }
    ctx.ws.apply();
    ctx.ws.assert_plan_empty();
    ctx.destroy();
}
