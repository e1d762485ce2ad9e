//! A partner's first week: what a team did by habit (`taint`, `destroy`,
//! `state rm`), and what it must never cost a customer: a service user's
//! only API key, zones the account held, a second account of a name.

use crate::harness::*;
use serde_json::json;

const SERVICE_USER: &str = "resource \"cftenant_service_user\" \"automation\" {\n  email = \"automation@first-week.com\"\n}\n";

/// `terraform taint` then `apply` planned a plain replacement: the user
/// was forgotten, `POST /users` failed (the email exists), and the key was
/// lost for good. A taint, like `-replace`, is refused at plan.
#[test]
fn a_tainted_service_user_is_refused_at_plan_and_keeps_its_key() {
    let ctx = Ctx::new();
    ctx.ws.write_config(SERVICE_USER);
    ctx.ws.apply();
    let before = ctx.ws.resource("cftenant_service_user.automation");
    assert!(before["api_key"].as_str().is_some_and(|k| !k.is_empty()));
    ctx.ws
        .ok(&["taint", "-no-color", "cftenant_service_user.automation"]);
    for args in [
        &["plan", "-input=false", "-no-color"][..],
        &["apply", "-auto-approve", "-input=false", "-no-color"][..],
    ] {
        let out = ctx.ws.terraform(args);
        let text = output_text(&out);
        assert!(!out.status.success(), "{args:?}: {text}");
        for needle in [
            "A service user cannot be replaced with itself",
            "the resource is tainted",
            "terraform untaint",
            "with cftenant_service_user.automation",
        ] {
            assert!(text.contains(needle), "{args:?}: no {needle:?} in:\n{text}");
        }
    }
    assert_eq!(ctx.sim.objects("users").len(), 1, "no second POST /users");
    ctx.ws
        .ok(&["untaint", "-no-color", "cftenant_service_user.automation"]);
    ctx.ws.assert_plan_empty();
    assert_eq!(
        ctx.ws.resource("cftenant_service_user.automation")["api_key"],
        before["api_key"],
        "the key is still in the state"
    );
    // -replace is refused the same way.
    let out = ctx.ws.terraform(&[
        "plan",
        "-input=false",
        "-no-color",
        "-replace=cftenant_service_user.automation",
    ]);
    let text = output_text(&out);
    assert!(!out.status.success(), "{text}");
    assert!(
        text.contains("A service user cannot be replaced with itself"),
        "{text}"
    );
    ctx.destroy();
}

const ACCOUNT: &str =
    "resource \"cftenant_account\" \"customer\" {\n  name = \"First Week Customer\"\n}\n";

/// The account with a zone this configuration manages; `force_destroy`
/// from a variable.
const ACCOUNT_WITH_ZONE: &str = r#"
variable "force_destroy" {
  type    = bool
  default = false
}

resource "cftenant_account" "customer" {
  name          = "First Week Customer"
  force_destroy = var.force_destroy
}

resource "cftenant_zone" "managed" {
  account_id = cftenant_account.customer.id
  name       = "first-week-managed.com"
}
"#;

/// The customer added a zone (on an enterprise plan) to the account
/// through Cloudflare. `terraform destroy` planned the account's destroy,
/// and took the customer's zone with it. Now the plan warns, naming that
/// zone only (not the one it manages); the apply destroys the managed zone
/// and then refuses the account, keeping it and the customer's zone.
/// `force_destroy = true` says the deletion is meant.
#[test]
fn destroying_an_account_keeps_the_zones_terraform_does_not_manage() {
    let mut ctx = Ctx::new();
    ctx.ws.write_config(ACCOUNT_WITH_ZONE);
    ctx.ws.apply();
    let account = ctx.ws.id_of("cftenant_account.customer");
    let managed = ctx.ws.id_of("cftenant_zone.managed");
    let zone = ctx.sim.api(
        "POST",
        "/zones",
        Some(json!({"name": "customers-own.com", "account": {"id": account}})),
    );
    let zone_id = zone["id"].as_str().unwrap().to_string();
    ctx.sim.api(
        "POST",
        &format!("/zones/{zone_id}/subscription"),
        Some(json!({"rate_plan": {"id": "PARTNERS_ENT"}})),
    );
    let planned = ctx
        .ws
        .ok(&["plan", "-destroy", "-input=false", "-no-color"]);
    let warning = planned.split_whitespace().collect::<Vec<_>>().join(" ");
    for needle in [
        "Warning: Account \"First Week Customer\" holds zones this plan may not destroy",
        &format!("1 zone(s) with everything in them: customers-own.com ({zone_id})"),
        "force_destroy = true",
    ] {
        assert!(warning.contains(needle), "no {needle:?} in:\n{planned}");
    }
    let (_, said) = warning.split_once("holds zones").expect("the warning");
    assert!(
        !said.contains(&managed),
        "the managed zone is named:\n{planned}"
    );
    let out = ctx
        .ws
        .terraform(&["destroy", "-auto-approve", "-input=false", "-no-color"]);
    let text = output_text(&out);
    assert!(!out.status.success(), "{text}");
    for needle in [
        "Account \"First Week Customer\" still has zones this configuration does not manage",
        &format!("customers-own.com ({zone_id})"),
        "The account was not deleted, and those zones are kept",
        "force_destroy = true",
    ] {
        assert!(text.contains(needle), "no {needle:?} in:\n{text}");
    }
    assert!(ctx.sim.object("accounts", &account).is_some());
    assert!(ctx.sim.object("zones", &zone_id).is_some());
    assert!(
        ctx.sim.object("zones", &managed).is_none(),
        "managed zone destroyed first"
    );
    assert_eq!(
        ctx.sim.objects("zone_subscriptions")[0]["rate_plan"]["id"],
        "enterprise"
    );
    assert!(
        ctx.ws.state().contains_key("cftenant_account.customer"),
        "still managed"
    );
    // Meant: set force_destroy, apply (nothing changes on the API), destroy.
    ctx.set_var("force_destroy", "true");
    let changes = ctx.ws.planned_changes();
    assert_eq!(changes.totals(), (1, 1, 0), "{changes:#?}");
    ctx.ws.apply();
    ctx.ws.assert_plan_empty();
    let planned = ctx
        .ws
        .ok(&["plan", "-destroy", "-input=false", "-no-color"]);
    assert!(!planned.contains("holds zones"), "{planned}");
    ctx.destroy();
    assert!(ctx.sim.object("zones", &zone_id).is_none());
}

/// `terraform state rm` (or a lost workspace), then `apply`: the tenant got
/// a second account of the name. Now the create is refused at plan, with
/// the import (and at apply, had the plan been made before the account
/// was); `allow_duplicate_name = true` makes a second one on purpose.
#[test]
fn a_lost_state_never_makes_a_second_account_of_a_name() {
    let ctx = Ctx::new();
    ctx.ws.write_config(ACCOUNT);
    ctx.ws.apply();
    let id = ctx.ws.id_of("cftenant_account.customer");
    ctx.ws
        .ok(&["state", "rm", "-no-color", "cftenant_account.customer"]);
    let advice = [
        "The tenant already has an account named \"First Week Customer\"",
        "with cftenant_account.customer",
        &format!("terraform import cftenant_account.<name> {id}"),
        "allow_duplicate_name = true",
    ];
    let (code, planned) = ctx.ws.plan();
    assert_eq!(code, 1, "{planned}");
    let said = planned.split_whitespace().collect::<Vec<_>>().join(" ");
    for needle in advice.iter().chain(&["terraform destroy -refresh=false"]) {
        assert!(said.contains(needle), "no {needle:?} in:\n{planned}");
    }
    assert_eq!(ctx.sim.objects("accounts").len(), 1);
    assert!(ctx.ws.state().is_empty(), "{:?}", ctx.ws.state());
    // The import it names takes the account back: nothing to change.
    ctx.ws.ok(&[
        "import",
        "-input=false",
        "-no-color",
        "cftenant_account.customer",
        &id,
    ]);
    ctx.ws.assert_plan_empty();
    // A second account of the name, asked for.
    ctx.ws.write_config(&format!(
        "{ACCOUNT}resource \"cftenant_account\" \"twin\" {{\n  name = \"First Week Customer\"\n  allow_duplicate_name = true\n}}\n"
    ));
    ctx.ws.apply();
    ctx.ws.assert_plan_empty();
    assert_eq!(ctx.sim.objects("accounts").len(), 2);
    ctx.destroy();
}

/// The ways a configuration comes to two accounts of a name, each refused
/// at plan when the apply would refuse it (or race), and what each says:
/// two blocks of one name, a block beside one that manages the name, a
/// block renamed without a `moved` block, a lost state beside a kept one,
/// and a replacement while another account has the name.
#[test]
fn a_name_the_configuration_or_the_tenant_has_is_refused_at_plan() {
    let ctx = Ctx::new();
    // The verdict must not hang on the order Terraform plans things in:
    // each refusal is asked for one at a time and ten at a time.
    let refused = |hcl: &str, needles: &[&str]| {
        ctx.ws.write_config(hcl);
        for parallelism in ["-parallelism=1", "-parallelism=10"] {
            let args = ["plan", parallelism, "-input=false", "-no-color"];
            let text = ctx.ws.fails(&args, &[]);
            let said = text.split_whitespace().collect::<Vec<_>>().join(" ");
            for needle in needles {
                assert!(said.contains(needle), "no {needle:?} in:\n{text}");
            }
        }
    };
    let inventory = || ctx.sim.inventory().0;
    // Two blocks of one name race: refused however the plans interleave.
    for _ in 0..2 {
        refused(
            "resource \"cftenant_account\" \"twin\" {\n  for_each = toset([\"a\", \"b\", \"c\"])\n  name = \"Twin Name Co\"\n}\n",
            &["Another resource of this configuration also creates (or renames an account to) an account named \"Twin Name Co\""],
        );
        refused(
            "resource \"cftenant_account\" \"plain\" {\n  name = \"Twin Name Co\"\n}\n\
             resource \"cftenant_account\" \"meant\" {\n  name = \"Twin Name Co\"\n  allow_duplicate_name = true\n}\n",
            // Whichever plan sees the other says where the line is missing:
            // "on each of them", or, on the one that sets it, "there too".
            &["an account named \"Twin Name Co\"", "allow_duplicate_name = true"],
        );
    }
    assert!(ctx.sim.objects("accounts").is_empty());
    // A block beside one that manages the name.
    let kept = "resource \"cftenant_account\" \"kept\" {\n  name = \"Held Name Co\"\n}\n";
    ctx.ws.write_config(kept);
    ctx.ws.apply();
    let held = ctx.ws.id_of("cftenant_account.kept");
    let before = inventory();
    refused(
        &format!(
            "{kept}resource \"cftenant_account\" \"beside\" {{\n  name = \"Held Name Co\"\n}}\n"
        ),
        &[
            // Another resource's account, or, before its refresh, one of
            // the tenant's: refused either way.
            "an account named \"Held Name Co\"",
            &held,
            "allow_duplicate_name = true",
            "terraform destroy -refresh=false",
        ],
    );
    // Renamed without a `moved` block: the advice is the block, which then
    // keeps the account.
    let renamed = "resource \"cftenant_account\" \"renamed\" {\n  name = \"Held Name Co\"\n}\n";
    refused(
        renamed,
        &["a `moved { from = <old address>, to = <this address> }` block keeps the account"],
    );
    ctx.ws.write_config(&format!(
        "{renamed}moved {{\n  from = cftenant_account.kept\n  to   = cftenant_account.renamed\n}}\n"
    ));
    ctx.ws.apply();
    ctx.ws.assert_plan_empty();
    assert_eq!(inventory(), before, "nothing changed on the API");
    // A lost state beside a kept one: this run refreshed, so it can tell.
    ctx.ws.write_config(&format!(
        "{renamed}resource \"cftenant_account\" \"other\" {{\n  name = \"Other Name Co\"\n}}\n"
    ));
    ctx.ws.apply();
    let other = ctx.ws.id_of("cftenant_account.other");
    ctx.ws
        .ok(&["state", "rm", "-no-color", "cftenant_account.other"]);
    let before = inventory();
    refused(
        &format!(
            "{renamed}resource \"cftenant_account\" \"other\" {{\n  name = \"Other Name Co\"\n}}\n"
        ),
        &[
            "The tenant already has an account named \"Other Name Co\"",
            &format!("terraform import cftenant_account.<name> {other}"),
        ],
    );
    // A rename onto a name another block creates races as two creates do.
    refused(
        "resource \"cftenant_account\" \"renamed\" {\n  name = \"Fresh Name Co\"\n}\n\
         resource \"cftenant_account\" \"fresh\" {\n  name = \"Fresh Name Co\"\n}\n",
        &["also creates (or renames an account to) an account named \"Fresh Name Co\""],
    );
    assert_eq!(inventory(), before, "a plan changes nothing");
    // Another account of the name made elsewhere: a replacement would
    // delete the account and then refuse the new one, and so would the
    // replacement of a tainted account. Both refused.
    let elsewhere = ctx
        .sim
        .api("POST", "/accounts", Some(json!({"name": "Held Name Co"})))["id"]
        .as_str()
        .unwrap()
        .to_string();
    let before = inventory();
    refused(
        &format!(
            "resource \"cftenant_account\" \"renamed\" {{\n  name = \"Held Name Co\"\n  unit_id = \"{TENANT}\"\n}}\n"
        ),
        &[
            "The tenant has another account named \"Held Name Co\"",
            "would delete it, and then refuse to create the new one",
            &elsewhere,
        ],
    );
    ctx.ws.write_config(renamed);
    ctx.ws
        .ok(&["taint", "-no-color", "cftenant_account.renamed"]);
    refused(
        renamed,
        &[
            "The tenant already has an account named \"Held Name Co\"",
            &elsewhere,
        ],
    );
    assert_eq!(inventory(), before, "nothing deleted");
    ctx.ws
        .ok(&["untaint", "-no-color", "cftenant_account.renamed"]);
    ctx.ws.assert_plan_empty();
    ctx.destroy();
    assert!(ctx.sim.object("accounts", &elsewhere).is_some());
    assert!(ctx.sim.object("accounts", &other).is_some());
}

/// A plan saved before the name was taken: the apply plans the create again
/// just before it, and refuses it there, making nothing.
#[test]
fn a_saved_plan_whose_name_was_taken_since_makes_nothing() {
    let ctx = Ctx::new();
    ctx.ws
        .write_config("resource \"cftenant_account\" \"saved\" {\n  name = \"Saved Plan Co\"\n}\n");
    ctx.ws
        .ok(&["plan", "-input=false", "-no-color", "-out=saved.tfplan"]);
    let taken = ctx
        .sim
        .api("POST", "/accounts", Some(json!({"name": "Saved Plan Co"})))["id"]
        .as_str()
        .unwrap()
        .to_string();
    ctx.ws.fails(
        &["apply", "-input=false", "-no-color", "saved.tfplan"],
        &[
            "The tenant already has an account named \"Saved Plan Co\"",
            &taken,
        ],
    );
    let accounts = ctx.sim.objects("accounts");
    assert_eq!(accounts.len(), 1, "{accounts:?}");
    assert!(ctx.ws.state().is_empty());
}
