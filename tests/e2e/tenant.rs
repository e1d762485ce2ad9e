//! `data "cftenant_tenant"` end to end: every field mapped from the API.

use crate::harness::*;

#[test]
fn tenant_fields_match_the_api() {
    let mut ctx = Ctx::new();
    ctx.set_var("tenant_id", TENANT);
    run_with(
        ctx,
        vec![
            Step::Apply(
                "tenant/read.tf",
                check(|ctx| {
                    let api = ctx.sim.api("GET", &format!("/tenants/{TENANT}"), None);
                    let out = &ctx.ws.outputs()["tenant"]["value"];
                    for field in [
                        "tenant_tag",
                        "tenant_name",
                        "tenant_type",
                        "tenant_status",
                        "customer_id",
                        "cdate",
                        "edate",
                    ] {
                        assert_eq!(out[field], api[field], "{field}");
                    }
                    assert_eq!(out["tenant_labels"], api["tenant_labels"]);
                    assert_eq!(
                        out["tenant_contacts"]["email"],
                        api["tenant_contacts"]["email"]
                    );
                    assert_eq!(
                        out["tenant_metadata"]["dns"]["ns_pool"]["primary"],
                        api["tenant_metadata"]["dns"]["ns_pool"]["primary"]
                    );
                    let units = api["tenant_units"].as_array().unwrap();
                    assert_eq!(units.len(), 2);
                    for (i, u) in units.iter().enumerate() {
                        let ours = &out["tenant_units"][i];
                        for f in ["unit_tag", "unit_name", "unit_status"] {
                            assert_eq!(ours[f], u[f], "tenant_units[{i}].{f}");
                        }
                        let meta: serde_json::Value =
                            serde_json::from_str(ours["unit_metadata"].as_str().unwrap()).unwrap();
                        assert_eq!(meta, u["unit_metadata"]);
                    }
                    let network: serde_json::Value =
                        serde_json::from_str(out["tenant_network"].as_str().unwrap()).unwrap();
                    assert_eq!(network, api["tenant_network"]);
                }),
            ),
            Step::Destroy(check(|_| {})),
        ],
    );
}

/// Every data source that reads a tenant says which tenant it could not
/// find, and what it was reading.
#[test]
fn unknown_tenant_is_a_clear_error() {
    let mut ctx = Ctx::new();
    ctx.set_var("tenant_id", "00000000000000000000000000000000");
    run_with(
        ctx,
        vec![
            Step::PlanFails(
                "tenant/read.tf",
                &[
                    "Error reading tenant \"00000000000000000000000000000000\"",
                    "HTTP 404",
                ],
            ),
            Step::PlanFails(
                "tenant_account_types/read.tf",
                &[
                    "Error listing the account types of tenant \"00000000000000000000000000000000\"",
                    "HTTP 404",
                ],
            ),
            Step::PlanFails(
                "tenant_accounts/read.tf",
                &[
                    "Error listing the accounts of tenant \"00000000000000000000000000000000\"",
                    "HTTP 404",
                ],
            ),
            Step::PlanFails(
                "tenant_entitlements/read.tf",
                &[
                    "Error reading the entitlements of tenant \"00000000000000000000000000000000\"",
                    "HTTP 404",
                ],
            ),
            Step::PlanFails(
                "tenant_memberships/read.tf",
                &[
                    "Error listing the memberships of tenant \"00000000000000000000000000000000\"",
                    "HTTP 404",
                ],
            ),
        ],
    );
}
