//! `data "cftenant_account_roles"` end to end: every role and field mapped
//! from the API, picking the Administrator role by name, a malformed id
//! rejected at plan time, and an unknown account.

use crate::harness::*;
use serde_json::json;

fn create_account(ctx: &Ctx) -> String {
    let account = ctx
        .sim
        .api("POST", "/accounts", Some(json!({"name": "Roles Test"})));
    account["id"].as_str().expect("account id").to_string()
}

#[test]
fn roles_match_the_api_and_administrator_is_found_by_name() {
    let mut ctx = Ctx::new();
    let account_id = create_account(&ctx);
    ctx.set_var("account_id", &account_id);
    run_with(
        ctx,
        vec![
            Step::Apply(
                "account_roles/read.tf",
                check(move |ctx| {
                    let api = ctx.sim.api(
                        "GET",
                        &format!("/accounts/{account_id}/roles?per_page=50"),
                        None,
                    );
                    let api = api.as_array().expect("roles");
                    assert!(api.len() > 1, "{api:?}");
                    let outputs = ctx.ws.outputs();
                    let out = outputs["roles"]["value"].as_array().expect("roles output");
                    assert_eq!(out.len(), api.len(), "{out:?}");
                    for (i, (r, o)) in api.iter().zip(out).enumerate() {
                        for field in ["id", "name", "description"] {
                            assert!(
                                r[field].is_string(),
                                "roles[{i}].{field} missing from the API: {r}"
                            );
                            assert_eq!(o[field], r[field], "roles[{i}].{field}");
                        }
                    }
                    assert_eq!(outputs["administrator_role_id"]["value"], ADMIN_ROLE);
                }),
            ),
            Step::Destroy(check(|_| {})),
        ],
    );
}

#[test]
fn malformed_account_id_fails_at_plan() {
    let mut ctx = Ctx::new();
    ctx.set_var("account_id", "not-an-id");
    run_with(
        ctx,
        vec![Step::PlanFails(
            "account_roles/read.tf",
            &["account_id", "\"not-an-id\" is not a Cloudflare id"],
        )],
    );
}

#[test]
fn unknown_account_is_a_clear_error() {
    let mut ctx = Ctx::new();
    ctx.set_var("account_id", "0123456789abcdef0123456789abcdef");
    run_with(
        ctx,
        vec![Step::PlanFails(
            "account_roles/read.tf",
            &[
                "Error listing the roles of account \"0123456789abcdef0123456789abcdef\"",
                "HTTP 404",
            ],
        )],
    );
}
