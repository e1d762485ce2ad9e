//! `cftenant_service_user` end to end: created, read with its own key,
//! secret never printed, imported with the key from the environment, only
//! forgotten (with a warning) on destroy, and created again when it was
//! deleted outside Terraform.

use crate::harness::*;

const SVC: &str = "cftenant_service_user.svc";

#[test]
fn service_user_lifecycle() {
    let mut ctx = Ctx::new();
    ctx.ws.use_config("service_user/basic.tf");
    let apply = ctx.ws.apply();
    let state = ctx.ws.resource(SVC);
    let key = state["api_key"]
        .as_str()
        .expect("api_key in state")
        .to_string();
    assert!(key.len() >= 16, "{key}");
    assert!(
        !apply.contains(&key),
        "the API key appeared in apply output"
    );
    let users = ctx.sim.objects("users");
    assert_eq!(users.len(), 1);
    assert_eq!(users[0]["id"], state["id"]);
    assert_eq!(state["username"], users[0]["username"]);
    // Reading back uses GET /user with the service user's own key.
    let before = ctx.sim.requests("GET /user");
    let (code, plan) = ctx.ws.plan();
    assert_eq!(code, 0, "{plan}");
    assert!(!plan.contains(&key));
    assert!(
        ctx.sim.requests("GET /user") > before,
        "the refresh did not read the user"
    );
    let shown = ctx.ws.ok(&["show", "-no-color"]);
    assert!(
        !shown.contains(&key) && shown.contains("(sensitive value)"),
        "{shown}"
    );

    // Import by email, key from the environment.
    ctx.ws.ok(&["state", "rm", "-no-color", SVC]);
    let out = ctx.ws.terraform(&[
        "import",
        "-input=false",
        "-no-color",
        SVC,
        "svc-customer-1@partner.example",
    ]);
    assert!(!out.status.success());
    assert!(
        output_text(&out).contains("CFTENANT_SERVICE_USER_API_KEY"),
        "{}",
        output_text(&out)
    );
    ctx.ws
        .extra_env
        .push(("CFTENANT_SERVICE_USER_API_KEY".into(), key.clone()));
    let imported = ctx.ws.ok(&[
        "import",
        "-input=false",
        "-no-color",
        SVC,
        "svc-customer-1@partner.example",
    ]);
    assert!(!imported.contains(&key));
    assert_eq!(
        ctx.ws.resource(SVC),
        state,
        "import reads back what create stored"
    );
    ctx.ws.assert_plan_empty();

    // Destroy only forgets the user, and says so.
    let destroyed = ctx
        .ws
        .ok(&["destroy", "-auto-approve", "-input=false", "-no-color"]);
    assert!(
        destroyed.contains("only removed from the Terraform state"),
        "{destroyed}"
    );
    assert!(destroyed.contains("cftenant_account_member"), "{destroyed}");
    assert!(ctx.ws.state().is_empty());
    assert_eq!(
        ctx.sim.objects("users").len(),
        1,
        "Cloudflare cannot delete users"
    );
}

/// Deleted outside Terraform (through Cloudflare; the API has no call for
/// it, the simulator's admin endpoint stands in): the user's own key no
/// longer works, and the next plan creates it again, without an error.
///
/// There is no "changed outside" case for a service user: `email` is its
/// only configurable attribute and no API call changes it.
#[test]
fn service_user_deleted_outside_is_created_again() {
    run(vec![
        Step::Apply(
            "service_user/basic.tf",
            check(|ctx| {
                let state = ctx.ws.resource(SVC);
                ctx.set_var("first_id", state["id"].as_str().unwrap());
                ctx.set_var("first_key", state["api_key"].as_str().unwrap());
            }),
        ),
        Step::OutOfBand(check(|ctx| {
            let id = ctx.ws.vars["first_id"].clone();
            let removed = ctx.sim.admin("DELETE", &format!("/users/{id}"), None);
            assert_eq!(removed["email"], "svc-customer-1@partner.example");
            assert!(ctx.sim.objects("users").is_empty());
        })),
        Step::Plans(vec![planned(SVC, "create")], (1, 0, 0)),
        Step::Apply(
            "service_user/basic.tf",
            check(|ctx| {
                let state = ctx.ws.resource(SVC);
                let users = ctx.sim.objects("users");
                assert_eq!(users.len(), 1, "{users:?}");
                assert_eq!(users[0]["email"], "svc-customer-1@partner.example");
                assert_eq!(state["id"], users[0]["id"]);
                assert_eq!(state["api_key"], users[0]["api_key"]);
                assert_ne!(
                    state["api_key"].as_str().unwrap(),
                    ctx.ws.vars["first_key"],
                    "the new user has a new key"
                );
            }),
        ),
        Step::Destroy(check(|ctx| assert_eq!(ctx.sim.objects("users").len(), 1))),
    ]);
}

fn service_user(email: &str) -> String {
    format!("resource \"cftenant_service_user\" \"svc\" {{\n  email = \"{email}\"\n}}\n")
}

#[test]
fn losing_a_service_users_key_is_refused_or_warned_at_plan() {
    let ctx = Ctx::new();
    ctx.ws
        .write_config(&service_user("svc-keep@partner-example.com"));
    ctx.ws.apply();
    let id = ctx.ws.resource(SVC)["id"].as_str().unwrap().to_string();

    // `-replace` would forget the user (Cloudflare cannot delete it) and
    // then fail to create the same email again: refused at plan.
    let out = ctx.ws.terraform(&[
        "plan",
        "-input=false",
        "-no-color",
        &format!("-replace={SVC}"),
    ]);
    let text = output_text(&out);
    assert!(!out.status.success(), "{text}");
    for needle in [
        "A service user cannot be replaced with itself",
        "Cloudflare cannot delete users",
        "Drop `-replace`",
    ] {
        assert!(text.contains(needle), "no {needle:?} in:\n{text}");
    }

    // The same email in other letter case is no change at all.
    ctx.ws
        .write_config(&service_user("SVC-Keep@Partner-Example.com"));
    ctx.ws.assert_plan_empty();

    // Another email replaces it, with a warning in the plan.
    ctx.ws
        .write_config(&service_user("svc-new@partner-example.com"));
    let (code, text) = ctx.ws.plan();
    assert_eq!(code, 2, "{text}");
    for needle in [
        "Warning: Service user \"svc-keep@partner-example.com\" will be forgotten, not deleted",
        "CFTENANT_SERVICE_USER_API_KEY=<key> terraform import cftenant_service_user.<name> svc-keep@partner-example.com",
    ] {
        assert!(text.contains(needle), "no {needle:?} in:\n{text}");
    }

    // A destroy warns before it happens.
    ctx.ws
        .write_config(&service_user("svc-keep@partner-example.com"));
    let out = ctx
        .ws
        .terraform(&["plan", "-destroy", "-input=false", "-no-color"]);
    let text = output_text(&out);
    assert!(out.status.success(), "{text}");
    for needle in [
        "Warning: Destroying service user \"svc-keep@partner-example.com\" loses its API key",
        "prevent_destroy = true",
    ] {
        assert!(text.contains(needle), "no {needle:?} in:\n{text}");
    }

    // Forgotten, then created again: the refusal says how to recover.
    ctx.ws.ok(&["state", "rm", "-no-color", SVC]);
    let out = ctx
        .ws
        .terraform(&["apply", "-auto-approve", "-input=false", "-no-color"]);
    let text = output_text(&out);
    assert!(!out.status.success(), "{text}");
    for needle in [
        "Cloudflare error 1012",
        "get its API key through Cloudflare and import it",
        "terraform import cftenant_service_user.<name> svc-keep@partner-example.com",
    ] {
        assert!(text.contains(needle), "no {needle:?} in:\n{text}");
    }
    assert_eq!(ctx.sim.objects("users").len(), 1);
    assert_eq!(ctx.sim.objects("users")[0]["id"], id.as_str());
    ctx.destroy();
}
