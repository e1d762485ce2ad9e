//! `data "cftenant_tenant_account_types"` end to end: the list as the API
//! gives it, and an unknown tenant.

use crate::harness::*;

#[test]
fn account_types_match_the_api() {
    let mut ctx = Ctx::new();
    ctx.set_var("tenant_id", TENANT);
    run_with(
        ctx,
        vec![
            Step::Apply(
                "tenant_account_types/read.tf",
                check(|ctx| {
                    let api = ctx
                        .sim
                        .api("GET", &format!("/tenants/{TENANT}/account_types"), None);
                    assert!(
                        api.as_array().is_some_and(|types| types.len() >= 2),
                        "{api}"
                    );
                    assert_eq!(ctx.ws.outputs()["account_types"]["value"], api);
                }),
            ),
            Step::Destroy(check(|_| {})),
        ],
    );
}
