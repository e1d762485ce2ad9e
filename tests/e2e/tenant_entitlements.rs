//! `data "cftenant_tenant_entitlements"` end to end: each fixed entitlement
//! flattened to its own value, custom entitlements with their JSON-encoded
//! values, and an unknown tenant.

use crate::harness::*;
use serde_json::{json, Value as Json};

/// Sets the simulated tenant's boolean entitlements (`PATCH /__sim/entitlements`).
fn set_entitlements(ctx: &Ctx, flags: Json) {
    let resp = reqwest::blocking::Client::new()
        .patch(format!("{}/__sim/entitlements", ctx.sim.root))
        .json(&flags)
        .send()
        .expect("PATCH /__sim/entitlements");
    assert!(
        resp.status().is_success(),
        "PATCH /__sim/entitlements {flags}: {}",
        resp.text().unwrap_or_default()
    );
}

/// Compares the output with the API field by field.
fn assert_output_matches_api(ctx: &Ctx) {
    let api = ctx
        .sim
        .api("GET", &format!("/tenants/{TENANT}/entitlements"), None);
    let out = &ctx.ws.outputs()["entitlements"]["value"];
    assert_eq!(out["tenant_id"], TENANT);
    for field in [
        "allow_add_subdomain",
        "allow_auto_accept_invites",
        "cname_setup_allowed",
        "partial_setup_allowed",
        "mhs_certificate_count",
    ] {
        assert!(
            !api[field]["value"].is_null(),
            "the simulator gives no {field}: {api}"
        );
        assert_eq!(out[field], api[field]["value"], "{field}");
    }
    let custom = api["custom_entitlements"]
        .as_array()
        .expect("custom_entitlements");
    let ours = out["custom_entitlements"]
        .as_array()
        .expect("custom_entitlements output");
    assert_eq!(ours.len(), custom.len(), "{out}");
    for (i, (c, o)) in custom.iter().zip(ours).enumerate() {
        assert_eq!(
            o["feature_key"], c["feature"]["key"],
            "custom_entitlements[{i}].feature_key"
        );
        assert_eq!(
            o["allocation_type"], c["allocation"]["type"],
            "custom_entitlements[{i}].allocation_type"
        );
        let value = &c["allocation"]["value"];
        if value.is_null() {
            assert_eq!(
                o["allocation_value"],
                Json::Null,
                "custom_entitlements[{i}]: a null value stays null, not \"null\""
            );
        } else {
            let decoded: Json = serde_json::from_str(
                o["allocation_value"]
                    .as_str()
                    .expect("allocation_value is a string"),
            )
            .unwrap();
            assert_eq!(&decoded, value, "custom_entitlements[{i}].allocation_value");
        }
    }
}

#[test]
fn entitlements_match_the_api() {
    let mut ctx = Ctx::new();
    ctx.set_var("tenant_id", TENANT);
    run_with(
        ctx,
        vec![
            // Two patterns in which every entitlement has a different pair of
            // values, so any two fields swapped in the mapping fail one of them.
            Step::OutOfBand(check(|ctx| {
                set_entitlements(
                    ctx,
                    json!({"allow_add_subdomain": false, "allow_auto_accept_invites": true, "cname_setup_allowed": false, "partial_setup_allowed": true}),
                )
            })),
            Step::Apply(
                "tenant_entitlements/read.tf",
                check(|ctx| {
                    assert_output_matches_api(ctx);
                    // The seeded custom entitlements hold a bool, a count and a
                    // null: their encodings must stay apart.
                    let values: Vec<Json> = ctx.ws.outputs()["entitlements"]["value"]
                        ["custom_entitlements"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|c| c["allocation_value"].clone())
                        .collect();
                    assert!(values.contains(&json!("true")), "{values:?}");
                    assert!(values.contains(&json!("500")), "{values:?}");
                    assert!(values.contains(&Json::Null), "{values:?}");
                }),
            ),
            Step::OutOfBand(check(|ctx| {
                set_entitlements(
                    ctx,
                    json!({"allow_add_subdomain": false, "allow_auto_accept_invites": false, "cname_setup_allowed": true, "partial_setup_allowed": true}),
                )
            })),
            Step::Apply(
                "tenant_entitlements/read.tf",
                check(|ctx| assert_output_matches_api(ctx)),
            ),
            Step::Destroy(check(|_| {})),
        ],
    );
}
