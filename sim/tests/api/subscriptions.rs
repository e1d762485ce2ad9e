//! Zone and account subscriptions (reference §6, §7.1) and their read-back quirks.

use crate::*;

#[test]
fn zone_subscription_quirks() {
    let sim = Sim::start(&[]);
    let account = create_account(&sim, "s");
    let zone = create_zone(&sim, &account, "sub-example.com");
    let path = format!("/zones/{zone}/subscription");

    // No record right after zone creation, in the live API's words (corpus 26).
    let r = sim.call("GET", &path, None);
    r.assert_error(404, 1207);
    assert_eq!(
        r.message(),
        "Add a core subscription first and try again. The zone does not have an active core subscription."
    );
    sim.call(
        "PUT",
        &path,
        Some(json!({ "rate_plan": { "id": "PARTNERS_PRO" } })),
    )
    .assert_error(404, 1207);

    // Validation.
    let r = sim.call(
        "POST",
        &path,
        Some(json!({ "rate_plan": { "id": "PARTNERS_GOLD" } })),
    );
    r.assert_error(400, 1204);
    assert_eq!(
        r.message(),
        "failed to resolve provided rate plan: 'PARTNERS_GOLD'"
    );
    sim.call(
        "POST",
        &path,
        Some(json!({ "rate_plan": { "id": "TEAMS_ENT" } })),
    )
    .assert_error(400, 1204);
    let r = sim.call(
        "POST",
        &path,
        Some(json!({ "rate_plan": { "id": "PARTNERS_PRO" }, "frequency": "fortnightly" })),
    );
    r.assert_error(400, 1000);
    assert!(r.message().contains("fortnightly"));
    let r = sim
        .call(
            "POST",
            &path,
            Some(json!({ "rate_plan": { "id": "PARTNERS_PRO" }, "component_values": [{ "name": "cookies", "value": 1 }] })),
        );
    r.assert_error(400, 1000);
    assert!(r.message().contains("cookies"));
    sim.call("POST", &path, Some(json!({})))
        .assert_error(400, 1000);

    // Enterprise: normalised id, not-applicable frequency.
    let r = sim.call(
        "POST",
        &path,
        Some(json!({ "rate_plan": { "id": "PARTNERS_ENT" }, "frequency": "monthly" })),
    );
    let sub = r.assert_ok().clone();
    assert!(is_cf_id(&sub["id"]));
    assert_eq!(sub["rate_plan"]["id"], json!("enterprise"));
    assert_eq!(sub["rate_plan"]["scope"], json!("zone"));
    assert_eq!(sub["frequency"], json!("not-applicable"));
    assert_eq!(sub["currency"], json!("USD"));
    assert_eq!(sub["state"], json!("Paid"));
    assert!(sub["current_period_start"].is_string() && sub["current_period_end"].is_string());
    let r = sim.call("GET", &path, None);
    assert_eq!(r.assert_ok(), &sub);
    sim.call(
        "POST",
        &path,
        Some(json!({ "rate_plan": { "id": "PARTNERS_PRO" } })),
    )
    .assert_error(400, 1205);

    // PUT to business yearly with extra page rules: price = (200 + 10 × 1) × 12.
    let r = sim.call(
        "PUT",
        &path,
        Some(json!({
            "rate_plan": { "id": "partners_biz" },
            "frequency": "yearly",
            "component_values": [{ "name": "page_rules", "value": 60 }],
        })),
    );
    let sub2 = r.assert_ok();
    assert_eq!(sub2["id"], sub["id"], "PUT keeps the subscription id");
    assert_eq!(sub2["rate_plan"]["id"], json!("business"));
    assert_eq!(sub2["frequency"], json!("yearly"));
    assert_eq!(sub2["price"], json!(2520));
    // Every component of the plan is reported, at its quantity and default.
    assert_eq!(
        sub2["component_values"],
        json!([
            { "name": "page_rules", "value": 60, "default": 50, "price": 120 },
            { "name": "zones", "value": 1, "default": 1, "price": 0 },
            { "name": "dedicated_certificates", "value": 0, "default": 0, "price": 0 },
            { "name": "dedicated_certificates_custom", "value": 0, "default": 0, "price": 0 },
        ])
    );
    // An empty list takes every component back to its default.
    let reset = sim
        .call(
            "PUT",
            &path,
            Some(json!({ "rate_plan": { "id": "partners_biz" }, "frequency": "yearly", "component_values": [] })),
        );
    assert_eq!(reset.assert_ok()["component_values"][0]["value"], json!(50));
    assert_eq!(reset.result()["price"], json!(2400));
    let r = sim.call(
        "PUT",
        &path,
        Some(json!({ "component_values": [{ "name": "page_rules", "value": 60 }] })),
    );
    assert_eq!(r.assert_ok()["price"], json!(2520));
    let zone_view = sim.call("GET", &format!("/zones/{zone}"), None);
    assert_eq!(zone_view.assert_ok()["meta"]["page_rule_quota"], json!(60));

    // Free: not-applicable whatever was sent, price 0.
    let r = sim.call(
        "PUT",
        &path,
        Some(json!({ "rate_plan": { "id": "PARTNERS_FREE" }, "frequency": "weekly" })),
    );
    assert_eq!(r.assert_ok()["rate_plan"]["id"], json!("free"));
    assert_eq!(r.result()["frequency"], json!("not-applicable"));
    assert_eq!(r.result()["price"], json!(0));
    let r = sim.call(
        "PUT",
        &path,
        Some(json!({ "rate_plan": { "id": "partners_pro" }, "frequency": "monthly" })),
    );
    assert_eq!(r.assert_ok()["rate_plan"]["id"], json!("pro"));
    assert_eq!(r.result()["price"], json!(20));

    // DELETE cancels the record: the zone is free (no record), and a second
    // DELETE has nothing to cancel.
    let id = sim.call("GET", &path, None).assert_ok()["id"].clone();
    let r = sim.call("DELETE", &path, None);
    assert_eq!(r.assert_ok(), &json!({ "subscription_id": id }));
    sim.call("GET", &path, None).assert_error(404, 1207);
    sim.call("DELETE", &path, None).assert_error(404, 1207);
    sim.call(
        "PUT",
        &path,
        Some(json!({ "rate_plan": { "id": "PARTNERS_PRO" }, "frequency": "monthly" })),
    )
    .assert_error(404, 1207);
    sim.call(
        "POST",
        &path,
        Some(json!({ "rate_plan": { "id": "PARTNERS_PRO" }, "frequency": "monthly" })),
    )
    .assert_ok();

    let r = sim.call("GET", &format!("/zones/{zone}/available_rate_plans"), None);
    let plans = r.assert_ok().as_array().unwrap().clone();
    let ids: Vec<&str> = plans.iter().map(|p| p["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        [
            "PARTNERS_FREE",
            "PARTNERS_PRO",
            "PARTNERS_BIZ",
            "PARTNERS_ENT"
        ]
    );
    sim.call(
        "GET",
        "/zones/0123456789abcdef0123456789abcdef/subscription",
        None,
    )
    .assert_error(404, 1001);
}

#[test]
fn account_subscription_crud() {
    let sim = Sim::start(&[]);
    let account = create_account(&sim, "a");
    let base = format!("/accounts/{account}/subscriptions");
    let r = sim.call("GET", &base, None);
    assert_eq!(r.assert_ok(), &json!([]));
    sim.call(
        "POST",
        &base,
        Some(json!({ "rate_plan": { "id": "PARTNERS_BIZ" } })),
    )
    .assert_error(400, 1204);
    let r = sim
        .call(
            "POST",
            &base,
            Some(json!({ "rate_plan": { "id": "teams_standard" }, "component_values": [{ "name": "users", "value": 60 }] })),
        );
    let sub = r.assert_ok().clone();
    let sub_id = sub["id"].as_str().unwrap().to_string();
    assert_eq!(sub["rate_plan"]["id"], json!("TEAMS_STANDARD"));
    assert_eq!(sub["rate_plan"]["scope"], json!("account"));
    assert_eq!(sub["frequency"], json!("monthly"));
    assert_eq!(sub["price"], json!(77));
    sim.call(
        "POST",
        &base,
        Some(json!({ "rate_plan": { "id": "TEAMS_STANDARD" } })),
    )
    .assert_error(400, 1205);
    let r = sim.call("GET", &base, None);
    assert_eq!(r.assert_ok().as_array().unwrap().len(), 1);
    assert!(r.body.get("result_info").is_none());
    let r = sim.call("GET", &format!("{base}/{sub_id}"), None);
    assert_eq!(r.assert_ok(), &sub);
    let r = sim.call(
        "PUT",
        &format!("{base}/{sub_id}"),
        Some(json!({ "rate_plan": { "id": "TEAMS_ENT" }, "frequency": "yearly" })),
    );
    assert_eq!(r.assert_ok()["rate_plan"]["id"], json!("TEAMS_ENT"));
    assert_eq!(r.result()["frequency"], json!("not-applicable"));
    let r = sim.call("DELETE", &format!("{base}/{sub_id}"), None);
    assert_eq!(r.assert_ok(), &json!({ "subscription_id": sub_id }));
    sim.call("GET", &format!("{base}/{sub_id}"), None)
        .assert_error(404, 1206);
    sim.call("GET", &format!("{base}/nope"), None)
        .assert_error(400, 7003);
}

/// `annual`, the Tenant guide's word, is `yearly` (observed row 10), on zone
/// and account subscriptions alike.
#[test]
fn annual_is_accepted_and_reads_back_yearly() {
    let sim = Sim::start(&[]);
    let account = create_account(&sim, "annual");
    let zone = create_zone(&sim, &account, "annual-example.com");
    let path = format!("/zones/{zone}/subscription");
    let r = sim.call(
        "POST",
        &path,
        Some(json!({ "rate_plan": { "id": "PARTNERS_PRO" }, "frequency": "annual" })),
    );
    assert_eq!(r.assert_ok()["frequency"], json!("yearly"));
    assert_eq!(r.result()["price"], json!(240));
    sim.call("PUT", &path, Some(json!({ "frequency": "monthly" })))
        .assert_ok();
    let r = sim.call("PUT", &path, Some(json!({ "frequency": "annual" })));
    assert_eq!(r.assert_ok()["frequency"], json!("yearly"));
    let r = sim.call("GET", &path, None);
    assert_eq!(r.assert_ok()["frequency"], json!("yearly"));

    let base = format!("/accounts/{account}/subscriptions");
    let r = sim.call(
        "POST",
        &base,
        Some(json!({ "rate_plan": { "id": "TEAMS_STANDARD" }, "frequency": "annual" })),
    );
    let sub = r.assert_ok().clone();
    assert_eq!(sub["frequency"], json!("yearly"));
    assert_eq!(sub["price"], json!(84));
    let id = sub["id"].as_str().unwrap();
    sim.call(
        "PUT",
        &format!("{base}/{id}"),
        Some(json!({ "frequency": "monthly" })),
    )
    .assert_ok();
    let r = sim.call(
        "PUT",
        &format!("{base}/{id}"),
        Some(json!({ "frequency": "annual" })),
    );
    assert_eq!(r.assert_ok()["frequency"], json!("yearly"));
}

/// A `CF_*` id is the self-serve program, not an alias of its `PARTNERS_*`
/// twin: a partner tenant is refused it (observed row 11, corpus 27).
#[test]
fn self_serve_plan_ids_are_refused_to_the_partner() {
    let sim = Sim::start(&[]);
    let account = create_account(&sim, "cf");
    let zone = create_zone(&sim, &account, "cf-example.com");
    let path = format!("/zones/{zone}/subscription");
    for id in [
        "CF_PRO",
        "cf_Pro",
        "CF_PRO_20_20",
        "CF_FREE",
        "CF_BIZ",
        "CF_ENT",
        "CF_LITE",
        "lite",
        "CF_PRO_PLUS",
    ] {
        let r = sim.call("POST", &path, Some(json!({ "rate_plan": { "id": id } })));
        r.assert_error(400, 1204);
        assert_eq!(
            r.message(),
            format!("failed to resolve provided rate plan: '{id}'")
        );
    }
    sim.call("GET", &path, None).assert_error(404, 1207);
    sim.call("POST", &path, Some(json!({ "rate_plan": { "id": "pro" } })))
        .assert_ok();
    let r = sim.call(
        "PUT",
        &path,
        Some(json!({ "rate_plan": { "id": "CF_BIZ" } })),
    );
    r.assert_error(400, 1204);
    assert_eq!(
        r.message(),
        "failed to resolve provided rate plan: 'CF_BIZ'"
    );
    let r = sim.call("GET", &path, None);
    assert_eq!(
        r.assert_ok()["rate_plan"]["id"],
        json!("pro"),
        "a refused PUT changes nothing"
    );
    for id in [
        "PARTNERS_BIZ",
        "business",
        "PARTNERS_ENT",
        "enterprise",
        "PARTNERS_FREE",
        "free",
    ] {
        let r = sim.call("PUT", &path, Some(json!({ "rate_plan": { "id": id } })));
        r.assert_ok();
    }
    // Every plan offered is one the subscription endpoints accept.
    let r = sim.call("GET", &format!("/zones/{zone}/available_rate_plans"), None);
    for plan in r.assert_ok().as_array().unwrap() {
        let id = plan["id"].as_str().unwrap();
        assert!(id.starts_with("PARTNERS_"), "{id}");
        sim.call("PUT", &path, Some(json!({ "rate_plan": { "id": id } })))
            .assert_ok();
    }
    // Account add-ons go by their own ids.
    sim.call(
        "POST",
        &format!("/accounts/{account}/subscriptions"),
        Some(json!({ "rate_plan": { "id": "PARTNERS_ACCESS_BASIC" } })),
    )
    .assert_ok();
}

/// Free and contract zone plans as recorded (corpus 28, 29): no id, no
/// billing period, no components; paid plans keep the full shape; the
/// endpoints behave the same.
#[test]
fn observed_zone_subscriptions() {
    let sim = Sim::start(OBSERVED);
    let account = create_account(&sim, "o");
    let zone = create_zone(&sim, &account, "observed-example.com");
    let path = format!("/zones/{zone}/subscription");
    sim.call("GET", &path, None).assert_error(404, 1207);

    let r = sim.call(
        "POST",
        &path,
        Some(json!({ "rate_plan": { "id": "PARTNERS_ENT" }, "frequency": "annual" })),
    );
    let enterprise = json!({
        "currency": "USD", "price": 0, "frequency": "not-applicable", "state": "Paid",
        "rate_plan": {
            "id": "enterprise", "public_name": "Enterprise", "currency": "USD", "scope": "zone",
            "externally_managed": false, "is_contract": true,
        },
    });
    assert_eq!(r.assert_ok(), &enterprise);
    let r = sim.call("GET", &path, None);
    assert_eq!(r.assert_ok(), &enterprise);
    sim.call(
        "POST",
        &path,
        Some(json!({ "rate_plan": { "id": "PARTNERS_PRO" } })),
    )
    .assert_error(400, 1205);

    let r = sim.call(
        "PUT",
        &path,
        Some(json!({ "rate_plan": { "id": "PARTNERS_PRO" }, "frequency": "monthly" })),
    );
    let pro = r.assert_ok().clone();
    assert!(is_cf_id(&pro["id"]));
    assert_eq!(pro["rate_plan"]["id"], json!("pro"));
    assert_eq!(pro["rate_plan"]["public_name"], json!("Pro Plan"));
    assert_eq!(pro["price"], json!(20));
    assert!(pro["current_period_start"].is_string());
    assert_eq!(pro["component_values"].as_array().unwrap().len(), 4);

    let r = sim.call(
        "PUT",
        &path,
        Some(json!({ "rate_plan": { "id": "PARTNERS_FREE" } })),
    );
    let free = r.assert_ok().clone();
    assert_eq!(
        free,
        json!({
            "currency": "USD", "price": 0, "frequency": "not-applicable", "state": "Paid",
            "rate_plan": {
                "id": "free", "public_name": "Cloudflare Free Plan", "currency": "USD", "scope": "zone",
                "externally_managed": false, "is_contract": false,
            },
        })
    );
    let r = sim.call("GET", &path, None);
    assert_eq!(r.assert_ok(), &free);
    let r = sim.call("DELETE", &path, None);
    assert!(is_cf_id(&r.assert_ok()["subscription_id"]));
    sim.call("GET", &path, None).assert_error(404, 1207);

    // Account add-ons keep their shape, contract ones included.
    let r = sim.call(
        "POST",
        &format!("/accounts/{account}/subscriptions"),
        Some(json!({ "rate_plan": { "id": "TEAMS_ENT" } })),
    );
    assert!(is_cf_id(&r.assert_ok()["id"]));
    assert_eq!(r.result()["frequency"], json!("not-applicable"));
}
