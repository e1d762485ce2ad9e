//! `data "cftenant_tenant_memberships"` end to end: every membership and
//! field mapped from the API, and an unknown tenant.

use crate::harness::*;

#[test]
fn memberships_match_the_api() {
    let mut ctx = Ctx::new();
    ctx.set_var("tenant_id", TENANT);
    run_with(
        ctx,
        vec![
            Step::Apply(
                "tenant_memberships/read.tf",
                check(|ctx| {
                    let api = ctx
                        .sim
                        .api("GET", &format!("/tenants/{TENANT}/memberships"), None);
                    let api = api.as_array().expect("memberships");
                    assert!(
                        api.len() >= 2,
                        "the simulator should seed several memberships: {api:?}"
                    );
                    let out = ctx.ws.outputs()["memberships"]["value"].clone();
                    let out = out.as_array().expect("memberships output");
                    assert_eq!(out.len(), api.len(), "{out:?}");
                    for (i, (m, o)) in api.iter().zip(out).enumerate() {
                        for field in ["user_email", "user_name", "user_tag"] {
                            assert!(
                                m[field].is_string(),
                                "memberships[{i}].{field} missing from the API: {m}"
                            );
                            assert_eq!(o[field], m[field], "memberships[{i}].{field}");
                        }
                    }
                }),
            ),
            Step::Destroy(check(|_| {})),
        ],
    );
}
