//! The attribute-lifecycle matrix: every configurable attribute of every
//! resource, taken by real Terraform through every transition a user makes.
//!
//! Transitions, in order: unset → set (optional attributes), set → another
//! value, → the same in other letter case, → an equivalent spelling (where
//! the schema declares one), → `""` / `[]` (where the type allows), → null,
//! → the line removed, → set again.
//!
//! The outcome of each is not written here but read off the schema, beside
//! the attribute: its checks refuse a value at plan (naming the attribute),
//! `requires_replace` makes a change a replacement, a default is what null
//! means, an optional + computed attribute keeps Cloudflare's value when
//! removed, and an `equivalent` spelling is no change. Only outcomes the API
//! decides (a unit the tenant does not have) are declared in the lanes,
//! with the reason. The expectation is checked against Terraform's JSON
//! plan (the resource's actions), then the plan is applied, the simulator
//! must hold what the configuration means, and both `plan -refresh=false`
//! and `plan` must be empty.
//!
//! Every value reaches its resource through a variable, so it is unknown
//! while Terraform validates: the plan-time checks are what refuse it.
//!
//! A lane is one resource instance dedicated to one attribute; all lanes of
//! a group move through a transition in the same apply. A lane without a
//! sample for a configurable attribute fails the test, so a new attribute
//! cannot go uncovered. `cargo test --test e2e matrix -- --nocapture` prints
//! the figures quoted in docs/RELIABILITY.md.

use crate::harness::*;
use cftenant::provider::CftenantProvider;
use serde_json::{json, Value as Json};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use tfplugin::schema::{Attribute, Schema};
use tfplugin::value::{self, Type, Value};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Transition {
    Unset,
    Set,
    Other,
    Case,
    Equivalent,
    Empty,
    Null,
    Removed,
    SetAgain,
}

const TRANSITIONS: [Transition; 9] = [
    Transition::Unset,
    Transition::Set,
    Transition::Other,
    Transition::Case,
    Transition::Equivalent,
    Transition::Empty,
    Transition::Null,
    Transition::Removed,
    Transition::SetAgain,
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Outcome {
    /// Only when the lanes first appear.
    Create,
    NoChange,
    InPlace,
    Replace,
    RefusedAtPlan,
}

/// What the configuration says about the lane's attribute.
#[derive(Clone, Debug, PartialEq)]
enum Given {
    /// `attribute = var.<lane>`, the variable holding this value.
    Value(Json),
    /// No line for the attribute.
    NoLine,
}

/// The parents lanes refer to, by id, once they exist.
type Ids = BTreeMap<&'static str, String>;

/// A sample that may need a parent's id: a fixed value, or one built from ids.
enum Sample {
    Fixed(Json),
    Id(&'static str),
}

impl Sample {
    fn resolve(&self, ids: &Ids) -> Json {
        match self {
            Sample::Fixed(v) => v.clone(),
            Sample::Id(parent) => json!(ids[parent]),
        }
    }
}

fn fixed(v: Json) -> Option<Sample> {
    Some(Sample::Fixed(v))
}

struct Lane {
    resource: &'static str,
    attribute: &'static str,
    /// The instance's other lines (HCL); `{lane}` is the lane's name.
    others: &'static str,
    set: Sample,
    other: Sample,
    /// For set-again, where the first value cannot be used twice.
    again: Option<Sample>,
    /// Another spelling of `other` that means the same (required where the
    /// schema declares an equivalence).
    equivalent: Option<Sample>,
    /// Outcomes the API decides, not the schema, and why.
    decided_by_api: &'static [(Transition, Outcome, &'static str)],
    /// The attribute as the simulator holds it, given the lane's state.
    api: fn(&Json, &Json) -> Json,
    /// What a configured value means on the API (`None`: the API decides).
    meaning: fn(&Json) -> Option<Json>,
}

impl Lane {
    fn name(&self) -> String {
        format!(
            "{}_{}",
            self.resource.trim_start_matches("cftenant_"),
            self.attribute
        )
    }

    fn address(&self) -> String {
        format!("{}.{}", self.resource, self.name())
    }
}

// ---- reading the simulator ----

fn find<'a>(inventory: &'a Json, kind: &str, field: &str, id: &Json) -> &'a Json {
    inventory[kind]
        .as_array()
        .and_then(|a| a.iter().find(|o| &o[field] == id))
        .unwrap_or_else(|| panic!("no {kind} with {field} {id}"))
}

fn account(inv: &Json, state: &Json) -> Json {
    find(inv, "accounts", "id", &state["id"]).clone()
}
fn zone(inv: &Json, state: &Json) -> Json {
    find(inv, "zones", "id", &state["id"]).clone()
}
fn member(inv: &Json, state: &Json) -> Json {
    find(inv, "members", "id", &state["id"]).clone()
}
fn custom_ns(inv: &Json, state: &Json) -> Json {
    find(inv, "custom_nameservers", "ns_name", &state["ns_name"]).clone()
}
fn zone_subscription(inv: &Json, state: &Json) -> Json {
    find(inv, "zone_subscriptions", "zone_id", &state["zone_id"]).clone()
}
fn account_subscription(inv: &Json, state: &Json) -> Json {
    find(inv, "account_subscriptions", "id", &state["id"]).clone()
}

/// Components away from the plan's default, sorted: what a subscription
/// pays extra for.
fn extras(subscription: &Json) -> Json {
    let mut extras: Vec<Json> = subscription["component_values"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|c| c["value"] != c["default"])
        .map(|c| json!({"name": c["name"], "value": c["value"]}))
        .collect();
    extras.sort_by_key(|c| c["name"].as_str().unwrap_or_default().to_string());
    Json::Array(extras)
}

/// The extras a configured list asks for (components at the plan's default
/// are no extra).
fn asked_extras(list: &Json, defaults: &[(&str, u64)]) -> Json {
    let mut asked: Vec<Json> = list
        .as_array()
        .into_iter()
        .flatten()
        .filter(|c| {
            defaults
                .iter()
                .find(|(n, _)| c["name"] == *n)
                .is_none_or(|(_, d)| c["value"] != *d)
        })
        .cloned()
        .collect();
    asked.sort_by_key(|c| c["name"].as_str().unwrap_or_default().to_string());
    Json::Array(asked)
}

fn same(v: &Json) -> Option<Json> {
    Some(v.clone())
}
fn lowercase(v: &Json) -> Option<Json> {
    v.as_str().map(|s| json!(s.to_lowercase()))
}
fn sorted(v: &Json) -> Option<Json> {
    let mut items: Vec<String> = v
        .as_array()?
        .iter()
        .filter_map(|x| x.as_str().map(str::to_string))
        .collect();
    items.sort();
    Some(json!(items))
}
fn yearly(v: &Json) -> Option<Json> {
    Some(match v.as_str() {
        Some("annual") => json!("yearly"),
        _ => v.clone(),
    })
}
fn zone_plan(v: &Json) -> Option<Json> {
    let id = v.as_str()?.to_ascii_uppercase();
    Some(json!(match id.as_str() {
        "PARTNERS_BIZ" | "CF_BIZ" => "business",
        "PARTNERS_PRO" | "CF_PRO" => "pro",
        "PARTNERS_FREE" => "free",
        _ => return None,
    }))
}
fn uppercase(v: &Json) -> Option<Json> {
    v.as_str().map(|s| json!(s.to_ascii_uppercase()))
}

const ADMIN: &str = "05784afa30c1afe1440e79d9351c7430";
const OTHER_ROLE: &str = "1bdae932431dce82aa4498b71c2d9e1a";
const NOT_A_TENANT: &str = "not a tenant of these credentials: the create would fail";
const VANITY_ON_FREE: &str =
    "Cloudflare allows vanity nameservers on Business and Enterprise zones only";
const PERMISSION_GROUP_A: &str = "c8fed203ed3043cba015a93ad1616f1f";
const PERMISSION_GROUP_B: &str = "82e64a83756745bbbb1c9c2701bf816b";
const RESOURCE_GROUP: &str = "6d7f2f5f5b1d4a0c8b6e3f0a9c1d2e3f";
const ZONE_DEFAULTS: &[(&str, u64)] = &[
    ("page_rules", 50),
    ("zones", 1),
    ("dedicated_certificates", 0),
    ("dedicated_certificates_custom", 0),
];
const SEAT_DEFAULTS: &[(&str, u64)] = &[("users", 50)];

fn kyc_lane(attribute: &'static str) -> Lane {
    Lane {
        resource: "cftenant_account",
        attribute,
        others: "name = \"Matrix {lane}\"",
        set: Sample::Fixed(json!("Matrix Value")),
        other: Sample::Fixed(json!("Matrix Value 2")),
        again: None,
        equivalent: None,
        decided_by_api: &[],
        api: match attribute {
            "business_name" => |i, s| account(i, s)["profile"]["business_name"].clone(),
            "business_address" => |i, s| account(i, s)["profile"]["business_address"].clone(),
            "business_email" => |i, s| account(i, s)["profile"]["business_email"].clone(),
            "business_phone" => |i, s| account(i, s)["profile"]["business_phone"].clone(),
            _ => |i, s| account(i, s)["profile"]["external_metadata"].clone(),
        },
        meaning: same,
    }
}

fn lanes() -> Vec<Lane> {
    let mut lanes = vec![
        // ---- cftenant_account ----
        Lane {
            resource: "cftenant_account",
            attribute: "name",
            others: "",
            set: Sample::Fixed(json!("Matrix Name")),
            other: Sample::Fixed(json!("Matrix Name 2")),
            again: None,
            equivalent: None,
            decided_by_api: &[],
            api: |i, s| account(i, s)["name"].clone(),
            meaning: same,
        },
        Lane {
            resource: "cftenant_account",
            attribute: "type",
            others: "name = \"Matrix {lane}\"",
            set: Sample::Fixed(json!("enterprise")),
            other: Sample::Fixed(json!("standard")),
            again: None,
            equivalent: None,
            decided_by_api: &[],
            api: |i, s| account(i, s)["type"].clone(),
            meaning: same,
        },
        Lane {
            resource: "cftenant_account",
            attribute: "unit_id",
            others: "name = \"Matrix {lane}\"",
            set: Sample::Id("unit_2"),
            other: Sample::Id("unit_1"),
            again: None,
            equivalent: None,
            decided_by_api: &[(
                Transition::Case,
                Outcome::RefusedAtPlan,
                "the tenant has no unit of that spelling: the replacement would delete the account, then fail",
            )],
            api: |i, s| account(i, s)["unit_tag"].clone(),
            meaning: same,
        },
        Lane {
            resource: "cftenant_account",
            attribute: "enforce_twofactor",
            others: "name = \"Matrix {lane}\"",
            set: Sample::Fixed(json!(true)),
            other: Sample::Fixed(json!(false)),
            again: None,
            equivalent: None,
            decided_by_api: &[],
            api: |i, s| account(i, s)["settings"]["enforce_twofactor"].clone(),
            meaning: same,
        },
        Lane {
            resource: "cftenant_account",
            attribute: "abuse_contact_email",
            others: "name = \"Matrix {lane}\"",
            set: Sample::Fixed(json!("abuse@matrix-example.com")),
            other: Sample::Fixed(json!("security@matrix-example.com")),
            again: None,
            equivalent: fixed(json!("Security@Matrix-Example.com")),
            decided_by_api: &[],
            api: |i, s| {
                let email = &account(i, s)["settings"]["abuse_contact_email"];
                lowercase(email).unwrap_or(Json::Null)
            },
            meaning: |v| Some(lowercase(v).unwrap_or(Json::Null)),
        },
        // ---- cftenant_zone ----
        Lane {
            resource: "cftenant_zone",
            attribute: "account_id",
            others: "name = \"{lane}-matrix.com\"",
            set: Sample::Id("parent_a"),
            other: Sample::Id("parent_b"),
            again: None,
            equivalent: None,
            decided_by_api: &[],
            api: |i, s| zone(i, s)["account"]["id"].clone(),
            meaning: same,
        },
        Lane {
            resource: "cftenant_zone",
            attribute: "name",
            others: "account_id = cftenant_account.parent_a.id",
            set: Sample::Fixed(json!("matrix-zone.com")),
            other: Sample::Fixed(json!("matrix-zone.org")),
            again: None,
            equivalent: None,
            decided_by_api: &[],
            api: |i, s| zone(i, s)["name"].clone(),
            meaning: same,
        },
        Lane {
            resource: "cftenant_zone",
            attribute: "type",
            others: "account_id = cftenant_account.parent_a.id\nname = \"{lane}-matrix.com\"",
            set: Sample::Fixed(json!("partial")),
            other: Sample::Fixed(json!("secondary")),
            again: None,
            equivalent: None,
            decided_by_api: &[],
            api: |i, s| zone(i, s)["type"].clone(),
            meaning: same,
        },
        Lane {
            resource: "cftenant_zone",
            attribute: "paused",
            others: "account_id = cftenant_account.parent_a.id\nname = \"{lane}-matrix.com\"",
            set: Sample::Fixed(json!(true)),
            other: Sample::Fixed(json!(false)),
            again: None,
            equivalent: None,
            decided_by_api: &[],
            api: |i, s| zone(i, s)["paused"].clone(),
            meaning: same,
        },
        Lane {
            resource: "cftenant_zone",
            attribute: "vanity_name_servers",
            others: "account_id = cftenant_account.parent_a.id\nname = \"{lane}-matrix.com\"",
            set: Sample::Fixed(json!(["ns1.vanity-matrix.com", "ns2.vanity-matrix.com"])),
            other: Sample::Fixed(json!(["ns2.vanity-matrix.com", "ns1.vanity-matrix.com"])),
            again: None,
            equivalent: None,
            // The lane's zone stays on the free plan (tests/e2e/zone.rs
            // takes a zone on Business through them).
            decided_by_api: &[
                (Transition::Set, Outcome::RefusedAtPlan, VANITY_ON_FREE),
                (Transition::Other, Outcome::RefusedAtPlan, VANITY_ON_FREE),
                (Transition::SetAgain, Outcome::RefusedAtPlan, VANITY_ON_FREE),
            ],
            api: |i, s| zone(i, s)["vanity_name_servers"].clone(),
            meaning: same,
        },
        // ---- cftenant_tenant_custom_nameserver ----
        Lane {
            resource: "cftenant_tenant_custom_nameserver",
            attribute: "tenant_id",
            others: "ns_name = \"ns-{lane}.zone-a-matrix.com\"",
            set: Sample::Fixed(json!(TENANT)),
            other: Sample::Fixed(json!("0a1b2c3d4e5f60718293a4b5c6d7e8f9")),
            again: None,
            equivalent: None,
            decided_by_api: &[
                (Transition::Other, Outcome::RefusedAtPlan, NOT_A_TENANT),
                (Transition::Case, Outcome::RefusedAtPlan, NOT_A_TENANT),
            ],
            api: |i, s| custom_ns(i, s)["tenant_tag"].clone(),
            meaning: same,
        },
        Lane {
            resource: "cftenant_tenant_custom_nameserver",
            attribute: "ns_name",
            others: "tenant_id = \"7d0a0a5b2c1e4f3a9b8c6d5e4f3a2b1c\"",
            set: Sample::Fixed(json!("ns1.zone-a-matrix.com")),
            other: Sample::Fixed(json!("ns1.zone-b-matrix.com")),
            again: None,
            equivalent: None,
            decided_by_api: &[],
            api: |i, s| custom_ns(i, s)["ns_name"].clone(),
            meaning: same,
        },
        Lane {
            resource: "cftenant_tenant_custom_nameserver",
            attribute: "ns_set",
            others: "tenant_id = \"7d0a0a5b2c1e4f3a9b8c6d5e4f3a2b1c\"\nns_name = \"ns-{lane}.zone-a-matrix.com\"",
            set: Sample::Fixed(json!(2)),
            other: Sample::Fixed(json!(3)),
            again: None,
            equivalent: None,
            decided_by_api: &[],
            api: |i, s| custom_ns(i, s)["ns_set"].clone(),
            meaning: same,
        },
        // ---- cftenant_account_member ----
        Lane {
            resource: "cftenant_account_member",
            attribute: "account_id",
            others: "email = \"{lane}@matrix-example.com\"\nroles = [\"05784afa30c1afe1440e79d9351c7430\"]",
            set: Sample::Id("parent_a"),
            other: Sample::Id("parent_b"),
            again: None,
            equivalent: None,
            decided_by_api: &[],
            api: |i, s| member(i, s)["account_id"].clone(),
            meaning: same,
        },
        Lane {
            resource: "cftenant_account_member",
            attribute: "email",
            others: "account_id = cftenant_account.parent_a.id\nroles = [\"05784afa30c1afe1440e79d9351c7430\"]",
            set: Sample::Fixed(json!("ada@matrix-example.com")),
            other: Sample::Fixed(json!("grace@matrix-example.com")),
            again: None,
            equivalent: fixed(json!("Grace@Matrix-Example.com")),
            decided_by_api: &[],
            api: |i, s| lowercase(&member(i, s)["email"]).unwrap(),
            meaning: lowercase,
        },
        Lane {
            resource: "cftenant_account_member",
            attribute: "roles",
            others: "account_id = cftenant_account.parent_a.id\nemail = \"{lane}@matrix-example.com\"",
            set: Sample::Fixed(json!([ADMIN])),
            other: Sample::Fixed(json!([ADMIN, OTHER_ROLE])),
            again: None,
            equivalent: fixed(json!([OTHER_ROLE, ADMIN])),
            decided_by_api: &[],
            api: |i, s| {
                let roles: Vec<Json> = member(i, s)["roles"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|r| r["id"].clone())
                    .collect();
                sorted(&Json::Array(roles)).unwrap()
            },
            meaning: sorted,
        },
        Lane {
            resource: "cftenant_account_member",
            attribute: "policies",
            others: "account_id = cftenant_account.parent_a.id\nemail = \"{lane}@matrix-example.com\"",
            set: Sample::Fixed(json!([{
                "access": "allow",
                "permission_group_ids": [PERMISSION_GROUP_A],
                "resource_group_ids": [RESOURCE_GROUP],
            }])),
            other: Sample::Fixed(json!([{
                "access": "deny",
                "permission_group_ids": [PERMISSION_GROUP_A, PERMISSION_GROUP_B],
                "resource_group_ids": [RESOURCE_GROUP],
            }])),
            again: None,
            equivalent: None,
            decided_by_api: &[],
            api: |i, s| {
                let policies: Vec<Json> = member(i, s)["policies"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|p| {
                        let ids = |groups: &Json| {
                            let ids: Vec<Json> = groups
                                .as_array()
                                .into_iter()
                                .flatten()
                                .map(|g| g["id"].clone())
                                .collect();
                            sorted(&Json::Array(ids)).unwrap()
                        };
                        json!({
                            "access": p["access"],
                            "permission_group_ids": ids(&p["permission_groups"]),
                            "resource_group_ids": ids(&p["resource_groups"]),
                        })
                    })
                    .collect();
                Json::Array(policies)
            },
            meaning: |v| {
                let policies: Vec<Json> = v
                    .as_array()?
                    .iter()
                    .map(|p| {
                        json!({
                            "access": p["access"],
                            "permission_group_ids": sorted(&p["permission_group_ids"]).unwrap(),
                            "resource_group_ids": sorted(&p["resource_group_ids"]).unwrap(),
                        })
                    })
                    .collect();
                Some(Json::Array(policies))
            },
        },
        Lane {
            resource: "cftenant_account_member",
            attribute: "status",
            others: "account_id = cftenant_account.parent_a.id\nemail = \"{lane}@matrix-example.com\"\nroles = [\"05784afa30c1afe1440e79d9351c7430\"]",
            set: Sample::Fixed(json!("accepted")),
            other: Sample::Fixed(json!("pending")),
            again: None,
            equivalent: None,
            decided_by_api: &[],
            api: |i, s| member(i, s)["status"].clone(),
            meaning: same,
        },
        // ---- cftenant_service_user ----
        Lane {
            resource: "cftenant_service_user",
            attribute: "email",
            others: "",
            set: Sample::Fixed(json!("svc-a@matrix-example.com")),
            other: Sample::Fixed(json!("svc-b@matrix-example.com")),
            // Cloudflare cannot delete users: the first email stays taken.
            again: fixed(json!("svc-c@matrix-example.com")),
            equivalent: fixed(json!("Svc-B@Matrix-Example.com")),
            decided_by_api: &[],
            api: |i, s| {
                let user = find(i, "users", "id", &s["id"]);
                lowercase(&user["email"]).unwrap()
            },
            meaning: lowercase,
        },
        // ---- cftenant_zone_subscription ----
        Lane {
            resource: "cftenant_zone_subscription",
            attribute: "zone_id",
            others: "rate_plan_id = \"PARTNERS_PRO\"",
            set: Sample::Id("zone_a"),
            other: Sample::Id("zone_b"),
            again: None,
            equivalent: None,
            decided_by_api: &[],
            api: |i, s| zone_subscription(i, s)["zone_id"].clone(),
            meaning: same,
        },
        Lane {
            resource: "cftenant_zone_subscription",
            attribute: "rate_plan_id",
            others: "zone_id = cftenant_zone.sub_rate_plan_id.id",
            set: Sample::Fixed(json!("PARTNERS_BIZ")),
            other: Sample::Fixed(json!("PARTNERS_PRO")),
            again: None,
            equivalent: fixed(json!("CF_PRO")),
            decided_by_api: &[],
            api: |i, s| zone_subscription(i, s)["rate_plan"]["id"].clone(),
            meaning: zone_plan,
        },
        Lane {
            resource: "cftenant_zone_subscription",
            attribute: "frequency",
            others: "zone_id = cftenant_zone.sub_frequency.id\nrate_plan_id = \"PARTNERS_BIZ\"",
            set: Sample::Fixed(json!("quarterly")),
            other: Sample::Fixed(json!("yearly")),
            again: None,
            equivalent: fixed(json!("annual")),
            decided_by_api: &[],
            api: |i, s| zone_subscription(i, s)["frequency"].clone(),
            meaning: yearly,
        },
        Lane {
            resource: "cftenant_zone_subscription",
            attribute: "component_values",
            others: "zone_id = cftenant_zone.sub_component_values.id\nrate_plan_id = \"PARTNERS_BIZ\"",
            set: Sample::Fixed(json!([{"name": "page_rules", "value": 60}])),
            other: Sample::Fixed(
                json!([{"name": "page_rules", "value": 70}, {"name": "dedicated_certificates", "value": 1}]),
            ),
            again: None,
            equivalent: None,
            decided_by_api: &[],
            api: |i, s| extras(&zone_subscription(i, s)),
            meaning: |v| Some(asked_extras(v, ZONE_DEFAULTS)),
        },
        // ---- cftenant_account_subscription ----
        Lane {
            resource: "cftenant_account_subscription",
            attribute: "account_id",
            others: "rate_plan_id = \"TEAMS_STANDARD\"",
            set: Sample::Id("sub_account_a"),
            other: Sample::Id("sub_account_b"),
            again: None,
            equivalent: None,
            decided_by_api: &[],
            api: |i, s| account_subscription(i, s)["account_id"].clone(),
            meaning: same,
        },
        Lane {
            resource: "cftenant_account_subscription",
            attribute: "rate_plan_id",
            others: "account_id = cftenant_account.sub_rate_plan_id.id",
            set: Sample::Fixed(json!("TEAMS_STANDARD")),
            other: Sample::Fixed(json!("TEAMS_ACCESS")),
            again: None,
            equivalent: fixed(json!("Teams_Access")),
            decided_by_api: &[],
            api: |i, s| account_subscription(i, s)["rate_plan"]["id"].clone(),
            meaning: uppercase,
        },
        Lane {
            resource: "cftenant_account_subscription",
            attribute: "frequency",
            others: "account_id = cftenant_account.sub_frequency.id\nrate_plan_id = \"TEAMS_STANDARD\"",
            set: Sample::Fixed(json!("quarterly")),
            other: Sample::Fixed(json!("yearly")),
            again: None,
            equivalent: fixed(json!("annual")),
            decided_by_api: &[],
            api: |i, s| account_subscription(i, s)["frequency"].clone(),
            meaning: yearly,
        },
        Lane {
            resource: "cftenant_account_subscription",
            attribute: "component_values",
            others: "account_id = cftenant_account.sub_component_values.id\nrate_plan_id = \"TEAMS_STANDARD\"",
            set: Sample::Fixed(json!([{"name": "users", "value": 60}])),
            other: Sample::Fixed(json!([{"name": "users", "value": 75}])),
            again: None,
            equivalent: None,
            decided_by_api: &[],
            api: |i, s| extras(&account_subscription(i, s)),
            meaning: |v| Some(asked_extras(v, SEAT_DEFAULTS)),
        },
    ];
    for kyc in [
        "business_name",
        "business_address",
        "business_email",
        "business_phone",
        "external_metadata",
    ] {
        lanes.push(kyc_lane(kyc));
    }
    lanes
}

/// The parents lanes stand on: accounts, zones for zone plans, accounts for
/// add-ons (one subscription per plan per account, so one each).
const PARENTS: &str = r#"
resource "cftenant_account" "parent_a" {
  name = "Matrix Parent A"
}
resource "cftenant_account" "parent_b" {
  name = "Matrix Parent B"
}
resource "cftenant_zone" "zone_a" {
  account_id = cftenant_account.parent_a.id
  name       = "zone-a-matrix.com"
}
resource "cftenant_zone" "zone_b" {
  account_id = cftenant_account.parent_a.id
  name       = "zone-b-matrix.com"
}
resource "cftenant_zone" "sub_rate_plan_id" {
  account_id = cftenant_account.parent_a.id
  name       = "sub-rate-plan-matrix.com"
}
resource "cftenant_zone" "sub_frequency" {
  account_id = cftenant_account.parent_a.id
  name       = "sub-frequency-matrix.com"
}
resource "cftenant_zone" "sub_component_values" {
  account_id = cftenant_account.parent_a.id
  name       = "sub-components-matrix.com"
}
resource "cftenant_account" "sub_account_a" {
  name = "Matrix Add-on A"
}
resource "cftenant_account" "sub_account_b" {
  name = "Matrix Add-on B"
}
resource "cftenant_account" "sub_rate_plan_id" {
  name = "Matrix Add-on Plan"
}
resource "cftenant_account" "sub_frequency" {
  name = "Matrix Add-on Frequency"
}
resource "cftenant_account" "sub_component_values" {
  name = "Matrix Add-on Components"
}
"#;

// ---- expectations from the schema ----

fn schema_of(resource: &str) -> Schema {
    CftenantProvider::plugin().resources[resource]
        .schema()
        .clone()
}

fn attribute<'a>(schema: &'a Schema, name: &str) -> &'a Attribute {
    schema
        .attributes
        .iter()
        .find(|a| a.name == name)
        .unwrap_or_else(|| panic!("no attribute {name}"))
}

/// The configured value as the provider sees it.
fn to_terraform(attr: &Attribute, v: &Json) -> Value {
    value::to_value(v, &attr.ty)
        .unwrap_or_else(|e| panic!("{}: {v} is not a {:?}: {e}", attr.name, attr.ty))
}

/// The same value with its letters' case swapped, where it has letters.
fn other_case(v: &Json) -> Option<Json> {
    match v {
        Json::String(s) if s.chars().any(|c| c.is_ascii_alphabetic()) => Some(json!(s
            .chars()
            .map(|c| if c.is_ascii_lowercase() {
                c.to_ascii_uppercase()
            } else {
                c.to_ascii_lowercase()
            })
            .collect::<String>())),
        Json::Array(items) if items.iter().all(Json::is_string) => items
            .iter()
            .map(other_case)
            .collect::<Option<Vec<_>>>()
            .map(Json::Array),
        _ => None,
    }
}

/// `""` or `[]`, where the type has an empty value.
fn empty_of(ty: &Type) -> Option<Json> {
    match ty {
        Type::String => Some(json!("")),
        Type::List(_) | Type::Set(_) => Some(json!([])),
        _ => None,
    }
}

/// What the schema says happens when the attribute, now `prior` in state,
/// is configured as `given`.
fn expected(schema: &Schema, attr: &Attribute, prior: &Value, given: &Given) -> Outcome {
    let planned = match given {
        Given::Value(v) if !v.is_null() => {
            let mut config = Value::Object(Default::default());
            config.set_attr(attr.name, to_terraform(attr, v));
            let refused = schema.validate(&config).0.iter().any(|d| {
                d.path
                    .as_ref()
                    .is_some_and(|p| p.to_string().starts_with(attr.name))
            });
            if refused {
                return Outcome::RefusedAtPlan;
            }
            to_terraform(attr, v)
        }
        // Null, or no line.
        _ => {
            if must_be_set(schema, attr) {
                return Outcome::RefusedAtPlan;
            }
            match (&attr.default, attr.computed) {
                (Some(d), _) => d.clone(),
                // Optional + computed: Cloudflare's value is kept.
                (None, true) => return Outcome::NoChange,
                (None, false) => Value::Null,
            }
        }
    };
    if attr.same_value(&planned, prior) {
        Outcome::NoChange
    } else if attr.requires_replace {
        Outcome::Replace
    } else {
        Outcome::InPlace
    }
}

/// Whether the schema refuses the attribute null in the lane: it is
/// required, or the one of a group that must have one (the lane's other
/// lines set no other member).
fn must_be_set(schema: &Schema, attr: &Attribute) -> bool {
    attr.required
        || schema
            .validate(&Value::Object(Default::default()))
            .0
            .iter()
            .any(|d| d.summary.contains(&format!("`{}`", attr.name)))
}

/// What the lane's attribute is configured as at a transition, or `None`
/// when the transition does not apply to it (it keeps its configuration).
fn given_at(
    lane: &Lane,
    schema: &Schema,
    attr: &Attribute,
    t: Transition,
    ids: &Ids,
) -> Option<Given> {
    let other = lane.other.resolve(ids);
    let set = lane.set.resolve(ids);
    let required = must_be_set(schema, attr);
    match t {
        Transition::Unset => Some(if required {
            Given::Value(set)
        } else {
            Given::NoLine
        }),
        Transition::Set => (!required).then_some(Given::Value(set)),
        Transition::Other => Some(Given::Value(other)),
        Transition::Case => other_case(&other).map(Given::Value),
        Transition::Equivalent => lane
            .equivalent
            .as_ref()
            .map(|s| Given::Value(s.resolve(ids))),
        Transition::Empty => empty_of(&attr.ty).map(Given::Value),
        Transition::Null => Some(Given::Value(Json::Null)),
        Transition::Removed => Some(Given::NoLine),
        Transition::SetAgain => Some(Given::Value(
            lane.again.as_ref().map_or(set, |s| s.resolve(ids)),
        )),
    }
}

// ---- configurations ----

fn config(lanes: &[Lane], given: &BTreeMap<String, Given>) -> (String, Json) {
    let mut hcl = String::from(PARENTS);
    let mut vars = serde_json::Map::new();
    for lane in lanes {
        let name = lane.name();
        writeln!(
            hcl,
            "variable \"{name}\" {{\n  type    = any\n  default = null\n}}"
        )
        .unwrap();
        writeln!(hcl, "resource \"{}\" \"{name}\" {{", lane.resource).unwrap();
        for line in lane
            .others
            .replace("{lane}", &name.replace('_', "-"))
            .lines()
        {
            writeln!(hcl, "  {line}").unwrap();
        }
        match &given[&name] {
            Given::Value(v) => {
                writeln!(hcl, "  {} = var.{name}", lane.attribute).unwrap();
                vars.insert(name.clone(), v.clone());
            }
            Given::NoLine => {}
        }
        hcl.push_str("}\n");
    }
    (hcl, Json::Object(vars))
}

fn write(ctx: &Ctx, lanes: &[Lane], given: &BTreeMap<String, Given>) {
    let (hcl, vars) = config(lanes, given);
    ctx.ws.write_config(&hcl);
    std::fs::write(
        ctx.ws.dir.path().join("terraform.tfvars.json"),
        serde_json::to_string_pretty(&vars).unwrap(),
    )
    .unwrap();
}

/// The actions of each resource in a saved plan, from `terraform show -json`.
fn planned_actions(ctx: &Ctx, plan_file: &str) -> BTreeMap<String, Outcome> {
    let out = ctx.ws.terraform(&["show", "-json", "-no-color", plan_file]);
    assert!(out.status.success(), "{}", output_text(&out));
    let plan: Json = serde_json::from_slice(&out.stdout).unwrap();
    let mut actions = BTreeMap::new();
    for rc in plan["resource_changes"].as_array().into_iter().flatten() {
        let list: Vec<&str> = rc["change"]["actions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap())
            .collect();
        let outcome = match list.as_slice() {
            ["create"] => Outcome::Create,
            ["no-op"] => Outcome::NoChange,
            ["update"] => Outcome::InPlace,
            ["delete", "create"] | ["create", "delete"] => Outcome::Replace,
            other => panic!("{}: unexpected actions {other:?}", rc["address"]),
        };
        actions.insert(rc["address"].as_str().unwrap().to_string(), outcome);
    }
    actions
}

struct Figures {
    lanes: usize,
    resources: usize,
    checked: usize,
    refused: usize,
    applied: usize,
}

fn run_matrix(lanes: Vec<Lane>, group: &str) -> Figures {
    let ctx = Ctx::with_sim_args(&["--allow-auto-accept-invites"]);
    let started = std::time::Instant::now();
    // The parents first: the lanes refer to them by id.
    ctx.ws.write_config(PARENTS);
    ctx.ws.apply();
    let mut ids: Ids = BTreeMap::new();
    for (key, address) in [
        ("parent_a", "cftenant_account.parent_a"),
        ("parent_b", "cftenant_account.parent_b"),
        ("zone_a", "cftenant_zone.zone_a"),
        ("zone_b", "cftenant_zone.zone_b"),
        ("sub_account_a", "cftenant_account.sub_account_a"),
        ("sub_account_b", "cftenant_account.sub_account_b"),
    ] {
        ids.insert(
            key,
            ctx.ws.resource(address)["id"].as_str().unwrap().to_string(),
        );
    }
    let units = ctx.sim.state()["tenant"]["tenant_units"].clone();
    ids.insert("unit_1", units[0]["unit_tag"].as_str().unwrap().to_string());
    ids.insert("unit_2", units[1]["unit_tag"].as_str().unwrap().to_string());

    let schemas: BTreeMap<&str, Schema> = lanes
        .iter()
        .map(|l| (l.resource, schema_of(l.resource)))
        .collect();
    let mut current: BTreeMap<String, Given> = BTreeMap::new();
    let mut figures = Figures {
        lanes: lanes.len(),
        resources: schemas.len(),
        checked: 0,
        refused: 0,
        applied: 0,
    };
    // What the API held for each lane after the last apply, for the
    // transitions after which Cloudflare keeps its value.
    let mut api_before: BTreeMap<String, Json> = BTreeMap::new();
    let mut failures: Vec<String> = Vec::new();

    for t in TRANSITIONS {
        let state = if current.is_empty() {
            BTreeMap::new()
        } else {
            ctx.ws.state()
        };
        let mut next = current.clone();
        let mut refused: Vec<&Lane> = Vec::new();
        let mut expect: BTreeMap<String, Outcome> = BTreeMap::new();
        for lane in &lanes {
            let schema = &schemas[lane.resource];
            let attr = attribute(schema, lane.attribute);
            let Some(given) = given_at(lane, schema, attr, t, &ids) else {
                continue;
            };
            let outcome = if current.is_empty() {
                Outcome::Create
            } else {
                let prior = state
                    .get(&lane.address())
                    .map(|s| to_terraform(attr, &s[lane.attribute]))
                    .unwrap_or_default();
                let derived = expected(schema, attr, &prior, &given);
                lane.decided_by_api
                    .iter()
                    .find(|(at, _, _)| *at == t)
                    .map_or(derived, |(_, o, _)| *o)
            };
            figures.checked += 1;
            if outcome == Outcome::RefusedAtPlan {
                // Tried below, all at once; the value is never applied.
                refused.push(lane);
                expect.insert(lane.address(), Outcome::RefusedAtPlan);
                continue;
            }
            expect.insert(lane.address(), outcome);
            next.insert(lane.name(), given);
        }

        // 1. Everything the schema refuses, tried at once: one plan, one error per lane.
        if !refused.is_empty() {
            let mut tried = current.clone();
            for lane in &refused {
                let schema = &schemas[lane.resource];
                let attr = attribute(schema, lane.attribute);
                tried.insert(lane.name(), given_at(lane, schema, attr, t, &ids).unwrap());
            }
            write(&ctx, &lanes, &tried);
            let (code, text) = ctx.ws.plan();
            if code != 1 {
                failures.push(format!(
                    "{t:?}: the refused values planned (exit {code}):\n{text}"
                ));
            }
            let errors: Vec<&str> = text.split("Error: ").skip(1).collect();
            for lane in &refused {
                let block = format!("resource \"{}\" \"{}\"", lane.resource, lane.name());
                let named = errors
                    .iter()
                    .any(|e| e.contains(&block) && e.contains(lane.attribute));
                if !named {
                    failures.push(format!(
                        "{t:?} {}: refused without an error naming `{}`:\n{text}",
                        lane.address(),
                        lane.attribute
                    ));
                }
                figures.refused += 1;
            }
        }

        // 2. The rest: the JSON plan's actions must be the expected ones.
        write(&ctx, &lanes, &next);
        let plan_file = format!("{t:?}.tfplan");
        let out = ctx.ws.terraform(&[
            "plan",
            "-input=false",
            "-no-color",
            &format!("-out={plan_file}"),
        ]);
        assert!(
            out.status.success(),
            "{group} {t:?}: plan failed:\n{}",
            output_text(&out)
        );
        let actions = planned_actions(&ctx, &plan_file);
        for lane in &lanes {
            let Some(want) = expect.get(&lane.address()) else {
                continue;
            };
            if *want == Outcome::RefusedAtPlan {
                continue;
            }
            let got = actions
                .get(&lane.address())
                .copied()
                .unwrap_or(Outcome::NoChange);
            if got != *want {
                failures.push(format!(
                    "{t:?} {}: the schema says {want:?}, Terraform planned {got:?}",
                    lane.address()
                ));
            }
        }
        let out = ctx.ws.terraform(&[
            "apply",
            "-auto-approve",
            "-input=false",
            "-no-color",
            &plan_file,
        ]);
        if !out.status.success() {
            failures.push(format!("{t:?}: the apply failed:\n{}", output_text(&out)));
            break;
        }
        figures.applied += 1;

        // 3. The API holds what the configuration means.
        let state = ctx.ws.state();
        let inventory = ctx.sim.state();
        for lane in &lanes {
            let Some(lane_state) = state.get(&lane.address()) else {
                failures.push(format!("{t:?}: {} is not in the state", lane.address()));
                continue;
            };
            let held = (lane.api)(&inventory, lane_state);
            let attr = attribute(&schemas[lane.resource], lane.attribute);
            let meant = match &next[&lane.name()] {
                Given::Value(v) if !v.is_null() => (lane.meaning)(v),
                // Null or removed: the default, the plan's defaults, or
                // whatever Cloudflare kept.
                _ => match (&attr.default, attr.computed) {
                    (Some(d), _) => (lane.meaning)(&d_json(d)),
                    (None, true) => api_before.get(&lane.name()).cloned(),
                    (None, false) => (lane.meaning)(&json!([])),
                },
            };
            if let Some(meant) = meant {
                if held != meant {
                    failures.push(format!(
                        "{t:?} {}: the configuration means {meant}, the API holds {held}",
                        lane.address()
                    ));
                }
            }
            api_before.insert(lane.name(), held);
        }

        // 4. Both plans empty.
        for args in [
            &[
                "plan",
                "-refresh=false",
                "-detailed-exitcode",
                "-input=false",
                "-no-color",
            ][..],
            &["plan", "-detailed-exitcode", "-input=false", "-no-color"][..],
        ] {
            let out = ctx.ws.terraform(args);
            if out.status.code() != Some(0) {
                failures.push(format!(
                    "{t:?}: `terraform {}` is not empty:\n{}",
                    args.join(" "),
                    output_text(&out)
                ));
            }
        }
        current = next;
    }
    if failures.is_empty() {
        ctx.ws
            .ok(&["destroy", "-auto-approve", "-input=false", "-no-color"]);
        assert!(ctx.ws.state().is_empty());
        assert!(
            ctx.sim.objects("accounts").is_empty() && ctx.sim.objects("zones").is_empty(),
            "the destroy left objects behind"
        );
    }
    println!(
        "matrix {group}: resources={} attributes={} transitions={} refused_at_plan={} applies={} failures={} elapsed={}s",
        figures.resources,
        figures.lanes,
        figures.checked,
        figures.refused,
        figures.applied,
        failures.len(),
        started.elapsed().as_secs()
    );
    assert!(
        failures.is_empty(),
        "{} of {} transitions did not hold:\n{}",
        failures.len(),
        figures.checked,
        failures.join("\n\n")
    );
    figures
}

/// A schema default as JSON.
fn d_json(v: &Value) -> Json {
    match v {
        Value::String(s) => json!(s),
        Value::Bool(b) => json!(b),
        Value::Number(n) => Json::Number(n.clone()),
        _ => Json::Null,
    }
}

fn group(resources: &[&str]) -> Vec<Lane> {
    lanes()
        .into_iter()
        .filter(|l| resources.contains(&l.resource))
        .collect()
}

#[test]
fn every_configurable_attribute_has_a_lane() {
    let lanes = lanes();
    let mut missing = Vec::new();
    let provider = CftenantProvider::plugin();
    for (resource, r) in &provider.resources {
        for a in r
            .schema()
            .attributes
            .iter()
            .filter(|a| a.required || a.optional)
        {
            match lanes
                .iter()
                .find(|l| l.resource == *resource && l.attribute == a.name)
            {
                None => missing.push(format!("{resource}.{}: no lane", a.name)),
                Some(l) if a.equivalent.is_some() && l.equivalent.is_none() => {
                    missing.push(format!(
                    "{resource}.{}: the schema declares an equivalent spelling; the lane needs one",
                    a.name
                ))
                }
                Some(_) => {}
            }
        }
    }
    assert!(
        missing.is_empty(),
        "attributes the matrix does not cover (add a lane in tests/e2e/matrix.rs):\n{}",
        missing.join("\n")
    );
}

#[test]
fn matrix_accounts_members_and_service_users() {
    run_matrix(
        group(&[
            "cftenant_account",
            "cftenant_account_member",
            "cftenant_service_user",
        ]),
        "accounts, members, service users",
    );
}

#[test]
fn matrix_zones_and_subscriptions() {
    run_matrix(
        group(&[
            "cftenant_zone",
            "cftenant_zone_subscription",
            "cftenant_account_subscription",
            "cftenant_tenant_custom_nameserver",
        ]),
        "zones, subscriptions",
    );
}
