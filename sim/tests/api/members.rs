//! Members and roles (reference §3).

use crate::*;

#[test]
fn members_and_roles() {
    let sim = Sim::start(&[]);
    let account = create_account(&sim, "m");
    let members = format!("/accounts/{account}/members");

    // Roles.
    let r = sim.call(
        "GET",
        &format!("/accounts/{account}/roles?per_page=5"),
        None,
    );
    let roles = r.assert_ok().as_array().unwrap().clone();
    assert_eq!(roles.len(), 5);
    assert!(r.body["result_info"]["total_count"].as_u64().unwrap() > 5);
    let r = sim.call(
        "GET",
        &format!("/accounts/{account}/roles/{ADMIN_ROLE}"),
        None,
    );
    let admin_role = r.assert_ok();
    assert_eq!(admin_role["name"], json!("Administrator"));
    assert_eq!(
        admin_role["permissions"]["dns"],
        json!({ "read": true, "write": true })
    );
    sim.call(
        "GET",
        &format!("/accounts/{account}/roles/0123456789abcdef0123456789abcdef"),
        None,
    )
    .assert_error(404, 1005);
    sim.call("GET", &format!("/accounts/{account}/roles/admin"), None)
        .assert_error(400, 7003);

    // POST omits roles (real bug); GET has them.
    let r = sim.call(
        "POST",
        &members,
        Some(json!({ "email": "Jane@Example.com", "roles": [ADMIN_ROLE] })),
    );
    let created = r.assert_ok().clone();
    assert!(
        created.get("roles").is_none(),
        "POST must not return roles: {created}"
    );
    assert_eq!(created["status"], json!("pending"));
    assert!(is_cf_id(&created["id"]));
    assert!(is_cf_id(&created["user"]["id"]));
    assert_eq!(created["user"]["email"], json!("Jane@Example.com"));
    assert_eq!(
        created["user"]["two_factor_authentication_enabled"],
        json!(false)
    );
    let member_id = created["id"].as_str().unwrap().to_string();
    let r = sim.call("GET", &format!("{members}/{member_id}"), None);
    let fetched = r.assert_ok();
    assert_eq!(fetched["roles"][0]["id"], json!(ADMIN_ROLE));
    assert_eq!(fetched["roles"][0]["name"], json!("Administrator"));
    assert!(fetched["roles"][0]["permissions"].is_object());
    assert_eq!(fetched["policies"][0]["access"], json!("allow"));

    // Validation on create.
    let r = sim.call(
        "POST",
        &members,
        Some(json!({ "email": "x@y.example", "roles": ["0123456789abcdef0123456789abcdef"] })),
    );
    r.assert_error(400, 1009);
    assert!(r.message().contains("0123456789abcdef0123456789abcdef"));
    sim.call(
        "POST",
        &members,
        Some(json!({ "email": "x@y.example", "roles": [] })),
    )
    .assert_error(400, 1000);
    sim.call(
        "POST",
        &members,
        Some(json!({ "email": "not-an-email", "roles": [ADMIN_ROLE] })),
    )
    .assert_error(400, 1000);
    let long = format!("{}@example.com", "a".repeat(80));
    sim.call(
        "POST",
        &members,
        Some(json!({ "email": long, "roles": [ADMIN_ROLE] })),
    )
    .assert_error(400, 1000);
    sim.call(
        "POST",
        &members,
        Some(json!({ "email": "jane@example.com", "roles": [ADMIN_ROLE] })),
    )
    .assert_error(400, 1011);
    let r = sim.call(
        "POST",
        &members,
        Some(json!({ "email": "auto@example.com", "roles": [ADMIN_ROLE], "status": "accepted" })),
    );
    r.assert_error(400, 1010);
    assert!(r.message().contains("allow_auto_accept_invites"));

    // PUT needs role objects, not strings.
    let billing = roles
        .iter()
        .find(|r| r["name"] == json!("Billing"))
        .unwrap()["id"]
        .clone();
    let r = sim.call(
        "PUT",
        &format!("{members}/{member_id}"),
        Some(json!({ "roles": [billing] })),
    );
    r.assert_error(400, 1000);
    assert!(r.message().contains("object"), "{}", r.message());
    let r = sim.call(
        "PUT",
        &format!("{members}/{member_id}"),
        Some(json!({ "roles": [{ "id": ADMIN_ROLE }, { "id": billing }] })),
    );
    let updated = r.assert_ok();
    assert_eq!(updated["roles"].as_array().unwrap().len(), 2);
    assert_eq!(updated["roles"][1]["name"], json!("Billing"));
    sim.call(
        "PUT",
        &format!("{members}/{member_id}"),
        Some(json!({ "roles": [{ "id": ADMIN_ROLE }], "email": "other@example.com" })),
    )
    .assert_error(400, 1000);

    // List and delete.
    for i in 0..6 {
        sim.call(
            "POST",
            &members,
            Some(json!({ "email": format!("u{i}@example.com"), "roles": [ADMIN_ROLE] })),
        )
        .assert_ok();
    }
    let r = sim.call("GET", &format!("{members}?per_page=5&page=2"), None);
    assert_eq!(r.assert_ok().as_array().unwrap().len(), 2);
    assert_eq!(r.body["result_info"]["total_count"], json!(7));
    assert!(r.result()[0]["roles"].is_array());
    sim.call("GET", &format!("{members}?per_page=100"), None)
        .assert_error(400, 1000);
    let r = sim.call("DELETE", &format!("{members}/{member_id}"), None);
    assert_eq!(r.assert_ok(), &json!({ "id": member_id }));
    sim.call("GET", &format!("{members}/{member_id}"), None)
        .assert_error(404, 1004);
    sim.call("GET", &format!("{members}/xyz"), None)
        .assert_error(400, 7003);
}

#[test]
fn accepted_members_need_the_entitlement_flag() {
    let sim = Sim::start(&["--allow-auto-accept-invites"]);
    let r = sim.call("GET", &format!("/tenants/{TENANT}/entitlements"), None);
    assert_eq!(
        r.assert_ok()["allow_auto_accept_invites"],
        json!({ "type": "bool", "value": true })
    );
    let account = create_account(&sim, "auto");
    let r = sim.call(
        "POST",
        &format!("/accounts/{account}/members"),
        Some(json!({ "email": "auto@example.com", "roles": [ADMIN_ROLE], "status": "accepted" })),
    );
    assert_eq!(r.assert_ok()["status"], json!("accepted"));
}
