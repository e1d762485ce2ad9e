//! DNS settings (`/accounts/{account_id}/dns_settings`,
//! `/zones/{zone_id}/dns_settings`).

use crate::*;

/// Cloudflare's documented defaults of the settings an account and a zone share.
fn defaults() -> Value {
    json!({
        "flatten_all_cnames": false,
        "foundation_dns": false,
        "multi_provider": false,
        "secondary_overrides": false,
        "ns_ttl": 86400,
        "zone_mode": "standard",
        "nameservers": { "type": "cloudflare.standard" },
        "soa": {
            "expire": 604800, "min_ttl": 1800, "mname": null, "refresh": 10000,
            "retry": 2400, "rname": "dns.cloudflare.com", "ttl": 3600,
        },
        "internal_dns": {},
    })
}

#[test]
fn account_zone_defaults_read_defaults_and_merge_patches() {
    let sim = Sim::start(&[]);
    let account = create_account(&sim, "DNS Customer");
    let path = format!("/accounts/{account}/dns_settings");
    let read = sim.call("GET", &path, None).assert_ok().clone();
    assert_eq!(
        read,
        json!({ "enforce_dns_only": false, "zone_defaults": defaults() })
    );

    let r = sim.call(
        "PATCH",
        &path,
        Some(json!({ "zone_defaults": {
            "ns_ttl": 3600,
            "zone_mode": "dns_only",
            "nameservers": { "type": "cloudflare.standard.random" },
            "soa": { "ttl": 1800, "mname": "ns1.dns-example.com" },
        }})),
    );
    let mut expected = defaults();
    expected["ns_ttl"] = json!(3600);
    expected["zone_mode"] = json!("dns_only");
    expected["nameservers"]["type"] = json!("cloudflare.standard.random");
    expected["soa"]["ttl"] = json!(1800);
    expected["soa"]["mname"] = json!("ns1.dns-example.com");
    assert_eq!(r.assert_ok()["zone_defaults"], expected);

    // Only what is sent changes; `mname: null` is Cloudflare's own again.
    let r = sim.call(
        "PATCH",
        &path,
        Some(json!({ "zone_defaults": { "flatten_all_cnames": true, "soa": { "mname": null } } })),
    );
    expected["flatten_all_cnames"] = json!(true);
    expected["soa"]["mname"] = json!(null);
    assert_eq!(r.assert_ok()["zone_defaults"], expected);
    assert_eq!(
        sim.call("GET", &path, None).assert_ok()["zone_defaults"],
        expected
    );
    // An account's custom type carries no set: each new zone gets one.
    let r = sim.call(
        "PATCH",
        &path,
        Some(json!({ "zone_defaults": { "nameservers": { "type": "custom.account" } } })),
    );
    assert_eq!(
        r.assert_ok()["zone_defaults"]["nameservers"],
        json!({ "type": "custom.account" })
    );
    assert_eq!(
        sim.state()["account_dns_settings"][0]["account_id"],
        json!(account)
    );
    // Settings back at the defaults are no longer listed as changed.
    let back = json!({ "zone_defaults": {
        "ns_ttl": 86400, "zone_mode": "standard", "flatten_all_cnames": false,
        "nameservers": { "type": "cloudflare.standard" }, "soa": { "ttl": 3600 },
    }});
    let r = sim.call("PATCH", &path, Some(back));
    assert_eq!(r.assert_ok()["zone_defaults"], defaults());
    assert_eq!(sim.state()["account_dns_settings"], json!([]));
    sim.call(
        "PATCH",
        &path,
        Some(json!({ "zone_defaults": { "ns_ttl": 60 } })),
    )
    .assert_ok();

    // Deleting the account drops its settings.
    sim.call("DELETE", &format!("/accounts/{account}"), None)
        .assert_ok();
    assert_eq!(sim.state()["account_dns_settings"], json!([]));
    sim.call("GET", &path, None).assert_error(404, 1002);
}

#[test]
fn new_zones_get_their_accounts_zone_defaults() {
    let sim = Sim::start(&[]);
    let account = create_account(&sim, "DNS Defaults Customer");
    let before = create_zone(&sim, &account, "before-defaults-example.com");
    sim.call(
        "PATCH",
        &format!("/accounts/{account}/dns_settings"),
        Some(json!({ "zone_defaults": {
            "ns_ttl": 3600,
            "flatten_all_cnames": true,
            "nameservers": { "type": "custom.account" },
        }})),
    )
    .assert_ok();
    let after = create_zone(&sim, &account, "after-defaults-example.com");
    let mut inherited = defaults();
    inherited["ns_ttl"] = json!(3600);
    inherited["flatten_all_cnames"] = json!(true);
    inherited["nameservers"] = json!({ "type": "custom.account", "ns_set": 1 });
    assert_eq!(
        sim.call("GET", &format!("/zones/{after}/dns_settings"), None)
            .assert_ok(),
        &inherited
    );
    // Zones that existed before keep their own settings.
    assert_eq!(
        sim.call("GET", &format!("/zones/{before}/dns_settings"), None)
            .assert_ok(),
        &defaults()
    );
}

#[test]
fn zone_settings_nameserver_sets_and_the_tenants_custom_nameservers() {
    let sim = Sim::start(&[]);
    let account = create_account(&sim, "DNS Zone Customer");
    let zone = create_zone(&sim, &account, "dns-zone-example.com");
    let path = format!("/zones/{zone}/dns_settings");
    assert_eq!(sim.call("GET", &path, None).assert_ok(), &defaults());

    // No custom nameservers yet: custom.tenant is refused.
    let custom = json!({ "nameservers": { "type": "custom.tenant" } });
    let r = sim.call("PATCH", &path, Some(custom.clone()));
    r.assert_error(400, 1064);
    assert!(
        r.message().starts_with("nameservers.type:"),
        "{}",
        r.message()
    );

    let ns_base = format!("/tenants/{TENANT}/custom_ns");
    sim.call(
        "POST",
        &ns_base,
        Some(json!({ "ns_name": "ns1.dns-zone-example.com" })),
    )
    .assert_ok();
    let r = sim.call("PATCH", &path, Some(custom));
    assert_eq!(
        r.assert_ok()["nameservers"],
        json!({ "type": "custom.tenant", "ns_set": 1 }),
        "the default set"
    );
    let r = sim.call(
        "PATCH",
        &path,
        Some(json!({ "nameservers": { "ns_set": 2 } })),
    );
    r.assert_error(400, 1064);
    assert!(r.message().contains("set 2"), "{}", r.message());
    let r = sim.call("PATCH", &path, Some(json!({ "ns_ttl": 300 })));
    let body = r.assert_ok().clone();
    assert_eq!(body["ns_ttl"], json!(300));
    assert_eq!(body["nameservers"]["ns_set"], json!(1), "kept");

    // Back to Cloudflare's nameservers: no set, and none may be sent.
    let r = sim.call(
        "PATCH",
        &path,
        Some(json!({ "nameservers": { "type": "cloudflare.standard" } })),
    );
    assert_eq!(
        r.assert_ok()["nameservers"],
        json!({ "type": "cloudflare.standard" })
    );
    let r = sim.call(
        "PATCH",
        &path,
        Some(json!({ "nameservers": { "type": "cloudflare.standard", "ns_set": 2 } })),
    );
    r.assert_error(400, 1000);
    assert!(
        r.message().starts_with("nameservers.ns_set:"),
        "{}",
        r.message()
    );

    // Deleting the zone drops its settings.
    assert_eq!(sim.state()["zone_dns_settings"][0]["zone_id"], json!(zone));
    sim.call("DELETE", &format!("/zones/{zone}"), None)
        .assert_ok();
    assert_eq!(sim.state()["zone_dns_settings"], json!([]));
}

#[test]
fn bad_values_are_refused_naming_the_field() {
    let sim = Sim::start(&[]);
    let account = create_account(&sim, "DNS Refusals");
    let zone = create_zone(&sim, &account, "dns-refusals-example.com");
    let zone_path = format!("/zones/{zone}/dns_settings");
    let account_path = format!("/accounts/{account}/dns_settings");
    for (path, body, field) in [
        (
            &zone_path,
            json!({ "ns_ttl": 29 }),
            "ns_ttl: must be a whole number from 30 to 86400",
        ),
        (&zone_path, json!({ "ns_ttl": 86401 }), "ns_ttl:"),
        (&zone_path, json!({ "ns_ttl": "3600" }), "ns_ttl:"),
        (
            &zone_path,
            json!({ "zone_mode": "fast" }),
            "zone_mode: must be",
        ),
        (
            &zone_path,
            json!({ "nameservers": { "type": "cloudflare.standard.random" } }),
            "nameservers.type:",
        ),
        (
            &zone_path,
            json!({ "nameservers": { "type": "custom.account", "ns_set": 6 } }),
            "nameservers.ns_set:",
        ),
        (
            &zone_path,
            json!({ "soa": { "expire": 100 } }),
            "soa.expire:",
        ),
        (&zone_path, json!({ "soa": { "retry": 599 } }), "soa.retry:"),
        (
            &zone_path,
            json!({ "soa": { "rname": "not a host" } }),
            "soa.rname:",
        ),
        (
            &zone_path,
            json!({ "flatten_all_cnames": "yes" }),
            "flatten_all_cnames: expected a boolean",
        ),
        (
            &zone_path,
            json!({ "internal_dns": { "reference_zone_id": "0123456789abcdef0123456789abcdef" } }),
            "internal_dns.reference_zone_id:",
        ),
        (
            &account_path,
            json!({ "zone_defaults": { "nameservers": { "type": "custom.zone" } } }),
            "zone_defaults.nameservers.type:",
        ),
        (
            &account_path,
            json!({ "zone_defaults": { "nameservers": { "ns_set": 1 } } }),
            "zone_defaults.nameservers.ns_set:",
        ),
        (
            &account_path,
            json!({ "zone_defaults": { "soa": { "min_ttl": 59 } } }),
            "zone_defaults.soa.min_ttl:",
        ),
        (
            &account_path,
            json!({ "zone_defaults": 3 }),
            "zone_defaults: expected an object",
        ),
    ] {
        let r = sim.call("PATCH", path, Some(body.clone()));
        r.assert_error(400, 1000);
        assert!(r.message().starts_with(field), "{body}: {}", r.message());
    }
    // Nothing refused was stored.
    assert_eq!(sim.call("GET", &zone_path, None).assert_ok(), &defaults());
    assert_eq!(sim.state()["zone_dns_settings"], json!([]));

    let unknown = "0123456789abcdef0123456789abcdef";
    sim.call("GET", &format!("/zones/{unknown}/dns_settings"), None)
        .assert_error(404, 1001);
    sim.call(
        "PATCH",
        &format!("/accounts/{unknown}/dns_settings"),
        Some(json!({})),
    )
    .assert_error(404, 1002);
}

#[test]
fn settings_survive_a_restart_with_a_state_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("state.json");
    let file = file.to_str().unwrap();
    let sim = Sim::start(&["--state", file]);
    let account = create_account(&sim, "DNS Persisted");
    let path = format!("/accounts/{account}/dns_settings");
    sim.call(
        "PATCH",
        &path,
        Some(json!({ "zone_defaults": { "ns_ttl": 120 } })),
    )
    .assert_ok();
    drop(sim);
    let sim = Sim::start(&["--state", file]);
    assert_eq!(
        sim.call("GET", &path, None).assert_ok()["zone_defaults"]["ns_ttl"],
        json!(120)
    );
}
