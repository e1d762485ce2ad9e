//! The attribute-lifecycle matrix: every configurable attribute of every
//! resource, taken by real Terraform through every transition a user makes.
//!
//! Transitions, in order: unset → set (optional attributes), set → another
//! value, → the same in other letter case, → an equivalent spelling (where
//! the schema declares one), → `""` / `[]` (where the type allows), → null,
//! → the line removed, → set again.
//!
//! The outcome of each is written down beside the lane (`expect`), as what
//! a user needs, not read off the provider's schema: in place, a
//! replacement, no change, no change keeping Cloudflare's value, or refused
//! at plan naming the attribute. Where the official provider
//! (cloudflare/terraform-provider-cloudflare v5) has the attribute, its
//! outcome is written beside ours (`peer`), and a difference must say why.
//! The expectation is checked against Terraform's JSON plan (the resource's
//! actions), then the plan is applied, the simulator must hold what the
//! configuration means, and both `plan -refresh=false` and `plan` must be
//! empty. Each group ends with the harness's destroy check.
//!
//! A second test, the "line removed" lanes, creates each attribute whose
//! change replaces (or once did) at a value other than the one a new object
//! gets, then removes its line: the object must never be replaced.
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
use tfplugin::value::{Type, Value};

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
    /// The transition does not apply to the attribute (a required one
    /// cannot be "set" from unset; a number has no letter case).
    Skip,
    /// Only when the lanes first appear.
    Create,
    NoChange,
    /// No change, and Cloudflare keeps the value it holds.
    Keeps,
    /// An update that sends nothing: Cloudflare keeps the value, and the
    /// resource stops managing it (settings: a destroy no longer resets it).
    Forgets,
    InPlace,
    Replace,
    /// Refused at plan, by an error naming the attribute.
    Refused,
}

/// The transitions after the lanes exist, in the order of `Lane::expect`.
const AFTER_CREATE: [Transition; 8] = [
    Transition::Set,
    Transition::Other,
    Transition::Case,
    Transition::Equivalent,
    Transition::Empty,
    Transition::Null,
    Transition::Removed,
    Transition::SetAgain,
];

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
    /// What a user needs at each transition of [`AFTER_CREATE`].
    expect: [Outcome; 8],
    /// Why, where an outcome is not what the kind of attribute suggests.
    why: &'static str,
    /// The official provider's outcome at some of these transitions, and
    /// why ours differs (`""`: it does not).
    peer: &'static [(Transition, Outcome, &'static str)],
    /// What the API holds when the configuration leaves the attribute
    /// out and the outcome is not [`Outcome::Keeps`].
    unset: Option<Json>,
    /// The attribute as the simulator holds it, given the lane's state.
    api: fn(&Json, &Json) -> Json,
    /// What a configured value means on the API (`None`: the API decides).
    meaning: fn(&Json) -> Option<Json>,
}

impl Lane {
    fn expected(&self, t: Transition) -> Outcome {
        match AFTER_CREATE.iter().position(|a| *a == t) {
            Some(i) => self.expect[i],
            None => Outcome::Create,
        }
    }

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
        "PARTNERS_BIZ" | "BUSINESS" => "business",
        "PARTNERS_PRO" | "PRO" => "pro",
        "PARTNERS_FREE" | "FREE" => "free",
        _ => return None,
    }))
}
fn uppercase(v: &Json) -> Option<Json> {
    v.as_str().map(|s| json!(s.to_ascii_uppercase()))
}

const ADMIN: &str = "05784afa30c1afe1440e79d9351c7430";
const OTHER_ROLE: &str = "1bdae932431dce82aa4498b71c2d9e1a";
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
        expect: [Outcome::InPlace, Outcome::InPlace, Outcome::InPlace, Outcome::Skip, Outcome::Refused, Outcome::Keeps, Outcome::Keeps, Outcome::InPlace],
        why: "the profile endpoint cannot clear a field: `\"\"` is refused, and no line keeps Cloudflare's value",
        peer: &[],
        unset: None,
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
            expect: [Outcome::Skip, Outcome::InPlace, Outcome::InPlace, Outcome::Skip, Outcome::Refused, Outcome::Refused, Outcome::Refused, Outcome::InPlace],
            why: "",
            peer: &[(Transition::Other, Outcome::InPlace, ""), ],
            unset: None,
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
            expect: [Outcome::Refused, Outcome::NoChange, Outcome::Refused, Outcome::Skip, Outcome::Refused, Outcome::Keeps, Outcome::Keeps, Outcome::Refused],
            why: "Cloudflare cannot change an account's type: another one is refused at plan, never a replacement",
            peer: &[(Transition::Removed, Outcome::Keeps, ""), ],
            unset: None,
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
            expect: [Outcome::Replace, Outcome::Replace, Outcome::Refused, Outcome::Skip, Outcome::Refused, Outcome::Keeps, Outcome::Keeps, Outcome::Replace],
            why: "the case transition names no unit of the tenant: refused at plan, before the replacement would delete the account",
            peer: &[(Transition::Other, Outcome::Replace, ""), (Transition::Removed, Outcome::Keeps, ""), ],
            unset: None,
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
            expect: [Outcome::InPlace, Outcome::InPlace, Outcome::Skip, Outcome::Skip, Outcome::Skip, Outcome::Keeps, Outcome::Keeps, Outcome::InPlace],
            why: "",
            peer: &[(Transition::Set, Outcome::InPlace, ""), (Transition::Other, Outcome::InPlace, ""), ],
            unset: None,
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
            expect: [Outcome::InPlace, Outcome::InPlace, Outcome::NoChange, Outcome::NoChange, Outcome::InPlace, Outcome::Keeps, Outcome::Keeps, Outcome::InPlace],
            why: "`\"\"` clears it; null or no line keeps Cloudflare's value, so that a configuration that leaves it out (the adoption guide) never clears a customer's contact",
            peer: &[(Transition::Other, Outcome::InPlace, ""), ],
            unset: None,
            api: |i, s| {
                let email = &account(i, s)["settings"]["abuse_contact_email"];
                lowercase(email).unwrap_or(Json::Null)
            },
            // `""` asks for none, which the API holds as null.
            meaning: |v| {
                Some(match lowercase(v) {
                    Some(e) if e != "" => e,
                    _ => Json::Null,
                })
            },
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
            expect: [Outcome::Skip, Outcome::Replace, Outcome::Refused, Outcome::Skip, Outcome::Refused, Outcome::Refused, Outcome::Refused, Outcome::Replace],
            why: "",
            peer: &[(Transition::Other, Outcome::Replace, ""), ],
            unset: None,
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
            expect: [Outcome::Skip, Outcome::Replace, Outcome::Refused, Outcome::Skip, Outcome::Refused, Outcome::Refused, Outcome::Refused, Outcome::Replace],
            why: "",
            peer: &[(Transition::Other, Outcome::Replace, ""), ],
            unset: None,
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
            expect: [Outcome::InPlace, Outcome::InPlace, Outcome::Refused, Outcome::Skip, Outcome::Refused, Outcome::Keeps, Outcome::Keeps, Outcome::InPlace],
            why: "",
            peer: &[(Transition::Set, Outcome::InPlace, ""), (Transition::Other, Outcome::InPlace, ""), (Transition::Removed, Outcome::InPlace, "the official provider's default `full` makes removing the line change a secondary zone to full; here removing a line keeps what Cloudflare holds"), ],
            unset: None,
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
            expect: [Outcome::InPlace, Outcome::InPlace, Outcome::Skip, Outcome::Skip, Outcome::Skip, Outcome::Keeps, Outcome::Keeps, Outcome::InPlace],
            why: "",
            peer: &[(Transition::Set, Outcome::InPlace, ""), (Transition::Other, Outcome::InPlace, ""), ],
            unset: None,
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
            expect: [Outcome::Refused, Outcome::Refused, Outcome::Refused, Outcome::Skip, Outcome::Refused, Outcome::NoChange, Outcome::NoChange, Outcome::Refused],
            why: "the lane's zone stays on the free plan, which has no vanity nameservers (tests/e2e/zone.rs takes a zone on Business through them)",
            peer: &[],
            unset: Some(json!([])),
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
            expect: [Outcome::Skip, Outcome::Refused, Outcome::Refused, Outcome::Skip, Outcome::Refused, Outcome::Refused, Outcome::Refused, Outcome::NoChange],
            why: "another id, or the tag in other letters, is not a tenant of these credentials: the create would fail, so it is refused before the replacement",
            peer: &[],
            unset: None,
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
            expect: [Outcome::Skip, Outcome::Replace, Outcome::Refused, Outcome::Skip, Outcome::Refused, Outcome::Refused, Outcome::Refused, Outcome::Replace],
            why: "",
            peer: &[],
            unset: None,
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
            expect: [Outcome::Replace, Outcome::Replace, Outcome::Skip, Outcome::Skip, Outcome::Skip, Outcome::Keeps, Outcome::Keeps, Outcome::Replace],
            why: "Cloudflare cannot move a nameserver to another set",
            peer: &[],
            unset: None,
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
            expect: [Outcome::Skip, Outcome::Replace, Outcome::Refused, Outcome::Skip, Outcome::Refused, Outcome::Refused, Outcome::Refused, Outcome::Replace],
            why: "",
            peer: &[(Transition::Other, Outcome::Replace, ""), ],
            unset: None,
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
            expect: [Outcome::Skip, Outcome::Replace, Outcome::NoChange, Outcome::NoChange, Outcome::Refused, Outcome::Refused, Outcome::Refused, Outcome::Replace],
            why: "",
            peer: &[(Transition::Other, Outcome::Replace, ""), (Transition::Case, Outcome::Replace, "the official provider compares emails as written; Cloudflare compares them case-insensitively, so another case is the same member"), ],
            unset: None,
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
            expect: [Outcome::Skip, Outcome::InPlace, Outcome::Refused, Outcome::NoChange, Outcome::Refused, Outcome::Refused, Outcome::Refused, Outcome::InPlace],
            why: "exactly one of roles and policies: the lane sets no policies, so roles cannot be left out",
            peer: &[(Transition::Other, Outcome::InPlace, ""), ],
            unset: None,
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
            expect: [Outcome::Skip, Outcome::InPlace, Outcome::Skip, Outcome::Skip, Outcome::Refused, Outcome::Refused, Outcome::Refused, Outcome::InPlace],
            why: "exactly one of roles and policies: the lane sets no roles, so policies cannot be left out",
            peer: &[(Transition::Other, Outcome::InPlace, ""), ],
            unset: None,
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
            // What the member holds already satisfies: `pending` again.
            equivalent: fixed(json!("pending")),
            expect: [Outcome::Replace, Outcome::NoChange, Outcome::Refused, Outcome::NoChange, Outcome::Refused, Outcome::Keeps, Outcome::Keeps, Outcome::NoChange],
            why: "an invitation cannot become a direct grant: `accepted` asked of a pending member replaces it; an accepted member already is what `pending` asks for (its invitation was accepted)",
            peer: &[
                (Transition::Other, Outcome::Replace, "the official provider removes the accepted member and invites it again, taking its access away until it accepts; nothing is left to do"),
                (Transition::Removed, Outcome::Keeps, ""),
            ],
            unset: None,
            api: |i, s| member(i, s)["status"].clone(),
            // `pending` is an invitation, or the member who accepted it.
            meaning: |v| (v != "pending").then(|| v.clone()),
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
            expect: [Outcome::Skip, Outcome::Replace, Outcome::NoChange, Outcome::NoChange, Outcome::Refused, Outcome::Refused, Outcome::Refused, Outcome::Replace],
            why: "Cloudflare cannot rename or delete a user: another address is another user",
            peer: &[],
            unset: None,
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
            expect: [Outcome::Skip, Outcome::Replace, Outcome::Refused, Outcome::Skip, Outcome::Refused, Outcome::Refused, Outcome::Refused, Outcome::Replace],
            why: "",
            peer: &[(Transition::Other, Outcome::Replace, ""), ],
            unset: None,
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
            // The API's own word for the plan, which an import holds.
            equivalent: fixed(json!("pro")),
            expect: [Outcome::Skip, Outcome::InPlace, Outcome::NoChange, Outcome::NoChange, Outcome::Refused, Outcome::Refused, Outcome::Refused, Outcome::InPlace],
            why: "the equivalent spelling is the API's own word for the plan, which an import holds",
            peer: &[(Transition::Other, Outcome::InPlace, ""), ],
            unset: None,
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
            expect: [Outcome::InPlace, Outcome::InPlace, Outcome::Refused, Outcome::NoChange, Outcome::Refused, Outcome::InPlace, Outcome::NoChange, Outcome::InPlace],
            why: "no frequency is `monthly`, what a new subscription gets: billing follows the configuration",
            peer: &[(Transition::Other, Outcome::InPlace, ""), ],
            unset: Some(json!("monthly")),
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
            expect: [Outcome::InPlace, Outcome::InPlace, Outcome::Skip, Outcome::Skip, Outcome::InPlace, Outcome::InPlace, Outcome::NoChange, Outcome::InPlace],
            why: "a component not listed is at the plan's default: `[]` and no line take every extra back",
            peer: &[],
            unset: Some(json!([])),
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
            expect: [Outcome::Skip, Outcome::Replace, Outcome::Refused, Outcome::Skip, Outcome::Refused, Outcome::Refused, Outcome::Refused, Outcome::Replace],
            why: "",
            peer: &[(Transition::Other, Outcome::Replace, ""), ],
            unset: None,
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
            expect: [Outcome::Skip, Outcome::InPlace, Outcome::NoChange, Outcome::NoChange, Outcome::Refused, Outcome::Refused, Outcome::Refused, Outcome::InPlace],
            why: "",
            peer: &[(Transition::Other, Outcome::InPlace, ""), ],
            unset: None,
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
            expect: [Outcome::InPlace, Outcome::InPlace, Outcome::Refused, Outcome::NoChange, Outcome::Refused, Outcome::InPlace, Outcome::NoChange, Outcome::InPlace],
            why: "no frequency is `monthly`, what a new subscription gets",
            peer: &[(Transition::Other, Outcome::InPlace, ""), ],
            unset: Some(json!("monthly")),
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
            expect: [Outcome::InPlace, Outcome::InPlace, Outcome::Skip, Outcome::Skip, Outcome::InPlace, Outcome::InPlace, Outcome::NoChange, Outcome::InPlace],
            why: "",
            peer: &[],
            unset: Some(json!([])),
            api: |i, s| extras(&account_subscription(i, s)),
            meaning: |v| Some(asked_extras(v, SEAT_DEFAULTS)),
        },
    ];
    // Configuration-only switches: they change the state, never the API.
    for attribute in ["force_destroy", "allow_duplicate_name"] {
        lanes.push(Lane {
            resource: "cftenant_account",
            attribute,
            others: "name = \"Matrix {lane}\"",
            set: Sample::Fixed(json!(true)),
            other: Sample::Fixed(json!(false)),
            again: None,
            equivalent: None,
            expect: [
                Outcome::InPlace,
                Outcome::InPlace,
                Outcome::Skip,
                Outcome::Skip,
                Outcome::Skip,
                Outcome::InPlace,
                Outcome::NoChange,
                Outcome::InPlace,
            ],
            why: "a switch of the provider's own, held in state only: no request is made for it",
            peer: &[],
            unset: None,
            api: |_, _| Json::Null,
            meaning: |_| None,
        });
    }
    for kyc in [
        "business_name",
        "business_address",
        "business_email",
        "business_phone",
        "external_metadata",
    ] {
        lanes.push(kyc_lane(kyc));
    }
    lanes.extend(dns_settings_lanes());
    lanes
}

/// Cloudflare's defaults of a zone's DNS settings (what the inventory does
/// not list).
fn dns_defaults() -> Json {
    json!({
        "flatten_all_cnames": false, "multi_provider": false, "secondary_overrides": false,
        "ns_ttl": 86400, "zone_mode": "standard", "nameservers": {"type": "cloudflare.standard"},
        "soa": {"expire": 604800, "min_ttl": 1800, "mname": null, "refresh": 10000, "retry": 2400,
                "rname": "dns.cloudflare.com", "ttl": 3600},
    })
}

/// A zone's DNS settings: listed when they differ from the defaults.
fn zone_dns(inv: &Json, state: &Json) -> Json {
    inv["zone_dns_settings"]
        .as_array()
        .and_then(|a| a.iter().find(|o| o["zone_id"] == state["zone_id"]))
        .cloned()
        .unwrap_or_else(dns_defaults)
}

/// An account's zone defaults: listed when they differ from the defaults.
fn account_dns(inv: &Json, state: &Json) -> Json {
    inv["account_dns_settings"]
        .as_array()
        .and_then(|a| a.iter().find(|o| o["account_id"] == state["account_id"]))
        .map(|o| o["zone_defaults"].clone())
        .unwrap_or_else(dns_defaults)
}

/// A nested object as a variable gives it: every attribute, null where unset.
fn object_of(names: &[&str], set: Json) -> Json {
    let mut object: serde_json::Map<String, Json> =
        names.iter().map(|n| (n.to_string(), Json::Null)).collect();
    for (k, v) in set.as_object().into_iter().flatten() {
        object.insert(k.clone(), v.clone());
    }
    Json::Object(object)
}

const SOA: &[&str] = &[
    "expire", "min_ttl", "mname", "refresh", "retry", "rname", "ttl",
];
const ZONE_DEFAULTS_ATTRIBUTES: &[&str] = &[
    "flatten_all_cnames",
    "multi_provider",
    "secondary_overrides",
    "ns_ttl",
    "zone_mode",
    "soa",
    "nameservers",
];

/// The DNS settings: every setting left out keeps Cloudflare's value, and
/// no change replaces the settings except another account or zone. Null
/// stops managing a setting (its value stays; a destroy no longer resets
/// it), an update that sends nothing.
fn dns_settings_lanes() -> Vec<Lane> {
    use Outcome::*;
    let setting = [InPlace, InPlace, Skip, Skip, Skip, Forgets, Keeps, InPlace];
    let mut lanes = vec![
        Lane {
            resource: "cftenant_account_dns_settings",
            attribute: "account_id",
            others: "",
            set: Sample::Id("parent_a"),
            other: Sample::Id("parent_b"),
            again: None,
            equivalent: None,
            expect: [
                Skip, Replace, Refused, Skip, Refused, Refused, Refused, Replace,
            ],
            why: "",
            peer: &[],
            unset: None,
            api: |i, s| find(i, "accounts", "id", &s["account_id"])["id"].clone(),
            meaning: same,
        },
        Lane {
            resource: "cftenant_account_dns_settings",
            attribute: "zone_defaults",
            others: "account_id = cftenant_account.dns_zone_defaults.id",
            set: Sample::Fixed(object_of(ZONE_DEFAULTS_ATTRIBUTES, json!({"ns_ttl": 3600}))),
            other: Sample::Fixed(object_of(ZONE_DEFAULTS_ATTRIBUTES, json!({"ns_ttl": 7200}))),
            again: None,
            equivalent: None,
            expect: setting,
            why: "",
            peer: &[],
            unset: None,
            api: |i, s| account_dns(i, s)["ns_ttl"].clone(),
            meaning: |v| Some(v["ns_ttl"].clone()),
        },
        Lane {
            resource: "cftenant_zone_dns_settings",
            attribute: "zone_id",
            others: "",
            set: Sample::Id("zone_a"),
            other: Sample::Id("zone_b"),
            again: None,
            equivalent: None,
            expect: [
                Skip, Replace, Refused, Skip, Refused, Refused, Refused, Replace,
            ],
            why: "",
            peer: &[],
            unset: None,
            api: |i, s| find(i, "zones", "id", &s["zone_id"])["id"].clone(),
            meaning: same,
        },
        Lane {
            resource: "cftenant_zone_dns_settings",
            attribute: "ns_ttl",
            others: "zone_id = cftenant_zone.dns_ns_ttl.id",
            set: Sample::Fixed(json!(3600)),
            other: Sample::Fixed(json!(7200)),
            again: None,
            equivalent: None,
            expect: setting,
            why: "",
            peer: &[],
            unset: None,
            api: |i, s| zone_dns(i, s)["ns_ttl"].clone(),
            meaning: same,
        },
        Lane {
            resource: "cftenant_zone_dns_settings",
            attribute: "zone_mode",
            others: "zone_id = cftenant_zone.dns_zone_mode.id",
            set: Sample::Fixed(json!("dns_only")),
            other: Sample::Fixed(json!("cdn_only")),
            again: None,
            equivalent: None,
            expect: [
                InPlace, InPlace, Refused, Skip, Refused, Forgets, Keeps, InPlace,
            ],
            why: "Cloudflare's words are lowercase",
            peer: &[],
            unset: None,
            api: |i, s| zone_dns(i, s)["zone_mode"].clone(),
            meaning: same,
        },
        Lane {
            resource: "cftenant_zone_dns_settings",
            attribute: "nameservers",
            others: "zone_id = cftenant_zone.dns_nameservers.id",
            set: Sample::Fixed(json!({"type": "custom.account", "ns_set": 2})),
            other: Sample::Fixed(json!({"type": "cloudflare.standard", "ns_set": null})),
            again: None,
            equivalent: None,
            expect: setting,
            why: "",
            peer: &[],
            unset: None,
            api: |i, s| zone_dns(i, s)["nameservers"].clone(),
            // A Cloudflare type has no set.
            meaning: |v| {
                let mut meant = json!({"type": v["type"]});
                if !v["ns_set"].is_null() {
                    meant["ns_set"] = v["ns_set"].clone();
                }
                Some(meant)
            },
        },
        Lane {
            resource: "cftenant_zone_dns_settings",
            attribute: "soa",
            others: "zone_id = cftenant_zone.dns_soa.id",
            set: Sample::Fixed(object_of(SOA, json!({"ttl": 1800}))),
            other: Sample::Fixed(object_of(SOA, json!({"ttl": 900}))),
            again: None,
            equivalent: None,
            expect: setting,
            why: "",
            peer: &[],
            unset: None,
            api: |i, s| zone_dns(i, s)["soa"]["ttl"].clone(),
            meaning: |v| Some(v["ttl"].clone()),
        },
    ];
    for attribute in [
        "flatten_all_cnames",
        "multi_provider",
        "secondary_overrides",
    ] {
        lanes.push(Lane {
            resource: "cftenant_zone_dns_settings",
            attribute,
            others: match attribute {
                "flatten_all_cnames" => "zone_id = cftenant_zone.dns_flatten_all_cnames.id",
                "multi_provider" => "zone_id = cftenant_zone.dns_multi_provider.id",
                _ => "zone_id = cftenant_zone.dns_secondary_overrides.id",
            },
            set: Sample::Fixed(json!(true)),
            other: Sample::Fixed(json!(false)),
            again: None,
            equivalent: None,
            expect: setting,
            why: "",
            peer: &[],
            unset: None,
            api: match attribute {
                "flatten_all_cnames" => |i, s| zone_dns(i, s)["flatten_all_cnames"].clone(),
                "multi_provider" => |i, s| zone_dns(i, s)["multi_provider"].clone(),
                _ => |i, s| zone_dns(i, s)["secondary_overrides"].clone(),
            },
            meaning: same,
        });
    }
    lanes
}

/// The parents lanes stand on: accounts, zones for zone plans, accounts for
/// add-ons (one subscription per plan per account, so one each).
const PARENTS: &str = r#"
resource "cftenant_account" "parent_a" {
  name = "Matrix Parent A"
  # Cloudflare changes a zone's type on enterprise accounts only.
  type = "enterprise"
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
resource "cftenant_account" "dns_zone_defaults" {
  name = "Matrix DNS Zone Defaults"
}
resource "cftenant_zone" "dns_ns_ttl" {
  account_id = cftenant_account.parent_b.id
  name       = "dns-ns-ttl-matrix.com"
}
resource "cftenant_zone" "dns_zone_mode" {
  account_id = cftenant_account.parent_b.id
  name       = "dns-zone-mode-matrix.com"
}
resource "cftenant_zone" "dns_nameservers" {
  account_id = cftenant_account.parent_b.id
  name       = "dns-nameservers-matrix.com"
}
resource "cftenant_zone" "dns_soa" {
  account_id = cftenant_account.parent_b.id
  name       = "dns-soa-matrix.com"
}
resource "cftenant_zone" "dns_flatten_all_cnames" {
  account_id = cftenant_account.parent_b.id
  name       = "dns-flatten-all-cnames-matrix.com"
}
resource "cftenant_zone" "dns_multi_provider" {
  account_id = cftenant_account.parent_b.id
  name       = "dns-multi-provider-matrix.com"
}
resource "cftenant_zone" "dns_secondary_overrides" {
  account_id = cftenant_account.parent_b.id
  name       = "dns-secondary-overrides-matrix.com"
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
        let mut next = current.clone();
        let mut refused: Vec<&Lane> = Vec::new();
        let mut expect: BTreeMap<String, Outcome> = BTreeMap::new();
        for lane in &lanes {
            let schema = &schemas[lane.resource];
            let attr = attribute(schema, lane.attribute);
            let outcome = lane.expected(t);
            let Some(given) = given_at(lane, schema, attr, t, &ids) else {
                if outcome != Outcome::Skip {
                    failures.push(format!(
                        "{t:?} {}: the table expects {outcome:?}, but the transition does not apply to the attribute",
                        lane.address()
                    ));
                }
                continue;
            };
            if outcome == Outcome::Skip {
                failures.push(format!(
                    "{t:?} {}: the table skips a transition that applies to the attribute",
                    lane.address()
                ));
                continue;
            }
            figures.checked += 1;
            if outcome == Outcome::Refused {
                // Tried below, all at once; the value is never applied.
                refused.push(lane);
                expect.insert(lane.address(), Outcome::Refused);
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
            let want = match want {
                Outcome::Refused => continue,
                Outcome::Keeps => &Outcome::NoChange,
                Outcome::Forgets => &Outcome::InPlace,
                other => other,
            };
            let got = actions
                .get(&lane.address())
                .copied()
                .unwrap_or(Outcome::NoChange);
            if got != *want {
                failures.push(format!(
                    "{t:?} {}: the table says {want:?}, Terraform planned {got:?}{}",
                    lane.address(),
                    if lane.why.is_empty() {
                        String::new()
                    } else {
                        format!(" (the table's reason: {})", lane.why)
                    }
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
            let unchanged = matches!(
                lane.expected(t),
                Outcome::Skip
                    | Outcome::NoChange
                    | Outcome::Keeps
                    | Outcome::Forgets
                    | Outcome::Refused
            );
            let meant = match (&next[&lane.name()], api_before.get(&lane.name())) {
                // Nothing was to change: the API holds what it held.
                (_, Some(before)) if unchanged => Some(before.clone()),
                (Given::Value(v), _) if !v.is_null() => (lane.meaning)(v),
                // Null or no line, and a change: what no value means.
                _ => lane.unset.as_ref().and_then(|u| (lane.meaning)(u)),
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
        destroy_and_check(&ctx.ws, &ctx.sim);
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

#[test]
fn matrix_dns_settings() {
    run_matrix(
        group(&[
            "cftenant_account_dns_settings",
            "cftenant_zone_dns_settings",
        ]),
        "DNS settings",
    );
}

/// The table beside the official provider's behaviour: where the two differ,
/// the lane says why; where a reason is given, they do differ.
#[test]
fn the_table_agrees_with_the_official_provider_or_says_why() {
    let mut problems = Vec::new();
    let mut compared = 0;
    for lane in lanes() {
        for (t, theirs, why) in lane.peer {
            compared += 1;
            let ours = lane.expected(*t);
            let no_change = |o: Outcome| matches!(o, Outcome::NoChange | Outcome::Keeps);
            let same = ours == *theirs || (no_change(ours) && no_change(*theirs));
            match (same, why.is_empty()) {
                (true, true) | (false, false) => {}
                (false, true) => problems.push(format!(
                    "{} at {t:?}: the official provider plans {theirs:?}, the table {ours:?}, and no reason is given",
                    lane.address()
                )),
                (true, false) => problems.push(format!(
                    "{} at {t:?}: a difference from the official provider is explained, but there is none",
                    lane.address()
                )),
            }
        }
    }
    let explained = lanes()
        .iter()
        .flat_map(|l| l.peer.iter())
        .filter(|(_, _, why)| !why.is_empty())
        .count();
    println!("matrix against the official provider: compared={compared} differences_explained={explained}");
    assert!(compared >= 25, "only {compared} outcomes compared");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// An attribute created at a value other than what a new object gets, then
/// its line removed: what happens, and what Cloudflare then holds.
struct Removal {
    resource: &'static str,
    attribute: &'static str,
    /// The instance's other lines (HCL); `{name}` is the lane's name.
    others: &'static str,
    /// The attribute's line as first applied (HCL).
    line: String,
    /// The attribute as the simulator holds it.
    api: fn(&Json, &Json) -> Json,
    /// What it must still hold after the line is gone.
    holds: Json,
}

impl Removal {
    fn name(&self) -> String {
        format!(
            "removed_{}_{}",
            self.resource.trim_start_matches("cftenant_"),
            self.attribute
        )
    }
}

fn removals() -> Vec<Removal> {
    let an_account = "name = \"Matrix {name}\"";
    let a_zone = "account_id = cftenant_account.parent_a.id\nname = \"{name}-matrix.com\"";
    vec![
        Removal {
            resource: "cftenant_account",
            attribute: "type",
            others: an_account,
            line: "type = \"enterprise\"".into(),
            api: |i, s| account(i, s)["type"].clone(),
            holds: json!("enterprise"),
        },
        Removal {
            resource: "cftenant_account",
            attribute: "unit_id",
            others: an_account,
            line: format!("unit_id = \"{}\"", cftenant_testing::UNIT_2),
            api: |i, s| account(i, s)["unit_tag"].clone(),
            holds: json!(cftenant_testing::UNIT_2),
        },
        Removal {
            resource: "cftenant_account",
            attribute: "enforce_twofactor",
            others: an_account,
            line: "enforce_twofactor = true".into(),
            api: |i, s| account(i, s)["settings"]["enforce_twofactor"].clone(),
            holds: json!(true),
        },
        Removal {
            resource: "cftenant_account",
            attribute: "abuse_contact_email",
            others: an_account,
            line: "abuse_contact_email = \"abuse@removed-example.com\"".into(),
            api: |i, s| account(i, s)["settings"]["abuse_contact_email"].clone(),
            holds: json!("abuse@removed-example.com"),
        },
        Removal {
            resource: "cftenant_account",
            attribute: "business_name",
            others: an_account,
            line: "business_name = \"Removed Ltd\"".into(),
            api: |i, s| account(i, s)["profile"]["business_name"].clone(),
            holds: json!("Removed Ltd"),
        },
        Removal {
            resource: "cftenant_zone",
            attribute: "type",
            others: a_zone,
            line: "type = \"partial\"".into(),
            api: |i, s| zone(i, s)["type"].clone(),
            holds: json!("partial"),
        },
        Removal {
            resource: "cftenant_zone",
            attribute: "paused",
            others: a_zone,
            line: "paused = true".into(),
            api: |i, s| zone(i, s)["paused"].clone(),
            holds: json!(true),
        },
        Removal {
            resource: "cftenant_account_member",
            attribute: "status",
            others: "account_id = cftenant_account.parent_a.id\nemail = \"{name}@matrix-example.com\"\nroles = [\"05784afa30c1afe1440e79d9351c7430\"]",
            line: "status = \"accepted\"".into(),
            api: |i, s| member(i, s)["status"].clone(),
            holds: json!("accepted"),
        },
        Removal {
            resource: "cftenant_tenant_custom_nameserver",
            attribute: "ns_set",
            others: "tenant_id = \"7d0a0a5b2c1e4f3a9b8c6d5e4f3a2b1c\"\nns_name = \"ns-{name}.zone-a-matrix.com\"",
            line: "ns_set = 3".into(),
            api: |i, s| custom_ns(i, s)["ns_set"].clone(),
            holds: json!(3),
        },
    ]
}

fn removal_config(removals: &[Removal], with_line: bool) -> String {
    let mut hcl = String::from(PARENTS);
    for r in removals {
        let name = r.name();
        writeln!(hcl, "resource \"{}\" \"{name}\" {{", r.resource).unwrap();
        for line in r.others.replace("{name}", &name.replace('_', "-")).lines() {
            writeln!(hcl, "  {line}").unwrap();
        }
        if with_line {
            writeln!(hcl, "  {}", r.line).unwrap();
        }
        hcl.push_str("}\n");
    }
    hcl
}

/// Every optional attribute whose change replaces its object (or did in an
/// earlier release), or whose removal once cleared a customer's value: set,
/// then its line removed. Nothing is replaced or changed, and Cloudflare
/// keeps the value.
#[test]
fn matrix_line_removed_keeps_every_object() {
    let ctx = Ctx::with_sim_args(&["--allow-auto-accept-invites"]);
    let removals = removals();
    // The parents first: a custom nameserver needs its zone.
    ctx.ws.write_config(PARENTS);
    ctx.ws.apply();
    ctx.ws.write_config(&removal_config(&removals, true));
    ctx.ws.apply();
    ctx.ws.assert_plan_empty();
    let address = |r: &Removal| format!("{}.{}", r.resource, r.name());
    let ids: BTreeMap<String, Json> = ctx
        .ws
        .state()
        .into_iter()
        .map(|(a, v)| (a, v["id"].clone()))
        .collect();
    let inventory = ctx.sim.state();
    let state = ctx.ws.state();
    for r in &removals {
        let held = (r.api)(&inventory, &state[&address(r)]);
        assert_eq!(held, r.holds, "{}: applied with `{}`", address(r), r.line);
    }

    ctx.ws.write_config(&removal_config(&removals, false));
    let changes = ctx.ws.planned_changes();
    let mut failures = Vec::new();
    for r in &removals {
        let action = changes.0.get(&address(r)).map(|c| c["actions"].clone());
        if action != Some(json!(["no-op"])) {
            failures.push(format!(
                "{}: removing `{}` plans {action:?}, not no-op",
                address(r),
                r.line
            ));
        }
    }
    assert_eq!(
        changes.totals(),
        (0, 0, 0),
        "removing lines plans changes: {}",
        failures.join("\n")
    );
    ctx.ws.apply();
    ctx.ws.assert_plan_empty();
    let inventory = ctx.sim.state();
    let state = ctx.ws.state();
    for r in &removals {
        let a = address(r);
        assert_eq!(state[&a]["id"], ids[&a], "{a} is another object");
        let held = (r.api)(&inventory, &state[&a]);
        if held != r.holds {
            failures.push(format!(
                "{a}: Cloudflare holds {held} after `{}` was removed",
                r.line
            ));
        }
    }
    println!(
        "matrix line removed: lanes={} replaced=0 changed=0 failures={}",
        removals.len(),
        failures.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    destroy_and_check(&ctx.ws, &ctx.sim);
}
