//! `cftenant_account` end to end: create, no-op re-plan, in-place update,
//! KYC fields left alone when removed, drift, replacement, import, destroy.

use crate::harness::*;
use serde_json::json;

fn account_id(ctx: &Ctx) -> String {
    ctx.ws.id_of("cftenant_account.acme")
}

#[test]
fn account_lifecycle() {
    run(vec![
        Step::PlanFails(
            "account/invalid.tf",
            &[
                "\"premium\" is not allowed",
                "\"standard\", \"enterprise\"",
                "business_name",
                "at most 120",
            ],
        ),
        Step::Apply(
            "account/basic.tf",
            check(|ctx| {
                let id = account_id(ctx);
                let accounts = ctx.sim.objects("accounts");
                assert_eq!(accounts.len(), 1, "{accounts:?}");
                let api = ctx.sim.api("GET", &format!("/accounts/{id}"), None);
                assert_eq!(api["name"], "Acme Corp");
                assert_eq!(api["type"], "standard");
                let state = ctx.ws.resource("cftenant_account.acme");
                assert_eq!(state["type"], "standard");
                assert_eq!(state["unit_id"], api["managed_by"]["parent_org_id"]);
                assert_eq!(state["created_on"], api["created_on"]);
                let profile = ctx.sim.api("GET", &format!("/accounts/{id}/profile"), None);
                assert_eq!(profile["business_name"], "Acme Ltd");
                ctx.set_var("first_id", &id);
            }),
        ),
        Step::Apply(
            "account/updated.tf",
            check(|ctx| {
                let id = account_id(ctx);
                assert_eq!(
                    ctx.ws.vars["first_id"], id,
                    "an update must not replace the account"
                );
                let api = ctx.sim.api("GET", &format!("/accounts/{id}"), None);
                assert_eq!(api["name"], "Acme Corporation");
                assert_eq!(api["settings"]["enforce_twofactor"], true);
                let profile = ctx.sim.api("GET", &format!("/accounts/{id}/profile"), None);
                assert_eq!(profile["business_name"], "Acme Holdings Ltd");
                assert_eq!(profile["business_address"], "1 Main Street, Springfield");
            }),
        ),
        Step::Apply(
            "account/kyc_removed.tf",
            check(|ctx| {
                let id = account_id(ctx);
                let profile = ctx.sim.api("GET", &format!("/accounts/{id}/profile"), None);
                assert_eq!(
                    profile["business_name"], "Acme Holdings Ltd",
                    "removing a KYC field must leave Cloudflare's value"
                );
                assert_eq!(
                    ctx.ws.resource("cftenant_account.acme")["business_name"],
                    "Acme Holdings Ltd"
                );
            }),
        ),
        // Renamed outside Terraform: the next plan puts the name back in place.
        Step::OutOfBand(check(|ctx| {
            let id = account_id(ctx);
            ctx.sim.api(
                "PUT",
                &format!("/accounts/{id}"),
                Some(serde_json::json!({"id": id, "name": "Renamed Elsewhere"})),
            );
        })),
        Step::Plans(
            vec![planned("cftenant_account.acme", "update").attr(
                "name",
                json!("Renamed Elsewhere"),
                json!("Acme Corporation"),
            )],
            (0, 1, 0),
        ),
        Step::Apply(
            "account/kyc_removed.tf",
            check(|ctx| {
                let id = account_id(ctx);
                assert_eq!(
                    ctx.sim.api("GET", &format!("/accounts/{id}"), None)["name"],
                    "Acme Corporation"
                );
            }),
        ),
        // Cloudflare cannot change an account's type: another type is
        // refused at plan, naming the attribute, never a replacement that
        // would delete the customer's account.
        Step::PlanFails(
            "account/enterprise.tf",
            &[
                "An account's type cannot be changed",
                "with cftenant_account.acme",
                "type",
                "is \"standard\"",
            ],
        ),
        Step::UseConfig("account/kyc_removed.tf"),
        // Deleted outside Terraform: the next plan creates it again, no error.
        Step::OutOfBand(check(|ctx| {
            let id = account_id(ctx);
            ctx.sim.api("DELETE", &format!("/accounts/{id}"), None);
        })),
        Step::Plans(vec![planned("cftenant_account.acme", "create")], (1, 0, 0)),
        Step::Apply(
            "account/kyc_removed.tf",
            check(|ctx| {
                assert_ne!(ctx.ws.vars["first_id"], account_id(ctx));
                assert_eq!(ctx.sim.objects("accounts").len(), 1);
            }),
        ),
        Step::Import {
            address: "cftenant_account.acme",
            id: Box::new(account_id),
            check: check(|ctx| {
                let state = ctx.ws.resource("cftenant_account.acme");
                assert_eq!(state["name"], "Acme Corporation");
                assert_eq!(state["enforce_twofactor"], true);
            }),
        },
        Step::Destroy(check(|ctx| assert!(ctx.sim.objects("accounts").is_empty()))),
        // An account made elsewhere, adopted with an `import` block.
        Step::OutOfBand(check(|ctx| {
            let created = ctx.sim.api("POST", "/accounts", Some(serde_json::json!({"name": "Made Elsewhere Inc", "business_name": "Elsewhere Ltd"})));
            let id = created["id"].as_str().unwrap().to_string();
            ctx.set_var("import_id", &id);
        })),
        Step::Apply(
            "account/import.tf",
            check(|ctx| {
                let state = ctx.ws.resource("cftenant_account.imported");
                assert_eq!(state["id"], ctx.ws.vars["import_id"].as_str());
                assert_eq!(state["business_name"], "Elsewhere Ltd");
                assert_eq!(
                    ctx.sim.objects("accounts").len(),
                    1,
                    "import must not create anything"
                );
            }),
        ),
        Step::Destroy(check(|ctx| assert!(ctx.sim.objects("accounts").is_empty()))),
    ]);
}

#[test]
fn account_import_rejects_malformed_and_unknown_ids() {
    let ctx = Ctx::new();
    ctx.ws.use_config("account/basic.tf");
    for (id, needle) in [
        ("acme", "32 lowercase hexadecimal"),
        (
            "0123456789abcdef0123456789abcdef",
            "No account with id 0123456789abcdef0123456789abcdef",
        ),
    ] {
        let out = ctx.ws.terraform(&[
            "import",
            "-input=false",
            "-no-color",
            "cftenant_account.acme",
            id,
        ]);
        let text = output_text(&out);
        assert!(
            !out.status.success(),
            "import of {id:?} should fail:\n{text}"
        );
        assert!(
            text.contains(needle),
            "import of {id:?} should say {needle:?}:\n{text}"
        );
    }
}

#[test]
fn emptying_a_kyc_field_is_refused_at_plan_with_the_way_out() {
    let ctx = Ctx::new();
    let config = |business_name: &str| {
        format!("resource \"cftenant_account\" \"acme\" {{\n  name = \"Acme Corp\"\n  business_name = {business_name}\n}}\n")
    };
    ctx.ws.write_config(&config("\"Acme Ltd\""));
    ctx.ws.apply();
    ctx.ws.write_config(&config("\"\""));
    let (code, text) = ctx.ws.plan();
    assert_eq!(code, 1, "an empty value can never be applied:\n{text}");
    for needle in [
        "with cftenant_account.acme",
        "The value of `business_name` must not be empty",
        "To stop managing `business_name`, remove it from the configuration",
    ] {
        assert!(text.contains(needle), "no {needle:?} in:\n{text}");
    }
    // What it says works: null (or the line removed) keeps Cloudflare's value.
    ctx.ws.write_config(&config("null"));
    ctx.ws.assert_plan_empty();
    let id = account_id(&ctx);
    let profile = ctx.sim.api("GET", &format!("/accounts/{id}/profile"), None);
    assert_eq!(profile["business_name"], "Acme Ltd");
    ctx.destroy();
}

/// `abuse_contact_email`: set after creation, changed in place, the same
/// address in other case is no change, removing it clears it on the API,
/// and import reads it.
#[test]
fn the_abuse_contact_is_set_changed_and_cleared() {
    let ctx = Ctx::new();
    let config = |line: &str| {
        format!("resource \"cftenant_account\" \"customer\" {{\n  name = \"Abuse Customer\"\n  {line}\n}}\n")
    };
    let on_api = |ctx: &Ctx| {
        let id = ctx.ws.resource("cftenant_account.customer")["id"].clone();
        let account = ctx
            .sim
            .api("GET", &format!("/accounts/{}", id.as_str().unwrap()), None);
        account["settings"]["abuse_contact_email"].clone()
    };
    ctx.ws.write_config(&config(
        "abuse_contact_email = \"abuse@customer-example.com\"",
    ));
    ctx.ws.apply();
    ctx.ws.assert_plan_empty();
    assert_eq!(on_api(&ctx), "abuse@customer-example.com");

    ctx.ws.write_config(&config(
        "abuse_contact_email = \"Abuse@Customer-Example.com\"",
    ));
    let (code, text) = ctx.ws.plan();
    assert_eq!(code, 0, "another case is the same address:\n{text}");

    ctx.ws.write_config(&config(
        "abuse_contact_email = \"security@customer-example.com\"",
    ));
    let changes = ctx.ws.planned_changes();
    assert_eq!(changes.totals(), (0, 1, 0), "{changes:#?}");
    ctx.ws.apply();
    ctx.ws.assert_plan_empty();
    assert_eq!(on_api(&ctx), "security@customer-example.com");

    let id = ctx.ws.id_of("cftenant_account.customer");
    ctx.ws
        .ok(&["state", "rm", "-no-color", "cftenant_account.customer"]);
    ctx.ws.ok(&[
        "import",
        "-input=false",
        "-no-color",
        "cftenant_account.customer",
        &id,
    ]);
    assert_eq!(
        ctx.ws.resource("cftenant_account.customer")["abuse_contact_email"],
        "security@customer-example.com"
    );
    ctx.ws.assert_plan_empty();

    // Removing the line keeps Cloudflare's value: a configuration that
    // leaves it out never clears a customer's contact.
    ctx.ws.write_config(&config(""));
    let (code, text) = ctx.ws.plan();
    assert_eq!(code, 0, "removing the line changes nothing:\n{text}");
    assert_eq!(on_api(&ctx), "security@customer-example.com");
    // `""` clears it.
    ctx.ws.write_config(&config("abuse_contact_email = \"\""));
    let changes = ctx.ws.planned_changes();
    assert_eq!(changes.totals(), (0, 1, 0), "{changes:#?}");
    ctx.ws.apply();
    ctx.ws.assert_plan_empty();
    assert!(on_api(&ctx).is_null(), "cleared: {}", on_api(&ctx));
    ctx.ws.write_config(&config(""));
    ctx.ws.assert_plan_empty();

    ctx.ws
        .write_config(&config("abuse_contact_email = \"not-an-email\""));
    let (code, text) = ctx.ws.plan();
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("abuse_contact_email"), "{text}");
    ctx.ws.write_config(&config(""));
    ctx.destroy();
}

/// Nobody has recorded `GET /accounts/{id}/profile` answering, and
/// Cloudflare documents it for the account's own members: where it is
/// refused (403) or not found (404), the account imports without its KYC
/// fields, with a warning, and plans clean.
#[test]
fn an_account_imports_without_kyc_fields_when_the_profile_is_refused() {
    let ctx = Ctx::new();
    ctx.ws
        .write_config("resource \"cftenant_account\" \"acme\" {\n  name = \"Profileless Co\"\n}\n");
    ctx.ws.apply();
    let id = ctx.ws.id_of("cftenant_account.acme");
    for status in [403, 404] {
        ctx.sim.faults(
            1,
            serde_json::json!([{"method": "GET", "path": "/accounts/{account_id}/profile", "action": "status", "status": status}]),
        );
        ctx.ws
            .ok(&["state", "rm", "-no-color", "cftenant_account.acme"]);
        let text = ctx.ws.ok(&[
            "import",
            "-input=false",
            "-no-color",
            "cftenant_account.acme",
            &id,
        ]);
        for needle in [
            format!("Warning: Imported account {id} without its KYC fields"),
            format!("GET /accounts/{id}/profile: HTTP {status}"),
            "Leave those attributes out of the configuration".to_string(),
        ] {
            assert!(
                text.contains(&needle),
                "{status}: no {needle:?} in:\n{text}"
            );
        }
        let state = ctx.ws.resource("cftenant_account.acme");
        assert_eq!(state["name"], "Profileless Co");
        assert!(state["business_name"].is_null());
        let (code, text) = ctx.ws.plan();
        assert_eq!(code, 0, "{status}: {text}");
    }
    // Any other failure still fails the import, saying what it was doing.
    ctx.sim.faults(
        1,
        serde_json::json!([{"method": "GET", "path": "/accounts/{account_id}/profile", "action": "status", "status": 400, "code": 1000}]),
    );
    ctx.ws
        .ok(&["state", "rm", "-no-color", "cftenant_account.acme"]);
    let out = ctx.ws.terraform(&[
        "import",
        "-input=false",
        "-no-color",
        "cftenant_account.acme",
        &id,
    ]);
    let text = output_text(&out);
    assert!(!out.status.success(), "{text}");
    assert!(
        text.contains("Error reading the profile of account"),
        "{text}"
    );
    ctx.sim.admin("DELETE", "/faults", None);
    ctx.ws.ok(&[
        "import",
        "-input=false",
        "-no-color",
        "cftenant_account.acme",
        &id,
    ]);
    ctx.destroy();
}

/// A partner created accounts with `unit.id` set to the tenant's own tag
/// (observed-api.md row 12): accepted at plan, created, and read back
/// without a change.
#[test]
fn an_account_in_the_tenant_itself_is_accepted() {
    let ctx = Ctx::new();
    ctx.ws.write_config(&format!(
        "resource \"cftenant_account\" \"acme\" {{\n  name = \"Tenant Level Co\"\n  unit_id = \"{TENANT}\"\n}}\n"
    ));
    ctx.ws.apply();
    ctx.ws.assert_plan_empty();
    let state = ctx.ws.resource("cftenant_account.acme");
    assert_eq!(state["unit_id"], TENANT);
    let account = ctx
        .sim
        .object("accounts", state["id"].as_str().unwrap())
        .unwrap();
    assert_eq!(account["managed_by"]["parent_org_id"], TENANT);
    // Another tag that is neither a unit nor the tenant is still refused.
    ctx.ws.write_config(
        "resource \"cftenant_account\" \"acme\" {\n  name = \"Tenant Level Co\"\n  unit_id = \"0000000000000000000000000000beef\"\n}\n",
    );
    let (code, text) = ctx.ws.plan();
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("is not a unit of your tenant"), "{text}");
    ctx.ws.write_config(&format!(
        "resource \"cftenant_account\" \"acme\" {{\n  name = \"Tenant Level Co\"\n  unit_id = \"{TENANT}\"\n}}\n"
    ));
    ctx.destroy();
}

/// A replacement keeps the account's name, and a create of a name the
/// tenant has is refused: under `create_before_destroy` the old account is
/// still there when the new one is made. The plan warns of it, the
/// refusal names the way through and deletes nothing (Terraform keeps the
/// old account aside, "deposed", and plans the create again, refused
/// again, until the setting), and `allow_duplicate_name = true` takes the
/// replacement through to one account of the name. (Terraform plans the
/// create again at apply, from no prior state: the provider cannot tell it
/// from a second account of the name.) Without `create_before_destroy` a
/// replacement (a changed unit, `-replace`, `terraform taint`) deletes the
/// old account first and goes through.
#[test]
fn a_replacement_created_before_the_old_account_is_destroyed_needs_allow_duplicate_name() {
    let ctx = Ctx::new();
    let config = |extra: &str, cbd: bool| {
        let lifecycle = match cbd {
            true => "  lifecycle {\n    create_before_destroy = true\n  }\n",
            false => "",
        };
        format!("resource \"cftenant_account\" \"acme\" {{\n  name = \"Replaced First Co\"\n{extra}{lifecycle}}}\n")
    };
    let in_tenant = format!("  unit_id = \"{TENANT}\"\n");
    let apply = ["apply", "-auto-approve", "-input=false", "-no-color"];
    let refusal = [
        "The tenant already has an account named \"Replaced First Co\"",
        "set `allow_duplicate_name = true` for it",
    ];
    ctx.ws.write_config(&config("", true));
    ctx.ws.apply();
    let first = account_id(&ctx);
    // Another unit replaces the account.
    ctx.ws.write_config(&config(&in_tenant, true));
    let planned = ctx.ws.ok(&["plan", "-input=false", "-no-color"]);
    for needle in [
        "The new account keeps the name \"Replaced First Co\"",
        "create_before_destroy = true",
        "allow_duplicate_name = true",
    ] {
        assert!(planned.contains(needle), "no {needle:?} in:\n{planned}");
    }
    ctx.ws.fails(&apply, &[refusal[0], refusal[1], &first]);
    assert!(
        ctx.sim.object("accounts", &first).is_some(),
        "nothing deleted"
    );
    assert_eq!(ctx.sim.objects("accounts").len(), 1, "nothing created");
    // Terraform keeps the old account deposed and plans the create again:
    // refused again, naming the way through.
    ctx.ws.fails(
        &["plan", "-input=false", "-no-color"],
        &["set `allow_duplicate_name = true` for it"],
    );
    // The way through the refusal names.
    ctx.ws.write_config(&config(
        &format!("{in_tenant}  allow_duplicate_name = true\n"),
        true,
    ));
    ctx.ws.apply();
    let second = account_id(&ctx);
    assert_ne!(second, first);
    assert!(
        ctx.sim.object("accounts", &first).is_none(),
        "the old account is gone"
    );
    let accounts = ctx.sim.objects("accounts");
    assert_eq!(accounts.len(), 1, "{accounts:?}");
    assert_eq!(accounts[0]["managed_by"]["parent_org_id"], TENANT);
    ctx.ws.assert_plan_empty();
    // Without create_before_destroy the old account goes first.
    ctx.ws.write_config(&config(&in_tenant, false));
    ctx.ws.apply();
    ctx.ws.assert_plan_empty();
    let replace: Vec<&str> = apply
        .iter()
        .copied()
        .chain(["-replace=cftenant_account.acme"])
        .collect();
    ctx.ws.ok(&replace);
    let third = account_id(&ctx);
    assert_ne!(third, second);
    assert_eq!(ctx.sim.objects("accounts").len(), 1);
    ctx.ws.assert_plan_empty();
    // A tainted account is replaced so too, and the plan says nothing
    // would refuse it. Without a refresh the plan cannot tell it from a
    // lost state: refused, saying so.
    ctx.ws.ok(&["taint", "-no-color", "cftenant_account.acme"]);
    for parallelism in ["-parallelism=1", "-parallelism=10"] {
        let args = [
            "plan",
            parallelism,
            "-detailed-exitcode",
            "-input=false",
            "-no-color",
        ];
        let out = ctx.ws.terraform(&args);
        let planned = output_text(&out);
        assert_eq!(out.status.code(), Some(2), "{planned}");
        assert!(!planned.contains("The tenant already has"), "{planned}");
    }
    ctx.ws.fails(
        &["plan", "-refresh=false", "-input=false", "-no-color"],
        &["The tenant already has an account named \"Replaced First Co\""],
    );
    ctx.ws.apply();
    let fourth = account_id(&ctx);
    assert_ne!(fourth, third);
    assert_eq!(ctx.sim.objects("accounts").len(), 1);
    ctx.ws.assert_plan_empty();
    // `-replace` under create_before_destroy: refused at apply, named, and
    // nothing deleted; the same way through.
    ctx.ws.write_config(&config(&in_tenant, true));
    ctx.ws.apply();
    ctx.ws.fails(&replace, &refusal);
    assert!(ctx.sim.object("accounts", &fourth).is_some(), "kept");
    assert_eq!(ctx.sim.objects("accounts").len(), 1);
    ctx.ws.write_config(&config(
        &format!("{in_tenant}  allow_duplicate_name = true\n"),
        true,
    ));
    ctx.ws.apply();
    assert_ne!(account_id(&ctx), fourth);
    assert!(
        ctx.sim.object("accounts", &fourth).is_none(),
        "the replaced account is gone"
    );
    assert_eq!(ctx.sim.objects("accounts").len(), 1);
    ctx.ws.assert_plan_empty();
    // A tainted account is destroyed like any other.
    ctx.ws.ok(&["taint", "-no-color", "cftenant_account.acme"]);
    ctx.destroy();
}

/// A replacement (another unit) deletes the old account with its zones.
/// The plan names them all; the apply replaces the zone this configuration
/// manages and refuses to delete the account while a zone made elsewhere
/// is in it, keeping both.
#[test]
fn replacing_an_account_names_its_zones_and_keeps_one_made_elsewhere() {
    let ctx = Ctx::new();
    let config = |unit: &str| {
        format!(
            "resource \"cftenant_account\" \"acme\" {{\n  name = \"Zoned Replacement Co\"\n{unit}}}\n\n\
             resource \"cftenant_zone\" \"managed\" {{\n  account_id = cftenant_account.acme.id\n  name = \"zoned-replacement.com\"\n}}\n"
        )
    };
    ctx.ws.write_config(&config(""));
    ctx.ws.apply();
    let account = account_id(&ctx);
    let managed = ctx.ws.id_of("cftenant_zone.managed");
    let elsewhere = ctx.sim.api(
        "POST",
        "/zones",
        Some(json!({"name": "made-elsewhere.com", "account": {"id": account}})),
    )["id"]
        .as_str()
        .unwrap()
        .to_string();
    ctx.ws
        .write_config(&config(&format!("  unit_id = \"{TENANT}\"\n")));
    let planned = ctx.ws.ok(&["plan", "-input=false", "-no-color"]);
    let said = planned.split_whitespace().collect::<Vec<_>>().join(" ");
    for needle in [
        "Warning: Replacing account \"Zoned Replacement Co\" deletes the zones in it",
        &format!("made-elsewhere.com ({elsewhere})"),
        &format!("zoned-replacement.com ({managed})"),
        "force_destroy = true",
    ] {
        assert!(said.contains(needle), "no {needle:?} in:\n{planned}");
    }
    ctx.ws.fails(
        &["apply", "-auto-approve", "-input=false", "-no-color"],
        &[
            "Account \"Zoned Replacement Co\" still has zones this configuration does not manage",
            &format!("made-elsewhere.com ({elsewhere})"),
        ],
    );
    assert!(ctx.sim.object("accounts", &account).is_some(), "kept");
    assert!(ctx.sim.object("zones", &elsewhere).is_some(), "kept");
    assert_eq!(ctx.sim.objects("accounts").len(), 1, "nothing created");
    assert_eq!(account_id(&ctx), account);
    // A taint replaces the account too, and is warned of so.
    ctx.ws.write_config(&config(""));
    ctx.ws.ok(&["taint", "-no-color", "cftenant_account.acme"]);
    let planned = ctx.ws.ok(&["plan", "-input=false", "-no-color"]);
    let said = planned.split_whitespace().collect::<Vec<_>>().join(" ");
    for needle in [
        "Warning: Replacing account \"Zoned Replacement Co\" deletes the zones in it",
        &format!("made-elsewhere.com ({elsewhere})"),
    ] {
        assert!(said.contains(needle), "no {needle:?} in:\n{planned}");
    }
    ctx.ws
        .ok(&["untaint", "-no-color", "cftenant_account.acme"]);
    ctx.ws
        .write_config(&config(&format!("  unit_id = \"{TENANT}\"\n")));
    // The other zone moved away, the replacement goes through.
    ctx.sim.api("DELETE", &format!("/zones/{elsewhere}"), None);
    ctx.ws.apply();
    assert_ne!(account_id(&ctx), account);
    assert!(ctx.sim.object("accounts", &account).is_none());
    let zones = ctx.sim.objects("zones");
    assert_eq!(zones.len(), 1, "{zones:?}");
    assert_eq!(zones[0]["account"]["id"], account_id(&ctx).as_str());
    ctx.ws.assert_plan_empty();
    ctx.destroy();
}

/// Removing `type` keeps the account's type, and the zone's; but a new
/// object without it is `standard` (`full`), a replacement too. Terraform
/// plans a replacement's new object with nothing of the old one, at apply
/// as at plan, so the old type cannot be kept: the plan shows the type the
/// new object gets and warns, naming the line that keeps the old one.
#[test]
fn a_replacement_without_the_type_line_shows_and_warns_of_the_default_type() {
    let ctx = Ctx::new();
    let config = |types: bool, unit: &str, zone: &str| {
        let (account_type, zone_type) = match types {
            true => (
                "  type = \"enterprise\"\n",
                "  type = \"partial\"\n  paused = true\n",
            ),
            false => ("", ""),
        };
        format!(
            "resource \"cftenant_account\" \"acme\" {{\n  name = \"Kept Type Co\"\n{account_type}{unit}}}\n\n\
             resource \"cftenant_zone\" \"site\" {{\n  account_id = cftenant_account.acme.id\n  name = \"{zone}\"\n{zone_type}}}\n"
        )
    };
    let held = |ctx: &Ctx| {
        let account = ctx
            .sim
            .api("GET", &format!("/accounts/{}", account_id(ctx)), None);
        let zone = ctx.sim.api(
            "GET",
            &format!("/zones/{}", ctx.ws.id_of("cftenant_zone.site")),
            None,
        );
        (account["type"].clone(), zone["type"].clone())
    };
    // A create without the line plans the type it gets.
    ctx.ws.write_config(&config(false, "", "kept-type.com"));
    let changes = ctx.ws.planned_changes();
    assert_eq!(
        changes.0["cftenant_account.acme"]["after"]["type"],
        "standard"
    );
    assert_eq!(changes.0["cftenant_zone.site"]["after"]["type"], "full");
    ctx.ws.write_config(&config(true, "", "kept-type.com"));
    ctx.ws.apply();
    ctx.ws.write_config(&config(false, "", "kept-type.com"));
    ctx.ws.assert_plan_empty();
    assert_eq!(
        held(&ctx),
        (json!("enterprise"), json!("partial")),
        "removing the line keeps the types"
    );
    // Another unit replaces the account, and so the zone in it: the plan
    // shows the types the new ones get, and warns.
    let unit = format!("  unit_id = \"{}\"\n", cftenant_testing::UNIT_2);
    ctx.ws.write_config(&config(false, &unit, "kept-type.net"));
    let changes = ctx.ws.planned_changes();
    for (address, before, after) in [
        ("cftenant_account.acme", "enterprise", "standard"),
        ("cftenant_zone.site", "partial", "full"),
    ] {
        let change = &changes.0[address];
        assert_eq!(
            change["actions"],
            json!(["delete", "create"]),
            "{address}: {change:#}"
        );
        assert_eq!(
            (&change["before"]["type"], &change["after"]["type"]),
            (&json!(before), &json!(after)),
            "{address}"
        );
    }
    let planned = ctx.ws.ok(&["plan", "-input=false", "-no-color"]);
    for needle in [
        "The replacement gets `type` \"standard\", not \"enterprise\"",
        "Set `type = \"enterprise\"` for the replacement to have it too",
        "The replacement gets `type` \"full\", not \"partial\"",
        "The replacement gets `paused` false, not true",
    ] {
        assert!(planned.contains(needle), "no {needle:?} in:\n{planned}");
    }
    // `-replace` shows it in the plan (Terraform asks the provider for no
    // review of a replacement it forces, and drops the warnings of the
    // create half).
    ctx.ws.write_config(&config(false, "", "kept-type.com"));
    let planned = ctx.ws.ok(&[
        "plan",
        "-input=false",
        "-no-color",
        "-replace=cftenant_zone.site",
    ]);
    assert!(
        planned.contains("~ type = \"partial\" -> \"full\""),
        "{planned}"
    );
    // The line the warning names keeps the types through the replacement.
    let types = "  type = \"enterprise\"\n";
    let unit_and_type = format!("{unit}{types}");
    ctx.ws
        .write_config(&config(false, &unit_and_type, "kept-type.net").replace(
            "name = \"kept-type.net\"\n",
            "name = \"kept-type.net\"\n  type = \"partial\"\n  paused = true\n",
        ));
    let planned = ctx.ws.ok(&["plan", "-input=false", "-no-color"]);
    assert!(!planned.contains("The replacement gets"), "{planned}");
    ctx.ws.apply();
    assert_eq!(held(&ctx), (json!("enterprise"), json!("partial")));
    let account = ctx
        .sim
        .api("GET", &format!("/accounts/{}", account_id(&ctx)), None);
    assert_eq!(
        account["managed_by"]["parent_org_id"],
        cftenant_testing::UNIT_2
    );
    ctx.ws.assert_plan_empty();
    ctx.destroy();
}

/// Settings changed outside Terraform between a plan and its apply, which
/// the configuration leaves out: the rename sends neither, so Cloudflare
/// keeps them (two-factor enforcement is not switched off), the apply
/// succeeds (Terraform gets the values it was promised), and the next plan
/// reads them and is empty. The same for an account's DNS settings applied
/// with `-refresh=false`.
#[test]
fn a_setting_changed_since_the_plan_that_the_configuration_leaves_out_is_kept() {
    let ctx = Ctx::new();
    let config = |name: &str, ns_ttl: u32| {
        format!(
            "resource \"cftenant_account\" \"acme\" {{\n  name = \"{name}\"\n}}\n\
             resource \"cftenant_account_dns_settings\" \"acme\" {{\n  account_id = cftenant_account.acme.id\n  zone_defaults = {{ ns_ttl = {ns_ttl} }}\n}}\n"
        )
    };
    ctx.ws.write_config(&config("Outside Co", 900));
    ctx.ws.apply();
    let id = account_id(&ctx);
    assert_eq!(
        ctx.ws.resource("cftenant_account.acme")["enforce_twofactor"],
        false
    );

    ctx.ws.write_config(&config("Outside Co Renamed", 900));
    ctx.ws
        .ok(&["plan", "-input=false", "-no-color", "-out=rename.tfplan"]);
    ctx.sim.api(
        "PUT",
        &format!("/accounts/{id}"),
        Some(json!({"name": "Outside Co", "type": "standard", "settings": {"enforce_twofactor": true, "abuse_contact_email": "abuse@outside.example"}})),
    );
    ctx.ws
        .ok(&["apply", "-input=false", "-no-color", "rename.tfplan"]);
    let api = ctx.sim.api("GET", &format!("/accounts/{id}"), None);
    assert_eq!(api["name"], "Outside Co Renamed");
    assert_eq!(
        api["settings"]["enforce_twofactor"], true,
        "not switched off: {api}"
    );
    assert_eq!(
        api["settings"]["abuse_contact_email"],
        "abuse@outside.example"
    );
    ctx.ws.assert_config_plan_empty();
    ctx.ws.refresh();
    assert_eq!(
        ctx.ws.resource("cftenant_account.acme")["enforce_twofactor"],
        true
    );
    ctx.ws.assert_plan_empty();

    // Configured, and switched off outside Terraform after a plan that does
    // not change it: the apply succeeds as planned, and the next plan sets
    // it back.
    let enforced = config("Outside Co Renamed", 900).replace(
        "name = \"Outside Co Renamed\"\n",
        "name = \"Outside Co Renamed\"\n  enforce_twofactor = true\n",
    );
    ctx.ws.write_config(&enforced);
    ctx.ws.assert_plan_empty();
    let renamed = enforced.replace("Outside Co Renamed", "Outside Co Again");
    ctx.ws.write_config(&renamed);
    ctx.ws
        .ok(&["plan", "-input=false", "-no-color", "-out=again.tfplan"]);
    ctx.sim.api(
        "PUT",
        &format!("/accounts/{id}"),
        Some(json!({"name": "Outside Co Renamed", "type": "standard", "settings": {"enforce_twofactor": false}})),
    );
    ctx.ws
        .ok(&["apply", "-input=false", "-no-color", "again.tfplan"]);
    let changes = ctx.ws.planned_changes();
    assert_eq!(changes.totals(), (0, 1, 0), "{changes:#?}");
    ctx.ws.apply();
    let api = ctx.sim.api("GET", &format!("/accounts/{id}"), None);
    assert_eq!(
        api["settings"]["enforce_twofactor"], true,
        "set back: {api}"
    );
    ctx.ws.assert_plan_empty();

    let dns = format!("/accounts/{id}/dns_settings");
    ctx.sim.api(
        "PATCH",
        &dns,
        Some(json!({"zone_defaults": {"zone_mode": "cdn_only", "soa": {"ttl": 600}}})),
    );
    ctx.ws.write_config(&config("Outside Co Renamed", 1200));
    ctx.ws.apply_without_refresh();
    let api = &ctx.sim.api("GET", &dns, None)["zone_defaults"];
    assert_eq!(
        (&api["ns_ttl"], &api["zone_mode"], &api["soa"]["ttl"]),
        (&json!(1200), &json!("cdn_only"), &json!(600)),
        "only what the configuration changed was sent: {api}"
    );
    ctx.ws.assert_config_plan_empty();
    ctx.ws.refresh();
    ctx.ws.assert_plan_empty();
    ctx.destroy();
}

/// An update whose answer holds another value than was sent (the request
/// went through; the answer says otherwise): the apply succeeds with a
/// warning naming both values, the state holds what was sent, and the next
/// plan reads what Cloudflare holds.
#[test]
fn an_answer_with_another_value_than_was_sent_is_warned_of_not_failed() {
    let ctx = Ctx::new();
    let config = |name: &str| {
        format!("resource \"cftenant_account\" \"acme\" {{\n  name = \"{name}\"\n}}\n")
    };
    ctx.ws.write_config(&config("Honest Co"));
    ctx.ws.apply();
    let mut answer = json!({"success": true, "errors": [], "messages": [], "result": {}});
    for field in ["id", "type", "settings", "created_on", "managed_by"] {
        answer["result"][field] = json!(format!("X-{field}"));
    }
    answer["result"]["name"] = json!("Lied Name Co");
    let substitute: serde_json::Map<String, serde_json::Value> =
        ["id", "type", "settings", "created_on", "managed_by"]
            .iter()
            .map(|f| (format!("X-{f}"), json!(format!("/result/{f}"))))
            .collect();
    ctx.sim.faults(
        1,
        json!([{"method": "PUT", "path": "/accounts/{account_id}", "action": "respond", "commit": true,
                "count": 1, "body": answer, "substitute": substitute}]),
    );
    ctx.ws.write_config(&config("Renamed Co"));
    let applied = ctx.ws.apply();
    let said = applied.split_whitespace().collect::<Vec<_>>().join(" ");
    for needle in [
        "Cloudflare answered another `name` than was sent",
        "The apply sent \"Renamed Co\", and Cloudflare's answer holds \"Lied Name Co\"",
    ] {
        assert!(said.contains(needle), "no {needle:?} in:\n{applied}");
    }
    assert_eq!(ctx.sim.faults_fired(), vec![1]);
    assert_eq!(
        ctx.ws.resource("cftenant_account.acme")["name"],
        "Renamed Co"
    );
    ctx.ws.assert_plan_empty();
    ctx.destroy();
}
