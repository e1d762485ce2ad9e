//! `data "cftenant_tenant_accounts"` end to end: an empty tenant, more
//! accounts than one page holds (all listed, every field mapped), and an
//! unknown tenant.

use crate::harness::*;
use serde_json::json;
use std::collections::BTreeSet;

/// More than one page of 50 (the data source's page size).
const ACCOUNTS: usize = 60;
const LIST_TEMPLATE: &str = "GET /tenants/{tenant_id}/accounts";

fn list_requests(ctx: &Ctx) -> u64 {
    ctx.sim.requests(LIST_TEMPLATE)
}

#[test]
fn every_account_is_listed_across_pages() {
    let mut ctx = Ctx::new();
    ctx.set_var("tenant_id", TENANT);
    run_with(
        ctx,
        vec![
            Step::Apply(
                "tenant_accounts/read.tf",
                check(|ctx| assert_eq!(ctx.ws.outputs()["accounts"]["value"], json!([]))),
            ),
            // Every third account is enterprise, so a wrong `type` mapping shows.
            Step::OutOfBand(check(|ctx| {
                for i in 0..ACCOUNTS {
                    let account_type = if i % 3 == 0 { "enterprise" } else { "standard" };
                    ctx.sim.api(
                        "POST",
                        "/accounts",
                        Some(json!({"name": format!("Customer {i:02}"), "type": account_type})),
                    );
                }
            })),
            Step::Apply(
                "tenant_accounts/read.tf",
                check(|ctx| {
                    // Without page parameters the simulator answers with the whole list.
                    let api = ctx
                        .sim
                        .api("GET", &format!("/tenants/{TENANT}/accounts"), None);
                    let api = api.as_array().expect("accounts");
                    assert_eq!(api.len(), ACCOUNTS);
                    let out = ctx.ws.outputs()["accounts"]["value"].clone();
                    let out = out.as_array().expect("accounts output");
                    assert_eq!(out.len(), ACCOUNTS, "not every page was read");
                    for (i, (a, o)) in api.iter().zip(out).enumerate() {
                        for field in ["id", "name", "type", "created_on"] {
                            assert!(
                                a[field].is_string(),
                                "accounts[{i}].{field} missing from the API: {a}"
                            );
                            assert_eq!(o[field], a[field], "accounts[{i}].{field}");
                        }
                    }
                    // Every account the simulator stores, each exactly once.
                    let listed: BTreeSet<&str> =
                        out.iter().map(|o| o["id"].as_str().unwrap()).collect();
                    let stored: Vec<serde_json::Value> = ctx.sim.objects("accounts");
                    let stored: BTreeSet<&str> =
                        stored.iter().map(|a| a["id"].as_str().unwrap()).collect();
                    assert_eq!(listed, stored);

                    // One plan reads the data source once: two pages of 50.
                    let before = list_requests(ctx);
                    let (code, text) = ctx.ws.plan();
                    assert_eq!(code, 0, "{text}");
                    assert_eq!(list_requests(ctx) - before, ACCOUNTS.div_ceil(50) as u64);
                }),
            ),
            Step::Destroy(check(|_| {})),
        ],
    );
}
