//! Service users and the current user (reference §4).

use crate::*;

#[test]
fn service_users_and_current_user() {
    let sim = Sim::start(&[]);
    let r = sim.call(
        "POST",
        "/users",
        Some(json!({ "email": "svc-1@example.com" })),
    );
    let user = r.assert_ok().clone();
    assert!(is_cf_id(&user["id"]));
    assert!(is_cf_id(&user["username"]));
    assert_eq!(user["first_name"], Value::Null);
    assert_eq!(
        user["two_factor_authentication"],
        json!({ "enabled": false, "locked": false })
    );
    let api_key = user["api_key"].as_str().unwrap().to_string();
    assert_eq!(api_key.len(), 37);
    assert!(api_key.bytes().all(|b| b.is_ascii_hexdigit()));
    sim.call(
        "POST",
        "/users",
        Some(json!({ "email": "SVC-1@example.com" })),
    )
    .assert_error(400, 1012);
    sim.call("POST", "/users", Some(json!({ "email": "nope" })))
        .assert_error(400, 1000);

    // GET /user with the service user's own key.
    let svc = Auth::Key("svc-1@example.com", &api_key);
    let r = sim.call_as(svc, "GET", "/user", None);
    let me = r.assert_ok();
    assert_eq!(me["id"], user["id"]);
    assert_eq!(me["email"], json!("svc-1@example.com"));
    assert!(me.get("api_key").is_none());
    assert_eq!(me["two_factor_authentication_enabled"], json!(false));
    assert_eq!(me["suspended"], json!(false));
    assert_eq!(me["organizations"], json!([]));
    sim.call_as(Auth::Key("svc-1@example.com", "0000"), "GET", "/user", None)
        .assert_error(403, 9103);

    // The tenant admin sees itself.
    let r = sim.call("GET", "/user", None);
    let admin = r.assert_ok();
    assert_eq!(admin["email"], json!(ADMIN_EMAIL));
    assert_ne!(admin["id"], user["id"]);
    assert_eq!(admin["organizations"][0]["id"], json!(TENANT));

    // A service user is limited to accounts it is a member of.
    let account = create_account(&sim, "svc");
    let other = create_account(&sim, "other");
    let r = sim.call(
        "POST",
        &format!("/accounts/{account}/members"),
        Some(json!({ "email": "svc-1@example.com", "roles": [ADMIN_ROLE] })),
    );
    assert_eq!(
        r.assert_ok()["user"]["id"],
        user["id"],
        "member user.id is the service user's id"
    );
    sim.call_as(svc, "GET", &format!("/accounts/{account}"), None)
        .assert_ok();
    sim.call_as(svc, "GET", &format!("/accounts/{other}"), None)
        .assert_error(403, 9109);
    sim.call_as(svc, "POST", "/accounts", Some(json!({ "name": "x" })))
        .assert_error(403, 10000);
    let r = sim.call_as(svc, "GET", "/accounts", None);
    assert_eq!(r.assert_ok().as_array().unwrap().len(), 1);
    let r = sim.call_as(
        svc,
        "POST",
        "/zones",
        Some(json!({ "name": "svc-example.com", "account": { "id": account } })),
    );
    r.assert_ok();
    sim.call_as(
        svc,
        "POST",
        "/zones",
        Some(json!({ "name": "svc-example.com", "account": { "id": other } })),
    )
    .assert_error(403, 9109);

    // PATCH /user.
    let r = sim.call_as(
        svc,
        "PATCH",
        "/user",
        Some(json!({ "first_name": "Service", "country": "DE" })),
    );
    assert_eq!(r.assert_ok()["first_name"], json!("Service"));
    sim.call_as(
        svc,
        "PATCH",
        "/user",
        Some(json!({ "email": "x@y.example" })),
    )
    .assert_error(400, 1000);
}
