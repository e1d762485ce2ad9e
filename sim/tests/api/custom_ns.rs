//! Tenant custom nameservers (`/tenants/{tenant_tag}/custom_ns`).

use crate::*;

#[test]
fn custom_nameservers_under_the_tenants_zones() {
    let sim = Sim::start(&[]);
    let base = format!("/tenants/{TENANT}/custom_ns");
    let account = create_account(&sim, "NS Customer");
    let zone = create_zone(&sim, &account, "ns-example.com");
    assert_eq!(sim.call("GET", &base, None).assert_ok(), &json!([]));

    let r = sim.call(
        "POST",
        &base,
        Some(json!({ "ns_name": "NS1.ns-example.com" })),
    );
    let ns = r.assert_ok().clone();
    assert_eq!(
        ns["ns_name"],
        json!("ns1.ns-example.com"),
        "names are lowercased"
    );
    assert_eq!(ns["ns_set"], json!(1), "the default set");
    assert_eq!(ns["zone_tag"], json!(zone));
    assert_eq!(ns["status"], json!("pending"));
    let records = ns["dns_records"].as_array().unwrap();
    assert_eq!(records.len(), 2);
    assert_eq!(records[0]["type"], json!("A"));
    assert_eq!(records[1]["type"], json!("AAAA"));

    let r = sim.call(
        "POST",
        &base,
        Some(json!({ "ns_name": "ns2.ns-example.com", "ns_set": 2 })),
    );
    assert_eq!(r.assert_ok()["ns_set"], json!(2));
    let listed = sim.call("GET", &base, None).assert_ok().clone();
    assert_eq!(listed.as_array().unwrap().len(), 2);
    assert_eq!(listed[0], ns);

    // Once the zone is active, the nameserver reads verified.
    sim.admin("POST", &format!("/zones/{zone}/activate"), None);
    assert_eq!(
        sim.call("GET", &base, None).assert_ok()[0]["status"],
        json!("verified")
    );

    for (body, status, code, needle) in [
        (
            json!({ "ns_name": "ns1.ns-example.com" }),
            400,
            1062,
            "already exists",
        ),
        (
            json!({ "ns_name": "ns1.elsewhere-example.com" }),
            400,
            1000,
            "subdomain of a zone",
        ),
        (
            json!({ "ns_name": "ns3.ns-example.com", "ns_set": 6 }),
            400,
            1000,
            "1 to 5",
        ),
        (
            json!({ "ns_name": "not a host" }),
            400,
            1000,
            "not a valid hostname",
        ),
        (json!({}), 400, 1000, "ns_name"),
    ] {
        let r = sim.call("POST", &base, Some(body.clone()));
        r.assert_error(status, code);
        assert!(r.message().contains(needle), "{body}: {}", r.message());
    }
    sim.call("GET", "/tenants/unknown-tenant/custom_ns", None)
        .assert_error(404, 1006);

    let r = sim.call("DELETE", &format!("{base}/ns1.ns-example.com"), None);
    assert_eq!(r.assert_ok(), &json!([]));
    sim.call("DELETE", &format!("{base}/ns1.ns-example.com"), None)
        .assert_error(404, 1063);
    assert_eq!(
        sim.call("GET", &base, None)
            .assert_ok()
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(sim.objects("custom_nameservers").len(), 1);
}
