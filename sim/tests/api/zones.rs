//! Zones (reference §5).

use crate::*;

#[test]
fn zones_create_patch_list_delete() {
    let sim = Sim::start(&[]);
    let account = create_account(&sim, "Zone Owner");
    let r = sim.call(
        "POST",
        "/zones",
        Some(json!({ "name": "Example.COM", "account": { "id": account }, "jump_start": true })),
    );
    let zone = r.assert_ok().clone();
    let zone_id = zone["id"].as_str().unwrap().to_string();
    assert!(is_cf_id(&zone["id"]));
    assert_eq!(zone["name"], json!("example.com"));
    assert_eq!(zone["status"], json!("pending"));
    assert_eq!(zone["paused"], json!(false));
    assert_eq!(zone["type"], json!("full"));
    assert_eq!(
        zone["account"],
        json!({ "id": account, "name": "Zone Owner" })
    );
    assert_eq!(zone["tenant"]["id"], json!(TENANT));
    assert_eq!(zone["tenant_unit"]["id"], json!(UNIT_1));
    assert_eq!(zone["plan"]["name"], json!("Free Website"));
    assert_eq!(zone["original_name_servers"], Value::Null);
    assert_eq!(zone["activated_on"], Value::Null);
    assert_eq!(zone["development_mode"], json!(0));
    assert!(zone.get("verification_key").is_none());
    let ns = zone["name_servers"].as_array().unwrap();
    assert_eq!(ns.len(), 2);
    assert!(ns
        .iter()
        .all(|n| n.as_str().unwrap().ends_with(".ns.cloudflare.com")));

    // Errors on create.
    let r = sim.call(
        "POST",
        "/zones",
        Some(json!({ "name": "example.com", "account": { "id": account } })),
    );
    r.assert_error(400, 1061);
    assert_eq!(r.message(), "example.com already exists");
    for bad in [
        "localhost",
        "-bad.com",
        "bad-.com",
        "a..com",
        "under_score.com",
        "10.0.0.1",
        &format!("{}.com", "a".repeat(64)),
    ] {
        let r = sim.call(
            "POST",
            "/zones",
            Some(json!({ "name": bad, "account": { "id": account } })),
        );
        r.assert_error(400, 1000);
        assert!(
            r.message().contains("not a valid domain name"),
            "{bad}: {}",
            r.message()
        );
    }
    sim.call("POST", "/zones", Some(json!({ "name": "ok-example.com" })))
        .assert_error(400, 1067);
    sim.call(
        "POST",
        "/zones",
        Some(json!({ "name": "ok-example.com", "account": { "id": "0123456789abcdef0123456789abcdef" } })),
    )
    .assert_error(400, 1067);
    sim.call(
        "POST",
        "/zones",
        Some(json!({ "name": "ok-example.com", "account": { "id": account }, "type": "weird" })),
    )
    .assert_error(400, 1000);

    // Partial zones get a verification key.
    let r = sim
        .call("POST", "/zones", Some(json!({ "name": "partial-example.com", "account": { "id": account }, "type": "partial" })));
    let partial = r.assert_ok();
    assert_eq!(partial["type"], json!("partial"));
    assert!(!partial["verification_key"].as_str().unwrap().is_empty());

    // PATCH: one property per request.
    let path = format!("/zones/{zone_id}");
    let r = sim.call(
        "PATCH",
        &path,
        Some(json!({ "paused": true, "type": "full" })),
    );
    r.assert_error(400, 1013);
    sim.call("PATCH", &path, Some(json!({})))
        .assert_error(400, 1013);
    let r = sim.call("PATCH", &path, Some(json!({ "paused": true })));
    assert_eq!(r.assert_ok()["paused"], json!(true));
    sim.call("PATCH", &path, Some(json!({ "paused": "yes" })))
        .assert_error(400, 1000);
    sim.call("PATCH", &path, Some(json!({ "type": "partial" })))
        .assert_error(400, 1014);
    sim.call(
        "PATCH",
        &path,
        Some(json!({ "vanity_name_servers": ["ns1.example.com"] })),
    )
    .assert_error(400, 1015);
    sim.call("PATCH", &path, Some(json!({ "name": "x-example.com" })))
        .assert_error(400, 1000);
    sim.call(
        "POST",
        &format!("/zones/{zone_id}/subscription"),
        Some(json!({ "rate_plan": { "id": "PARTNERS_BIZ" } })),
    )
    .assert_ok();
    let r = sim.call(
        "PATCH",
        &path,
        Some(json!({ "vanity_name_servers": ["ns1.example.com", "ns2.example.com"] })),
    );
    assert_eq!(
        r.assert_ok()["vanity_name_servers"],
        json!(["ns1.example.com", "ns2.example.com"])
    );
    assert_eq!(r.result()["plan"]["legacy_id"], json!("business"));
    let r = sim.call("GET", &path, None);
    assert_eq!(r.assert_ok()["paused"], json!(true));

    // Enterprise accounts may change the zone type.
    let ent = sim
        .call(
            "POST",
            "/accounts",
            Some(json!({ "name": "Ent", "type": "enterprise" })),
        )
        .assert_ok()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let ent_zone = create_zone(&sim, &ent, "ent-example.com");
    let r = sim.call(
        "PATCH",
        &format!("/zones/{ent_zone}"),
        Some(json!({ "type": "partial" })),
    );
    assert_eq!(r.assert_ok()["type"], json!("partial"));
    assert!(r.result()["verification_key"].is_string());

    // List with filters.
    let r = sim.call("GET", "/zones?name=example.com", None);
    assert_eq!(r.assert_ok().as_array().unwrap().len(), 1);
    let r = sim.call(
        "GET",
        &format!("/zones?account.id={account}&per_page=5"),
        None,
    );
    assert_eq!(r.assert_ok().as_array().unwrap().len(), 2);
    assert_eq!(r.body["result_info"]["total_count"], json!(2));
    let r = sim.call("GET", "/zones?name=contains:ent", None);
    assert_eq!(r.assert_ok().as_array().unwrap().len(), 1);
    let r = sim.call("GET", "/zones?status=active", None);
    assert_eq!(r.assert_ok(), &json!([]));
    sim.call("GET", "/zones?per_page=2", None)
        .assert_error(400, 1000);
    sim.call("GET", "/zones?status=weird", None)
        .assert_error(400, 1000);
    sim.call("GET", "/zones?type=full,weird", None)
        .assert_error(400, 1000);
    let r = sim.call("GET", "/zones?type=secondary", None);
    assert_eq!(r.assert_ok(), &json!([]));

    // Delete removes the subscription too.
    let r = sim.call("DELETE", &path, None);
    assert_eq!(r.assert_ok(), &json!({ "id": zone_id }));
    sim.call("GET", &path, None).assert_error(404, 1001);
    sim.call("GET", "/zones/xyz", None).assert_error(400, 7003);
    let state = sim.admin_call("GET", "/state", None).body;
    assert_eq!(state["zone_subscriptions"], json!([]));
}

#[test]
fn partial_zones_need_the_entitlement() {
    let sim = Sim::start(&["--deny-partial-setup"]);
    let account = create_account(&sim, "p");
    let r = sim.call(
        "POST",
        "/zones",
        Some(json!({ "name": "p-example.com", "account": { "id": account }, "type": "partial" })),
    );
    r.assert_error(400, 1104);
    // The admin endpoint can flip it at runtime.
    let r = sim.admin_call(
        "PATCH",
        "/entitlements",
        Some(json!({ "partial_setup_allowed": true })),
    );
    assert_eq!(r.status, 200);
    assert_eq!(r.body["partial_setup_allowed"]["value"], json!(true));
    sim.call(
        "POST",
        "/zones",
        Some(json!({ "name": "p-example.com", "account": { "id": account }, "type": "partial" })),
    )
    .assert_ok();
}

fn enterprise_account(sim: &Sim) -> String {
    sim.call(
        "POST",
        "/accounts",
        Some(json!({ "name": "Ent", "type": "enterprise" })),
    )
    .assert_ok()["id"]
        .as_str()
        .unwrap()
        .to_string()
}

/// A partial (CNAME setup) zone has no Cloudflare nameservers (observed row
/// 15): `[]` as documented; a type change takes them away or gives them back.
#[test]
fn partial_zones_have_no_nameservers() {
    let sim = Sim::start(&[]);
    let account = enterprise_account(&sim);
    let r = sim.call(
        "POST",
        "/zones",
        Some(
            json!({ "name": "cname-example.com", "account": { "id": account }, "type": "partial" }),
        ),
    );
    let partial = r.assert_ok().clone();
    assert_eq!(partial["name_servers"], json!([]));
    assert!(partial["verification_key"].is_string());
    let id = partial["id"].as_str().unwrap().to_string();
    let path = format!("/zones/{id}");
    let r = sim.call("GET", &path, None);
    assert_eq!(r.assert_ok()["name_servers"], json!([]));

    let r = sim.call("PATCH", &path, Some(json!({ "type": "full" })));
    let full = r.assert_ok().clone();
    assert_eq!(full["name_servers"].as_array().unwrap().len(), 2);
    assert!(full.get("verification_key").is_none());
    let r = sim.call("PATCH", &path, Some(json!({ "type": "partial" })));
    assert_eq!(r.assert_ok()["name_servers"], json!([]));
    let r = sim.call("PATCH", &path, Some(json!({ "type": "secondary" })));
    assert_eq!(r.assert_ok()["name_servers"], full["name_servers"]);
}

/// Zones as recorded: quotas as strings (corpus 23), a partial zone without
/// a `name_servers` key (corpus 21), lists without `total_pages`.
#[test]
fn observed_zones() {
    let sim = Sim::start(OBSERVED);
    let account = enterprise_account(&sim);
    let full = create_zone(&sim, &account, "full-example.com");
    let r = sim.call("GET", &format!("/zones/{full}"), None);
    let zone = r.assert_ok().clone();
    assert_eq!(zone["meta"]["custom_certificate_quota"], json!("0"));
    assert_eq!(zone["meta"]["page_rule_quota"], json!("3"));
    assert_eq!(zone["meta"]["step"], json!(2));
    assert_eq!(zone["name_servers"].as_array().unwrap().len(), 2);
    sim.call(
        "POST",
        &format!("/zones/{full}/subscription"),
        Some(json!({ "rate_plan": { "id": "PARTNERS_BIZ" }, "component_values": [{ "name": "page_rules", "value": 60 }] })),
    )
    .assert_ok();
    let r = sim.call("GET", &format!("/zones/{full}"), None);
    assert_eq!(r.assert_ok()["meta"]["page_rule_quota"], json!("60"));

    let r = sim.call(
        "POST",
        "/zones",
        Some(
            json!({ "name": "cname-example.com", "account": { "id": account }, "type": "partial" }),
        ),
    );
    let partial = r.assert_ok().clone();
    assert!(partial.get("name_servers").is_none(), "{partial}");
    assert!(partial["verification_key"].is_string());
    let id = partial["id"].as_str().unwrap();
    let r = sim.call(
        "PATCH",
        &format!("/zones/{id}"),
        Some(json!({ "type": "full" })),
    );
    assert_eq!(r.assert_ok()["name_servers"].as_array().unwrap().len(), 2);
    let r = sim.call(
        "PATCH",
        &format!("/zones/{id}"),
        Some(json!({ "type": "partial" })),
    );
    assert!(r.assert_ok().get("name_servers").is_none());

    let r = sim.call("GET", "/zones?per_page=5", None);
    assert_eq!(r.assert_ok().as_array().unwrap().len(), 2);
    assert_eq!(
        r.body["result_info"],
        json!({ "page": 1, "per_page": 5, "count": 2, "total_count": 2 })
    );
}

/// A caller that may not create zones in the account: 403 / 9109 as
/// documented, 403 with code 0 and the permission's name as recorded
/// (corpus 25).
#[test]
fn zone_create_without_permission() {
    for (args, code, message) in [
        (&[][..], 9109, "Unauthorized to access requested resource"),
        (
            OBSERVED,
            0,
            "Requires permission \"com.cloudflare.api.account.zone.create\" to create zones for the selected account",
        ),
    ] {
        let sim = Sim::start(args);
        let account = create_account(&sim, "not theirs");
        let (email, key) = create_service_user(&sim, "svc@example.com");
        let r = sim.call_as(
            Auth::Key(&email, &key),
            "POST",
            "/zones",
            Some(json!({ "name": "denied-example.com", "account": { "id": account } })),
        );
        assert_eq!(r.status, 403, "{}", r.body);
        assert_eq!(r.code(), code, "{}", r.body);
        assert_eq!(r.message(), message);
        assert_eq!(r.body["result"], Value::Null);
    }
}
