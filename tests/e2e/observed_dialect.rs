//! Every resource type against the simulator's observed dialect, the shapes
//! the live API was recorded answering in (tests/corpus/, docs/SIMULATOR.md):
//! one configuration with one of each applies and plans empty, the tenant's
//! accounts list with their ids and names, every object imports with the
//! attributes it had and an empty plan, and the destroy leaves nothing.

use crate::harness::*;
use cftenant::provider::CftenantProvider;
use serde_json::Value as Json;

const CONFIG: &str = r#"
resource "cftenant_account" "customer" {
  name                = "Recorded Customer"
  type                = "enterprise"
  business_name       = "Recorded Customer Ltd"
  business_email      = "billing@recorded-customer.com"
  enforce_twofactor   = true
  abuse_contact_email = "abuse@recorded-customer.com"
}

resource "cftenant_account_member" "admin" {
  account_id = cftenant_account.customer.id
  email      = "ada@recorded-customer.com"
  roles      = ["05784afa30c1afe1440e79d9351c7430"]
}

resource "cftenant_service_user" "automation" {
  email = "automation@recorded-customer.com"
}

resource "cftenant_zone" "main" {
  account_id = cftenant_account.customer.id
  name       = "recorded-customer.com"
}

resource "cftenant_zone_subscription" "main" {
  zone_id          = cftenant_zone.main.id
  rate_plan_id     = "PARTNERS_ENT"
}

resource "cftenant_account_subscription" "seats" {
  account_id       = cftenant_account.customer.id
  rate_plan_id     = "TEAMS_STANDARD"
  component_values = [{ name = "users", value = 60 }]
}

resource "cftenant_tenant_custom_nameserver" "ns1" {
  tenant_id = "7d0a0a5b2c1e4f3a9b8c6d5e4f3a2b1c"
  ns_name   = "ns1.recorded-customer.com"
  depends_on = [cftenant_zone.main]
}

resource "cftenant_account_dns_settings" "customer" {
  account_id    = cftenant_account.customer.id
  zone_defaults = { nameservers = { type = "custom.tenant" }, ns_ttl = 3600 }
  depends_on    = [cftenant_tenant_custom_nameserver.ns1]
}

resource "cftenant_zone_dns_settings" "main" {
  zone_id     = cftenant_zone.main.id
  nameservers = { type = "custom.tenant" }
  soa         = { ttl = 1800 }
  depends_on  = [cftenant_tenant_custom_nameserver.ns1]
}

data "cftenant_tenant_accounts" "all" {
  tenant_id  = "7d0a0a5b2c1e4f3a9b8c6d5e4f3a2b1c"
  depends_on = [cftenant_account.customer]
}

output "tenant_accounts" {
  value = data.cftenant_tenant_accounts.all.accounts
}
"#;

/// The id `terraform import` takes for a resource, from its state.
fn import_id(resource_type: &str, state: &Json) -> String {
    let s = |k: &str| {
        state[k]
            .as_str()
            .unwrap_or_else(|| panic!("{resource_type}: no {k}"))
            .to_string()
    };
    match resource_type {
        "cftenant_account" | "cftenant_zone" => s("id"),
        "cftenant_account_member" | "cftenant_account_subscription" => {
            format!("{}/{}", s("account_id"), s("id"))
        }
        "cftenant_zone_subscription" | "cftenant_zone_dns_settings" => s("zone_id"),
        "cftenant_account_dns_settings" => s("account_id"),
        "cftenant_service_user" => s("email"),
        "cftenant_tenant_custom_nameserver" => format!("{}/{}", s("tenant_id"), s("ns_name")),
        other => panic!("no import id known for {other}: add it here"),
    }
}

#[test]
fn every_type_applies_imports_and_destroys_against_the_observed_dialect() {
    let mut args = vec!["--strict-auth", "--allow-auto-accept-invites"];
    args.extend(cftenant_testing::OBSERVED);
    let mut ctx = Ctx::with_sim_args(&args);
    ctx.ws.use_global_key();
    ctx.ws.write_config(CONFIG);
    ctx.ws.apply();
    ctx.ws.assert_plan_empty();

    // The tenant's accounts, listed as the live API lists them
    // (account_tag, account_pubname), with ids and names.
    let listed = ctx.ws.outputs()["tenant_accounts"]["value"].clone();
    let account = ctx.ws.resource("cftenant_account.customer");
    assert_eq!(listed.as_array().map(Vec::len), Some(1), "{listed}");
    assert_eq!(listed[0]["id"], account["id"]);
    assert_eq!(listed[0]["name"], "Recorded Customer");
    assert_eq!(listed[0]["type"], "enterprise");
    assert_eq!(listed[0]["enforce_twofactor"], true);

    // The zone's meta, its quotas written as strings, reads; the contract
    // plan's name and flag as the API reads them back (row 8).
    let zone = ctx.ws.resource("cftenant_zone.main");
    assert_eq!(zone["meta"]["step"], 2, "{zone}");
    assert_eq!(zone["owner"]["id"], account["id"]);
    let subscription = ctx.ws.resource("cftenant_zone_subscription.main");
    assert_eq!(subscription["public_name"], "Enterprise");
    assert_eq!(subscription["is_contract"], true);
    assert_eq!(account["managed_by"]["parent_org_id"], account["unit_id"]);

    // Every type, forgotten and imported: the same attributes (or the API's
    // spelling of an equivalent value), and an empty plan.
    let state = ctx.ws.state();
    let types: std::collections::BTreeSet<&str> = state
        .keys()
        .filter_map(|a| a.split('.').next())
        .filter(|t| t.starts_with("cftenant_"))
        .collect();
    let all: Vec<String> = CftenantProvider::plugin()
        .resources
        .keys()
        .map(|k| k.to_string())
        .collect();
    assert_eq!(
        types.iter().map(|t| t.to_string()).collect::<Vec<_>>(),
        all,
        "the configuration has one of every resource type"
    );
    for (address, before) in &state {
        if !address.starts_with("cftenant_") {
            continue;
        }
        let resource_type = address.split('.').next().unwrap();
        let id = import_id(resource_type, before);
        ctx.ws.ok(&["state", "rm", "-no-color", address]);
        if resource_type == "cftenant_service_user" {
            let key = before["api_key"].as_str().unwrap().to_string();
            ctx.ws
                .extra_env
                .push(("CFTENANT_SERVICE_USER_API_KEY".into(), key));
        }
        ctx.ws
            .ok(&["import", "-input=false", "-no-color", address, &id]);
        let after = ctx.ws.resource(address);
        if let Err(differs) = same_attributes(address, before, &after) {
            panic!("{address} imports otherwise than it was: {differs}");
        }
        let (code, text) = ctx.ws.plan();
        assert_eq!(
            code, 0,
            "{address}: the plan after import is not empty:\n{text}"
        );
    }
    ctx.destroy();
    for kind in [
        "accounts",
        "members",
        "zones",
        "zone_subscriptions",
        "account_subscriptions",
        "custom_nameservers",
        "account_dns_settings",
        "zone_dns_settings",
    ] {
        assert!(
            ctx.sim.objects(kind).is_empty(),
            "{kind} left after destroy"
        );
    }
}
