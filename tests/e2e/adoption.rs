//! A create whose request is lost never takes over what was there before.
//!
//! An object of the same natural key exists (made through the API, not by
//! this configuration, an hour before by the server's clock); the next POST
//! is dropped before the server handles it. The provider may adopt only
//! what it provably created: an account is created anew, a zone is refused
//! as existing with its import id, a member (the API gives no creation
//! time) fails with the import command. Nothing foreign enters the state,
//! and a destroy leaves the foreign objects alone.

use crate::harness::*;
use serde_json::json;

/// Makes everything that exists now an hour old by the server's clock.
fn an_hour_passes(ctx: &Ctx) {
    ctx.sim
        .admin("POST", "/clock", Some(json!({ "offset_seconds": 3600 })));
}

fn drop_next(ctx: &Ctx, path: &str) {
    ctx.sim.admin(
        "POST",
        "/faults",
        Some(json!({"rules": [{"method": "POST", "path": path, "action": "drop", "count": 1}]})),
    );
}

fn apply_fails(ctx: &Ctx) -> String {
    let out = ctx
        .ws
        .terraform(&["apply", "-auto-approve", "-input=false", "-no-color"]);
    let text = output_text(&out);
    assert!(!out.status.success(), "expected the apply to fail:\n{text}");
    assert!(!text.contains("panicked"), "{text}");
    text
}

#[test]
fn a_lost_account_create_makes_a_new_account_and_leaves_the_old_one() {
    let ctx = Ctx::new();
    let existing = ctx
        .sim
        .api("POST", "/accounts", Some(json!({"name": "Adopt Co"})));
    an_hour_passes(&ctx);
    drop_next(&ctx, "/accounts");
    // A second account of the name, asked for (without it the create is
    // refused at plan: tests/e2e/first_week.rs): what is judged here is
    // the lost answer, which must not adopt the account that was there.
    ctx.ws.write_config(
        "resource \"cftenant_account\" \"a\" {\n  name = \"Adopt Co\"\n  allow_duplicate_name = true\n}\n",
    );
    ctx.ws.apply();
    let state = ctx.ws.resource("cftenant_account.a");
    assert_ne!(
        state["id"], existing["id"],
        "the account that was there before was adopted"
    );
    assert_eq!(ctx.sim.objects("accounts").len(), 2);
    ctx.ws.assert_plan_empty();
    ctx.ws
        .ok(&["destroy", "-auto-approve", "-input=false", "-no-color"]);
    let left: Vec<_> = ctx.sim.objects("accounts");
    assert_eq!(left.len(), 1, "{left:?}");
    assert_eq!(
        left[0]["id"], existing["id"],
        "destroy took the foreign account"
    );
}

#[test]
fn a_lost_zone_create_is_refused_as_existing_not_adopted() {
    let mut ctx = Ctx::new();
    let account = ctx
        .sim
        .api("POST", "/accounts", Some(json!({"name": "Zone Owner"})));
    let account_id = account["id"].as_str().unwrap().to_string();
    let existing = ctx.sim.api(
        "POST",
        "/zones",
        Some(json!({"name": "adopt-example.com", "account": {"id": account_id}})),
    );
    let existing_id = existing["id"].as_str().unwrap().to_string();
    an_hour_passes(&ctx);
    drop_next(&ctx, "/zones");
    ctx.set_var("account_id", &account_id);
    ctx.ws.write_config(
        "variable \"account_id\" {}\nresource \"cftenant_zone\" \"z\" {\n  account_id = var.account_id\n  name       = \"adopt-example.com\"\n}\n",
    );
    let text = apply_fails(&ctx);
    for needle in [
        "Cloudflare error 1061",
        "already exists",
        &format!("terraform import cftenant_zone.<name> {existing_id}"),
    ] {
        assert!(text.contains(needle), "no {needle:?} in:\n{text}");
    }
    assert!(
        ctx.ws.state().is_empty(),
        "the zone that was there before entered the state"
    );
    assert_eq!(ctx.sim.objects("zones").len(), 1);
    ctx.destroy();
}

#[test]
fn a_lost_member_create_names_the_import_instead_of_guessing() {
    let mut ctx = Ctx::new();
    let account = ctx
        .sim
        .api("POST", "/accounts", Some(json!({"name": "Member Owner"})));
    let account_id = account["id"].as_str().unwrap().to_string();
    let existing = ctx.sim.api(
        "POST",
        &format!("/accounts/{account_id}/members"),
        Some(json!({"email": "ada@example.com", "roles": [ADMIN_ROLE]})),
    );
    let member_id = existing["id"].as_str().unwrap().to_string();
    drop_next(&ctx, "/accounts/{account_id}/members");
    ctx.set_var("account_id", &account_id);
    ctx.ws.write_config(&format!(
        "variable \"account_id\" {{}}\nresource \"cftenant_account_member\" \"m\" {{\n  account_id = var.account_id\n  email      = \"ada@example.com\"\n  roles      = [\"{ADMIN_ROLE}\"]\n}}\n"
    ));
    let text = apply_fails(&ctx);
    let import =
        format!("terraform import cftenant_account_member.<name> {account_id}/{member_id}");
    for needle in [
        "Cannot tell whether member \"ada@example.com\"",
        "no creation time",
        "Nothing was put into the Terraform state",
        import.as_str(),
    ] {
        assert!(text.contains(needle), "no {needle:?} in:\n{text}");
    }
    assert!(ctx.ws.state().is_empty());
    // What the error says, done: the import settles it.
    ctx.ws.ok(&[
        "import",
        "-input=false",
        "-no-color",
        "cftenant_account_member.m",
        &format!("{account_id}/{member_id}"),
    ]);
    ctx.ws.assert_plan_empty();
    assert_eq!(ctx.sim.objects("members").len(), 1);
    ctx.destroy();
}

#[test]
fn a_member_create_committed_then_lost_converges_with_the_import_it_names() {
    let mut ctx = Ctx::new();
    let account = ctx
        .sim
        .api("POST", "/accounts", Some(json!({"name": "Lost Answer Co"})));
    let account_id = account["id"].as_str().unwrap().to_string();
    ctx.sim.admin(
        "POST",
        "/faults",
        Some(json!({"rules": [{"method": "POST", "path": "/accounts/{account_id}/members", "action": "commit_then_drop", "count": 1}]})),
    );
    ctx.set_var("account_id", &account_id);
    ctx.ws.write_config(&format!(
        "variable \"account_id\" {{}}\nresource \"cftenant_account_member\" \"m\" {{\n  account_id = var.account_id\n  email      = \"grace@example.com\"\n  roles      = [\"{ADMIN_ROLE}\"]\n}}\n"
    ));
    let text = apply_fails(&ctx);
    let members = ctx.sim.objects("members");
    assert_eq!(members.len(), 1, "created once, never twice: {members:?}");
    let id = format!("{account_id}/{}", members[0]["id"].as_str().unwrap());
    assert!(
        text.contains(&format!(
            "terraform import cftenant_account_member.<name> {id}"
        )),
        "{text}"
    );
    ctx.ws.ok(&[
        "import",
        "-input=false",
        "-no-color",
        "cftenant_account_member.m",
        &id,
    ]);
    ctx.ws.apply();
    ctx.ws.assert_plan_empty();
    assert_eq!(ctx.sim.objects("members").len(), 1);
    ctx.destroy();
}
