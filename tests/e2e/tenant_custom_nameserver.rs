//! `cftenant_tenant_custom_nameserver` and the data source that lists them.

use crate::harness::*;
use serde_json::json;

const NS1: &str = "cftenant_tenant_custom_nameserver.ns1";

fn on_api(ctx: &Ctx) -> serde_json::Value {
    ctx.sim
        .objects("custom_nameservers")
        .into_iter()
        .find(|ns| ns["ns_name"] == "ns1.partner-example.com")
        .unwrap_or(serde_json::Value::Null)
}

#[test]
fn tenant_custom_nameserver_lifecycle() {
    let mut ctx = Ctx::new();
    ctx.set_var("tenant_id", TENANT);
    run_with(
        ctx,
        vec![
            Step::Apply(
                "tenant_custom_nameserver/main.tf",
                check(|ctx| {
                    let api = on_api(ctx);
                    let state = ctx.ws.resource(NS1);
                    let zone = ctx.ws.resource("cftenant_zone.partner");
                    assert_eq!(api["tenant_tag"], TENANT);
                    assert_eq!(state["id"], format!("{TENANT}/ns1.partner-example.com"));
                    assert_eq!(state["zone_tag"], zone["id"]);
                    assert_eq!(api["zone_tag"], zone["id"]);
                    assert_eq!(state["ns_set"], 1);
                    assert_eq!(state["status"], "pending");
                    assert_eq!(state["dns_records"], api["dns_records"]);
                    assert_eq!(state["dns_records"].as_array().unwrap().len(), 2);
                    assert_eq!(
                        ctx.ws.outputs()["listed"]["value"],
                        json!(["ns1.partner-example.com"])
                    );
                }),
            ),
            // Another set is a replacement (the API cannot change one).
            Step::Vars(&[("ns_set", "2")]),
            Step::Plans(vec![planned(NS1, "replace").forced_by("ns_set")], (1, 0, 1)),
            Step::Apply(
                "tenant_custom_nameserver/main.tf",
                check(|ctx| assert_eq!(on_api(ctx)["ns_set"], 2)),
            ),
            // Deleted outside Terraform: planned as a create, without an error.
            Step::OutOfBand(check(|ctx| {
                ctx.sim.api(
                    "DELETE",
                    &format!("/tenants/{TENANT}/custom_ns/ns1.partner-example.com"),
                    None,
                );
            })),
            Step::Plans(vec![planned(NS1, "create")], (1, 0, 0)),
            Step::Apply(
                "tenant_custom_nameserver/main.tf",
                check(|ctx| assert_eq!(ctx.sim.objects("custom_nameservers").len(), 1)),
            ),
            Step::Import {
                address: NS1,
                id: Box::new(|_: &Ctx| format!("{TENANT}/ns1.partner-example.com")),
                check: check(|ctx| assert_eq!(ctx.ws.resource(NS1)["ns_set"], 2)),
            },
            Step::Destroy(check(|ctx| {
                assert!(ctx.sim.objects("custom_nameservers").is_empty());
            })),
        ],
    );
}

/// Cloudflare keeps one nameserver of a name per tenant: a replacement
/// created before its old self is refused, with why and what to do, and
/// the old nameserver kept.
#[test]
fn create_before_destroy_of_a_custom_nameserver_says_why_it_cannot() {
    let ctx = Ctx::new();
    ctx.ws.write_config(&format!(
        "resource \"cftenant_account\" \"a\" {{\n  name = \"NS Replace Co\"\n}}\n\
         resource \"cftenant_zone\" \"z\" {{\n  account_id = cftenant_account.a.id\n  name = \"ns-replace.com\"\n}}\n\
         resource \"cftenant_tenant_custom_nameserver\" \"ns\" {{\n  tenant_id = \"{TENANT}\"\n  ns_name = \"ns1.${{cftenant_zone.z.name}}\"\n  lifecycle {{\n    create_before_destroy = true\n  }}\n}}\n"
    ));
    ctx.ws.apply();
    ctx.ws.fails(
        &[
            "apply",
            "-auto-approve",
            "-input=false",
            "-no-color",
            "-replace=cftenant_tenant_custom_nameserver.ns",
        ],
        &[
            "Cloudflare error 1062",
            "one nameserver of a name per tenant",
            "this resource cannot be created before its old self is destroyed",
        ],
    );
    assert_eq!(ctx.sim.objects("custom_nameservers").len(), 1);
    ctx.ws.assert_plan_empty();
    ctx.destroy();
}

#[test]
fn custom_nameserver_errors_name_what_is_wrong() {
    let ctx = Ctx::new();
    let config = |tenant: &str, name: &str| {
        format!(
            "resource \"cftenant_tenant_custom_nameserver\" \"ns\" {{\n  tenant_id = \"{tenant}\"\n  ns_name = \"{name}\"\n}}\n"
        )
    };
    // Known at plan: a tenant the credentials do not have, a bad hostname.
    for (tenant, name, needles) in [
        (
            "0a1b2c3d4e5f60718293a4b5c6d7e8f9",
            "ns1.partner-example.com",
            &["tenant_id", "is not a tenant of these credentials", TENANT][..],
        ),
        (
            "7D0A0A5B2C1E4F3A9B8C6D5E4F3A2B1C",
            "ns1.partner-example.com",
            &[
                "tenant_id",
                "is not a tenant of these credentials",
                "Set `tenant_id = \"7d0a0a5b2c1e4f3a9b8c6d5e4f3a2b1c\"`",
            ][..],
        ),
        (
            TENANT,
            "NS1.Partner-Example.com",
            &["ns_name", "lowercase"][..],
        ),
    ] {
        ctx.ws.write_config(&config(tenant, name));
        let (code, text) = ctx.ws.plan();
        assert_eq!(code, 1, "{text}");
        for needle in needles {
            assert!(text.contains(needle), "{needle}: {text}");
        }
    }
    // Known only to the API: no zone of the tenant holds the name.
    ctx.ws
        .write_config(&config(TENANT, "ns1.nowhere-example.com"));
    let out = ctx
        .ws
        .terraform(&["apply", "-auto-approve", "-input=false", "-no-color"]);
    let text = output_text(&out);
    assert!(!out.status.success(), "{text}");
    assert!(text.contains("must be a subdomain of a zone"), "{text}");
    assert!(ctx.ws.state().is_empty());
    // Import ids.
    for (id, why) in [
        ("ns1.partner-example.com", "has no tenant id before a `/`"),
        ("/ns1.partner-example.com", "has no tenant id before a `/`"),
        ("tenant/not a host", "does not end in a hostname"),
        (
            "tenant/NS1.partner-example.com",
            "must be lowercase (write \"ns1.partner-example.com\")",
        ),
    ] {
        let out = ctx.ws.terraform(&[
            "import",
            "-input=false",
            "-no-color",
            "cftenant_tenant_custom_nameserver.ns",
            id,
        ]);
        let text = output_text(&out);
        assert!(!out.status.success(), "{id}: {text}");
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            text.contains("<tenant_id>/<ns_name>") && text.contains(why),
            "{id}: {text}"
        );
    }
    let out = ctx.ws.terraform(&[
        "import",
        "-input=false",
        "-no-color",
        "cftenant_tenant_custom_nameserver.ns",
        &format!("{TENANT}/ns9.partner-example.com"),
    ]);
    let text = output_text(&out);
    assert!(
        text.contains("Cannot import cftenant_tenant_custom_nameserver"),
        "{text}"
    );
    ctx.ws.write_config("");
}

/// A list without items answered as `"result": null` reads as an empty
/// list, in every data source that lists (paged lists, single-page lists,
/// and the custom nameservers a tenant without any may answer so), and in
/// the lookup a custom nameserver's create makes.
#[test]
fn a_list_answered_as_null_is_empty() {
    let ctx = Ctx::new();
    let account = ctx.sim.api(
        "POST",
        "/accounts",
        Some(json!({"name": "Null Lists", "type": "standard"})),
    )["id"]
        .as_str()
        .unwrap()
        .to_string();
    let null_list = |path: &str| {
        json!({"method": "GET", "path": path, "action": "respond",
               "body": {"success": true, "errors": [], "messages": [], "result": null}})
    };
    ctx.sim.faults(
        1,
        json!([
            null_list("/tenants/{tenant_tag}/custom_ns"),
            null_list("/tenants/{tenant_id}/accounts"),
            null_list("/zones"),
            null_list("/accounts/{account_id}/roles"),
        ]),
    );
    ctx.ws.write_config(&format!(
        "data \"cftenant_tenant_custom_nameservers\" \"t\" {{\n  tenant_id = \"{TENANT}\"\n}}\n\
         data \"cftenant_tenant_accounts\" \"t\" {{\n  tenant_id = \"{TENANT}\"\n}}\n\
         data \"cftenant_zones\" \"all\" {{}}\n\
         data \"cftenant_account_roles\" \"a\" {{\n  account_id = \"{account}\"\n}}\n\
         output \"counts\" {{\n  value = [length(data.cftenant_tenant_custom_nameservers.t.custom_nameservers), length(data.cftenant_tenant_accounts.t.accounts), length(data.cftenant_zones.all.zones), length(data.cftenant_account_roles.a.roles)]\n}}\n"
    ));
    ctx.ws.apply();
    assert_eq!(ctx.ws.outputs()["counts"]["value"], json!([0, 0, 0, 0]));
    let fired = ctx.sim.faults_fired();
    assert!(
        fired.iter().all(|n| *n > 0),
        "every null answer was read: {fired:?}"
    );
}
