//! Accounts (reference §2): create, read, update, delete, list, and the KYC profile.

use crate::*;

#[test]
fn account_crud_validation_and_pagination() {
    let sim = Sim::start(&[]);

    // Create with KYC on the second unit.
    let r = sim.call(
        "POST",
        "/accounts",
        Some(json!({
            "name": "Acme",
            "type": "enterprise",
            "unit": { "id": UNIT_2 },
            "business_name": "Acme Inc",
            "business_email": "billing@acme.example",
            "external_metadata": "{'k': 'v'}",
        })),
    );
    let account = r.assert_ok().clone();
    assert!(is_cf_id(&account["id"]));
    assert_eq!(account["name"], json!("Acme"));
    assert_eq!(account["type"], json!("enterprise"));
    assert!(account["created_on"].as_str().unwrap().ends_with('Z'));
    assert_eq!(account["managed_by"]["parent_org_id"], json!(UNIT_2));
    assert_eq!(
        account["managed_by"]["parent_org_name"],
        json!("Secondary Unit")
    );
    assert_eq!(
        account["settings"],
        json!({ "enforce_twofactor": false }),
        "an abuse contact never set is left out"
    );
    let id = account["id"].as_str().unwrap().to_string();

    // Default unit is the first one; default type standard.
    let r = sim.call("POST", "/accounts", Some(json!({ "name": "Beta" })));
    assert_eq!(r.assert_ok()["managed_by"]["parent_org_id"], json!(UNIT_1));
    assert_eq!(r.result()["type"], json!("standard"));

    // Validation.
    let r = sim.call(
        "POST",
        "/accounts",
        Some(json!({ "name": "x".repeat(101) })),
    );
    r.assert_error(400, 1000);
    assert!(r.message().starts_with("name"));
    sim.call(
        "POST",
        "/accounts",
        Some(json!({ "name": "x".repeat(100) })),
    )
    .assert_ok();
    sim.call("POST", "/accounts", Some(json!({})))
        .assert_error(400, 1000);
    let r = sim.call(
        "POST",
        "/accounts",
        Some(json!({ "name": "k", "business_phone": "1".repeat(121) })),
    );
    r.assert_error(400, 1000);
    assert!(r.message().contains("business_phone"), "{}", r.message());
    sim.call(
        "POST",
        "/accounts",
        Some(json!({ "name": "k", "type": "premium" })),
    )
    .assert_error(400, 1000);
    let r = sim.call(
        "POST",
        "/accounts",
        Some(json!({ "name": "k", "unit": { "id": "nope" } })),
    );
    r.assert_error(400, 1007);
    assert!(r.message().contains("nope"));

    // Read, update.
    let r = sim.call("GET", &format!("/accounts/{id}"), None);
    assert_eq!(r.assert_ok(), &account);
    let r = sim
        .call(
            "PUT",
            &format!("/accounts/{id}"),
            Some(json!({ "name": "Acme 2", "settings": { "enforce_twofactor": true, "abuse_contact_email": "abuse@acme.example" } })),
        );
    let updated = r.assert_ok();
    assert_eq!(updated["name"], json!("Acme 2"));
    assert_eq!(updated["type"], json!("enterprise"));
    assert_eq!(updated["settings"]["enforce_twofactor"], json!(true));
    assert_eq!(
        updated["settings"]["abuse_contact_email"],
        json!("abuse@acme.example")
    );
    sim.call(
        "PUT",
        &format!("/accounts/{id}"),
        Some(json!({ "name": "Acme 3", "type": "enterprise" })),
    )
    .assert_ok();
    let r = sim.call(
        "PUT",
        &format!("/accounts/{id}"),
        Some(json!({ "name": "Acme 3", "type": "standard" })),
    );
    r.assert_error(400, 1008);
    assert!(r.message().contains("account type cannot be changed"));
    sim.call(
        "PUT",
        &format!("/accounts/{id}"),
        Some(json!({ "type": "enterprise" })),
    )
    .assert_error(400, 1000);

    // Malformed and unknown ids.
    let r = sim.call("GET", "/accounts/not-hex", None);
    r.assert_error(400, 7003);
    assert_eq!(
        r.message(),
        "Could not route to /client/v4/accounts/not-hex, perhaps your object identifier is invalid?"
    );
    sim.call("GET", "/accounts/0123456789ABCDEF0123456789ABCDEF", None)
        .assert_error(400, 7003);
    sim.call("GET", "/accounts/0123456789abcdef0123456789abcdef", None)
        .assert_error(404, 1002);

    // Delete.
    let r = sim.call("DELETE", &format!("/accounts/{id}"), None);
    assert_eq!(r.assert_ok(), &json!({ "id": id }));
    sim.call("GET", &format!("/accounts/{id}"), None)
        .assert_error(404, 1002);
    sim.call("DELETE", &format!("/accounts/{id}"), None)
        .assert_error(404, 1002);
}

#[test]
fn account_list_pagination_filters_and_order() {
    let sim = Sim::start(&[]);
    for name in ["g", "c", "a", "e", "b", "f", "d"] {
        create_account(&sim, name);
    }
    let r = sim.call("GET", "/accounts?per_page=5", None);
    let page1 = r.assert_ok().as_array().unwrap().clone();
    assert_eq!(
        r.body["result_info"],
        json!({ "page": 1, "per_page": 5, "count": 5, "total_count": 7, "total_pages": 2 })
    );
    let names: Vec<&str> = page1.iter().map(|a| a["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["a", "b", "c", "d", "e"]);
    let r = sim.call("GET", "/accounts?per_page=5&page=2", None);
    assert_eq!(r.assert_ok().as_array().unwrap().len(), 2);
    assert_eq!(r.body["result_info"]["count"], json!(2));
    let r = sim.call("GET", "/accounts?per_page=5&page=3", None);
    assert_eq!(r.assert_ok(), &json!([]));
    let r = sim.call("GET", "/accounts?per_page=5&direction=desc", None);
    assert_eq!(r.assert_ok()[0]["name"], json!("g"));
    let r = sim.call("GET", "/accounts?name=d", None);
    assert_eq!(r.assert_ok().as_array().unwrap().len(), 1);
    assert_eq!(r.body["result_info"]["per_page"], json!(20));
    sim.call("GET", "/accounts?per_page=4", None)
        .assert_error(400, 1000);
    sim.call("GET", "/accounts?per_page=51", None)
        .assert_error(400, 1000);
    sim.call("GET", "/accounts?page=0", None)
        .assert_error(400, 1000);
    sim.call("GET", "/accounts?direction=up", None)
        .assert_error(400, 1000);
}

#[test]
fn profile_put_ignores_empty_fields() {
    let sim = Sim::start(&[]);
    let r = sim.call(
        "POST",
        "/accounts",
        Some(json!({ "name": "P", "business_name": "Old Name", "business_phone": "111" })),
    );
    let id = r.assert_ok()["id"].as_str().unwrap().to_string();
    let path = format!("/accounts/{id}/profile");
    let r = sim.call("GET", &path, None);
    assert_eq!(
        r.assert_ok(),
        &json!({ "business_name": "Old Name", "business_address": "", "business_email": "", "business_phone": "111", "external_metadata": "" })
    );
    let r = sim.call(
        "PUT",
        &path,
        Some(json!({ "business_name": "", "business_address": "1 Main St" })),
    );
    assert_eq!((r.status, &r.body), (204, &Value::Null), "no content");
    let r = sim.call("GET", &path, None);
    let profile = r.assert_ok();
    assert_eq!(
        profile["business_name"],
        json!("Old Name"),
        "empty string must not clear"
    );
    assert_eq!(
        profile["business_phone"],
        json!("111"),
        "omitted field must not clear"
    );
    assert_eq!(profile["business_address"], json!("1 Main St"));
    let r = sim.call(
        "PUT",
        &path,
        Some(json!({ "external_metadata": "m".repeat(121) })),
    );
    r.assert_error(400, 1000);
    assert!(r.message().contains("external_metadata"));
    sim.call(
        "GET",
        "/accounts/0123456789abcdef0123456789abcdef/profile",
        None,
    )
    .assert_error(404, 1002);
}

#[test]
fn deleting_an_account_cascades() {
    let sim = Sim::start(&[]);
    let keep = create_account(&sim, "keep");
    let gone = create_account(&sim, "gone");
    let keep_zone = create_zone(&sim, &keep, "keep-example.com");
    let zone = create_zone(&sim, &gone, "gone-example.com");
    sim.call(
        "POST",
        &format!("/zones/{zone}/subscription"),
        Some(json!({ "rate_plan": { "id": "PARTNERS_PRO" } })),
    )
    .assert_ok();
    sim.call(
        "POST",
        &format!("/accounts/{gone}/members"),
        Some(json!({ "email": "a@b.example", "roles": [ADMIN_ROLE] })),
    )
    .assert_ok();
    sim.call(
        "POST",
        &format!("/accounts/{gone}/subscriptions"),
        Some(json!({ "rate_plan": { "id": "TEAMS_STANDARD" } })),
    )
    .assert_ok();

    sim.call("DELETE", &format!("/accounts/{gone}"), None)
        .assert_ok();
    let state = sim.admin_call("GET", "/state", None).body;
    assert_eq!(state["accounts"].as_array().unwrap().len(), 1);
    assert_eq!(state["zones"].as_array().unwrap().len(), 1);
    assert_eq!(state["zones"][0]["id"], json!(keep_zone));
    assert_eq!(state["members"], json!([]));
    assert_eq!(state["zone_subscriptions"], json!([]));
    assert_eq!(state["account_subscriptions"], json!([]));
    sim.call("GET", &format!("/zones/{zone}"), None)
        .assert_error(404, 1001);
}

/// A partner created accounts with its tenant tag as `unit.id` (observed
/// row 12); the tenant itself then manages the account. Both dialects.
#[test]
fn the_tenant_tag_is_accepted_as_the_unit() {
    let sim = Sim::start(&[]);
    let r = sim.call(
        "POST",
        "/accounts",
        Some(json!({ "name": "Tenant Own", "unit": { "id": TENANT } })),
    );
    let account = r.assert_ok().clone();
    let id = account["id"].as_str().unwrap().to_string();
    assert_eq!(
        account["managed_by"],
        json!({ "parent_org_id": TENANT, "parent_org_name": "Simulated Partner Tenant" })
    );
    let r = sim.call("GET", &format!("/accounts/{id}"), None);
    assert_eq!(r.assert_ok(), &account);
    let r = sim.call("GET", "/accounts?name=Tenant%20Own", None);
    assert_eq!(r.assert_ok(), &json!([account]));
    let r = sim.call("GET", &format!("/tenants/{TENANT}/accounts"), None);
    assert_eq!(r.assert_ok()[0]["id"], json!(id));
    let r = sim.call(
        "PUT",
        &format!("/accounts/{id}"),
        Some(json!({ "name": "Tenant Own 2" })),
    );
    assert_eq!(r.assert_ok()["name"], json!("Tenant Own 2"));
    assert_eq!(r.result()["managed_by"]["parent_org_id"], json!(TENANT));
    let zone = create_zone(&sim, &id, "tenant-own-example.com");
    let r = sim.call("GET", &format!("/zones/{zone}"), None);
    assert_eq!(r.assert_ok()["tenant_unit"]["id"], json!(TENANT));
    let r = sim.call("DELETE", &format!("/accounts/{id}"), None);
    assert_eq!(r.assert_ok(), &json!({ "id": id }));
    sim.call("GET", &format!("/accounts/{id}"), None)
        .assert_error(404, 1002);

    // Any other tag is still refused, naming the tenant's tag as well.
    let r = sim.call(
        "POST",
        "/accounts",
        Some(json!({ "name": "x", "unit": { "id": "0123456789abcdef0123456789abcdef" } })),
    );
    r.assert_error(400, 1007);
    assert!(r.message().contains(TENANT), "{}", r.message());
}

/// Accounts as the live answers have them (corpus 03, 05): unset settings
/// as `null`, `user_groups_ui_beta`, `legacy_flags`; lists without
/// `total_pages` (corpus 02).
#[test]
fn observed_accounts() {
    let sim = Sim::start(OBSERVED);
    let r = sim.call(
        "POST",
        "/accounts",
        Some(json!({ "name": "Observed", "unit": { "id": UNIT_2 } })),
    );
    let account = r.assert_ok().clone();
    let id = account["id"].as_str().unwrap().to_string();
    assert!(is_cf_id(&account["id"]));
    assert_eq!(account["type"], json!("standard"));
    assert_eq!(
        account["settings"],
        json!({
            "enforce_twofactor": false,
            "api_access_enabled": null,
            "access_approval_expiry": null,
            "abuse_contact_email": null,
            "user_groups_ui_beta": false,
        })
    );
    assert_eq!(
        account["legacy_flags"],
        json!({ "enterprise_zone_quota": { "maximum": 0, "current": 0, "available": 0 } })
    );
    assert_eq!(
        account["managed_by"],
        json!({ "parent_org_id": UNIT_2, "parent_org_name": "Secondary Unit" })
    );
    assert_eq!(
        keys(&account),
        [
            "created_on",
            "id",
            "legacy_flags",
            "managed_by",
            "name",
            "settings",
            "type"
        ]
    );
    let r = sim.call("GET", &format!("/accounts/{id}"), None);
    assert_eq!(r.assert_ok(), &account);

    let r = sim.call(
        "PUT",
        &format!("/accounts/{id}"),
        Some(json!({ "name": "Observed", "settings": { "abuse_contact_email": "abuse@example.com", "enforce_twofactor": true } })),
    );
    let updated = r.assert_ok();
    assert_eq!(
        updated["settings"]["abuse_contact_email"],
        json!("abuse@example.com")
    );
    assert_eq!(updated["settings"]["enforce_twofactor"], json!(true));
    assert_eq!(updated["settings"]["api_access_enabled"], Value::Null);

    for i in 0..6 {
        create_account(&sim, &format!("o{i}"));
    }
    let r = sim.call("GET", "/accounts?per_page=5&page=2", None);
    assert_eq!(r.assert_ok().as_array().unwrap().len(), 2);
    assert_eq!(
        r.body["result_info"],
        json!({ "page": 2, "per_page": 5, "count": 2, "total_count": 7 })
    );
    assert!(r.result()[0]["legacy_flags"].is_object());

    // The tenant tag as the unit works here too.
    let r = sim.call(
        "POST",
        "/accounts",
        Some(json!({ "name": "Own", "unit": { "id": TENANT } })),
    );
    assert_eq!(r.assert_ok()["managed_by"]["parent_org_id"], json!(TENANT));
}
