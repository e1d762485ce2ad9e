//! Tenants, their accounts, entitlements, memberships and account types (reference §7).

use crate::*;

#[test]
fn tenant_endpoints() {
    let sim = Sim::start(&[]);
    let r = sim.call("GET", &format!("/tenants/{TENANT}"), None);
    let tenant = r.assert_ok();
    assert_eq!(tenant["tenant_tag"], json!(TENANT));
    for key in [
        "tenant_name",
        "tenant_type",
        "tenant_status",
        "cdate",
        "edate",
        "customer_id",
    ] {
        assert!(tenant[key].is_string(), "{key}");
    }
    assert!(tenant["tenant_labels"].is_array());
    assert!(tenant["tenant_metadata"]["dns"]["ns_pool"]["primary"].is_string());
    let units = tenant["tenant_units"].as_array().unwrap();
    assert_eq!(units.len(), 2);
    assert_eq!(units[0]["unit_tag"], json!(UNIT_1));
    assert_eq!(units[1]["unit_tag"], json!(UNIT_2));
    assert!(units[0]["unit_memberships"].is_array());

    let r = sim.call("GET", &format!("/tenants/{TENANT}/account_types"), None);
    assert_eq!(r.assert_ok(), &json!(["standard", "enterprise"]));
    let r = sim.call("GET", &format!("/tenants/{TENANT}/entitlements"), None);
    let ent = r.assert_ok();
    assert_eq!(
        ent["allow_auto_accept_invites"],
        json!({ "type": "bool", "value": false })
    );
    assert_eq!(
        ent["partial_setup_allowed"],
        json!({ "type": "bool", "value": true })
    );
    assert_eq!(ent["mhs_certificate_count"]["type"], json!("max_count"));
    let custom = ent["custom_entitlements"].as_array().unwrap();
    for kind in ["bool", "max_count", ""] {
        assert!(
            custom
                .iter()
                .any(|c| c["allocation"]["type"] == json!(kind)),
            "{kind}"
        );
    }
    let r = sim.call("GET", &format!("/tenants/{TENANT}/memberships"), None);
    let memberships = r.assert_ok().as_array().unwrap().clone();
    assert_eq!(memberships.len(), 2);
    assert_eq!(memberships[0]["user_email"], json!(ADMIN_EMAIL));

    for i in 0..3 {
        create_account(&sim, &format!("t{i}"));
    }
    let r = sim.call("GET", &format!("/tenants/{TENANT}/accounts"), None);
    let all = r.assert_ok().as_array().unwrap().clone();
    assert_eq!(all.len(), 3);
    assert_eq!(all[0]["name"], json!("t0"));
    assert!(all[0]["settings"]
        .as_object()
        .unwrap()
        .contains_key("use_account_custom_ns_by_default"));
    let r = sim.call(
        "GET",
        &format!("/tenants/{TENANT}/accounts?page=2&per_page=2&direction=1"),
        None,
    );
    assert_eq!(r.assert_ok().as_array().unwrap().len(), 1);
    assert_eq!(r.result()[0]["name"], json!("t0"));
    assert_eq!(r.body["result_info"]["total_pages"], json!(2));

    sim.call("GET", "/tenants/unknown-tenant", None)
        .assert_error(404, 1006);
    sim.call("GET", "/tenants/unknown-tenant/accounts", None)
        .assert_error(404, 1006);
    let r = sim.call("GET", "/user/tenants", None);
    let list = r.assert_ok().as_array().unwrap().clone();
    assert_eq!(list[0]["tenant_tag"], json!(TENANT));
    assert_eq!(list[0]["tenant_units"][0]["unit_tag"], json!(UNIT_1));
}

/// Tenant accounts as a partner recorded them (corpus 10): keyed by
/// `account_tag`, without `id`, `name`, `type` or `total_pages`.
#[test]
fn observed_tenant_accounts() {
    let sim = Sim::start(OBSERVED);
    let first = create_account(&sim, "first");
    let r = sim.call(
        "POST",
        "/accounts",
        Some(json!({ "name": "second", "type": "enterprise", "unit": { "id": TENANT } })),
    );
    let second = r.assert_ok()["id"].as_str().unwrap().to_string();
    let r = sim.call("GET", &format!("/tenants/{TENANT}/accounts"), None);
    let items = r.assert_ok().as_array().unwrap().clone();
    assert_eq!(items.len(), 2);
    let created_on = items[0]["created_on"].clone();
    assert!(created_on.is_string());
    assert_eq!(
        items[0],
        json!({
            "account_tag": first,
            "account_pubname": "first",
            "account_type": "standard",
            "created_on": created_on,
            "settings": {
                "enforce_two_factor": false,
                "api_access_enabled": null,
                "access_approval_expiry": null,
                "use_account_custom_ns_by_default": false,
            },
        })
    );
    assert_eq!(items[1]["account_tag"], json!(second));
    assert_eq!(items[1]["account_type"], json!("enterprise"));
    assert_eq!(
        r.body["result_info"],
        json!({ "page": 1, "per_page": 2, "count": 2, "total_count": 2 })
    );
    let r = sim.call(
        "GET",
        &format!("/tenants/{TENANT}/accounts?page=1&per_page=1&order=name&direction=desc"),
        None,
    );
    assert_eq!(r.assert_ok()[0]["account_pubname"], json!("second"));
    assert!(r.body["result_info"].get("total_pages").is_none());
}
