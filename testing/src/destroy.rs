//! What a `terraform destroy` must leave on the API, judged from the
//! simulator's inventory (`GET /__sim/state`) before and after it.
//!
//! [`DESTROY_CHECKS`] is the one place that says, for every resource type of
//! the provider, which object of the inventory a resource of that type
//! stands for (read from its state values) and what a destroy leaves of it:
//! nothing, or (a zone subscription) the zone back on the free plan.
//! `cftenant_service_user` is the one exception, listed as [`After::Kept`]:
//! Cloudflare cannot delete users, so a destroy only forgets them. A
//! resource type missing from the table fails the check, naming the type
//! and this file; `tests/e2e/coverage.rs` holds the table to the list of
//! resource types the provider registers.
//!
//! [`check`] compares the whole inventory, not only what the state held:
//! every object the state held is gone (or left as its check allows), every
//! object it did not hold is still there, unchanged, and nothing new
//! appeared. So a destroy that deletes a neighbour, or creates something on
//! its way out, fails as surely as one that leaves its own objects behind.
//! The one thing not held that may go is what lies in an object the destroy
//! deleted ([`UNDER`]): Cloudflare deletes an account with its members,
//! zones and subscriptions, and a zone with its subscription record.

use serde_json::Value as Json;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// The kinds of object the inventory lists, each with the fields that name
/// one of them (docs/SIMULATOR.md, `GET /__sim/state`).
pub const KINDS: &[(&str, &[&str])] = &[
    ("accounts", &["id"]),
    ("members", &["account_id", "id"]),
    ("users", &["id"]),
    ("zones", &["id"]),
    ("zone_subscriptions", &["zone_id"]),
    ("account_subscriptions", &["account_id", "id"]),
    ("custom_nameservers", &["tenant_tag", "ns_name"]),
    ("account_dns_settings", &["account_id"]),
    ("zone_dns_settings", &["zone_id"]),
];

/// What the API deletes along with the object it lies in: (kind, the kind
/// of its parent, a JSON pointer to the parent's id in the object).
/// Deleting an account takes its members, zones, subscriptions and DNS
/// settings with it; deleting a zone, its subscription record and DNS
/// settings.
pub const UNDER: &[(&str, &str, &str)] = &[
    ("members", "accounts", "/account_id"),
    ("zones", "accounts", "/account/id"),
    ("account_subscriptions", "accounts", "/account_id"),
    ("zone_subscriptions", "zones", "/zone_id"),
    ("account_dns_settings", "accounts", "/account_id"),
    ("zone_dns_settings", "zones", "/zone_id"),
];

/// What else the inventory shows: the tenant, its entitlements and its
/// administrator. No resource creates or deletes them, and the
/// administrator's `has_*_zones` flags follow the zones, so they are not
/// compared.
pub const NOT_COMPARED: &[&str] = &["tenant", "entitlements", "admin_user"];

/// One object of the inventory: its kind and the values of the fields that
/// name it ([`KINDS`]), joined by `/`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ObjectKey {
    pub kind: &'static str,
    pub id: String,
}

impl fmt::Display for ObjectKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.kind, self.id)
    }
}

fn naming_fields(kind: &str) -> &'static [&'static str] {
    KINDS
        .iter()
        .find(|(k, _)| *k == kind)
        .map(|(_, fields)| *fields)
        .unwrap_or_else(|| panic!("`{kind}` is not a kind of the inventory (destroy::KINDS)"))
}

/// The simulator's inventory, object by object.
#[derive(Clone, Debug, Default)]
pub struct Inventory(pub BTreeMap<ObjectKey, Json>);

impl Inventory {
    /// Reads `GET /__sim/state`. Every kind of [`KINDS`] must be there as a
    /// list (a missing list is a broken inventory, not an empty one), and
    /// nothing may be there that this module does not know.
    #[track_caller]
    pub fn read(state: &Json) -> Inventory {
        let top = state
            .as_object()
            .unwrap_or_else(|| panic!("GET /__sim/state is not an object: {state}"));
        for name in top.keys() {
            assert!(
                KINDS.iter().any(|(k, _)| k == name) || NOT_COMPARED.contains(&name.as_str()),
                "GET /__sim/state lists `{name}`, which testing/src/destroy.rs does not know: \
                 add it to KINDS (with the fields that name one) so that destroys are checked against it"
            );
        }
        let mut objects = BTreeMap::new();
        for (kind, fields) in KINDS {
            let list = state[*kind].as_array().unwrap_or_else(|| {
                panic!("GET /__sim/state has no `{kind}` list (a missing list is not an empty one): {state}")
            });
            for object in list {
                let id = fields
                    .iter()
                    .map(|field| {
                        object[*field].as_str().map(str::to_string).unwrap_or_else(|| {
                            panic!("an object of `{kind}` in GET /__sim/state has no `{field}` string: {object}")
                        })
                    })
                    .collect::<Vec<_>>()
                    .join("/");
                let key = ObjectKey { kind, id };
                if let Some(twin) = objects.insert(key.clone(), object.clone()) {
                    panic!("GET /__sim/state lists {key} twice: {twin} and {object}");
                }
            }
        }
        Inventory(objects)
    }

    pub fn get(&self, key: &ObjectKey) -> Option<&Json> {
        self.0.get(key)
    }
}

/// What a destroy leaves of a resource's object.
#[derive(Clone, Copy)]
pub enum After {
    /// Deleted: gone from the inventory.
    Gone,
    /// Gone from the inventory, or still in it in a form that means gone.
    GoneOr {
        /// That form, for messages: e.g. "on the free plan".
        what: &'static str,
        /// Whether an object of the inventory is in that form.
        gone: fn(&Json) -> bool,
        /// Whether a resource's state values stand for that form, which
        /// the inventory need not hold at all (a zone that never had a paid
        /// plan has no subscription record).
        held_gone: fn(&Json) -> bool,
    },
    /// The API cannot delete it: a destroy only removes it from the state,
    /// and it stays on the API unchanged.
    Kept { why: &'static str },
}

/// How one resource type is checked after a destroy.
pub struct DestroyCheck {
    pub resource_type: &'static str,
    /// The inventory kind of the object a resource of this type stands for,
    pub kind: &'static str,
    /// and the state attributes that name it, in the order of the kind's
    /// fields in [`KINDS`].
    pub named_by: &'static [&'static str],
    pub after: After,
    /// Other objects the destroy may change, and in which fields: (kind,
    /// the state attributes that name the object, its fields). A zone shows
    /// its subscription's plan.
    pub changes: &'static [(
        &'static str,
        &'static [&'static str],
        &'static [&'static str],
    )],
}

/// Every resource type of the provider, and what a destroy leaves of it.
pub const DESTROY_CHECKS: &[DestroyCheck] = &[
    DestroyCheck {
        resource_type: "cftenant_account",
        kind: "accounts",
        named_by: &["id"],
        after: After::Gone,
        changes: &[],
    },
    DestroyCheck {
        resource_type: "cftenant_account_member",
        kind: "members",
        named_by: &["account_id", "id"],
        after: After::Gone,
        changes: &[],
    },
    DestroyCheck {
        resource_type: "cftenant_zone",
        kind: "zones",
        named_by: &["id"],
        after: After::Gone,
        changes: &[],
    },
    DestroyCheck {
        resource_type: "cftenant_zone_subscription",
        kind: "zone_subscriptions",
        named_by: &["zone_id"],
        after: After::GoneOr {
            what: "on the free plan",
            gone: |subscription| subscription["rate_plan"]["id"] == "free",
            held_gone: |values| {
                values["rate_plan_id"].as_str().is_some_and(|plan| {
                    plan.eq_ignore_ascii_case("free") || plan.eq_ignore_ascii_case("PARTNERS_FREE")
                })
            },
        },
        // A zone shows its plan, and the quotas that come with it.
        changes: &[("zones", &["zone_id"], &["plan", "meta"])],
    },
    DestroyCheck {
        resource_type: "cftenant_account_subscription",
        kind: "account_subscriptions",
        named_by: &["account_id", "id"],
        after: After::Gone,
        changes: &[],
    },
    DestroyCheck {
        resource_type: "cftenant_tenant_custom_nameserver",
        kind: "custom_nameservers",
        named_by: &["tenant_id", "ns_name"],
        after: After::Gone,
        changes: &[],
    },
    // DNS settings always exist: the inventory lists those that differ from
    // Cloudflare's defaults, and a destroy returns them there.
    DestroyCheck {
        resource_type: "cftenant_account_dns_settings",
        kind: "account_dns_settings",
        named_by: &["account_id"],
        after: After::GoneOr {
            what: "at Cloudflare's defaults",
            gone: |settings| default_dns_settings(&settings["zone_defaults"]),
            held_gone: |values| default_dns_settings(&values["zone_defaults"]),
        },
        changes: &[],
    },
    DestroyCheck {
        resource_type: "cftenant_zone_dns_settings",
        kind: "zone_dns_settings",
        named_by: &["zone_id"],
        after: After::GoneOr {
            what: "at Cloudflare's defaults",
            gone: default_dns_settings,
            held_gone: default_dns_settings,
        },
        changes: &[],
    },
    // The one exception.
    DestroyCheck {
        resource_type: "cftenant_service_user",
        kind: "users",
        named_by: &["id"],
        after: After::Kept {
            why: "Cloudflare has no API call that deletes a user: a destroy only removes it from the state",
        },
        changes: &[],
    },
];

/// Whether DNS settings (as the API answers them, or as a resource's state
/// holds them) are Cloudflare's documented defaults, in every field the
/// resources manage.
fn default_dns_settings(settings: &Json) -> bool {
    let soa = &settings["soa"];
    settings["flatten_all_cnames"] == false
        && settings["multi_provider"] == false
        && settings["secondary_overrides"] == false
        && settings["ns_ttl"] == 86400
        && settings["zone_mode"] == "standard"
        && settings["nameservers"]["type"] == "cloudflare.standard"
        && soa["expire"] == 604800
        && soa["min_ttl"] == 1800
        && soa["mname"].is_null()
        && soa["refresh"] == 10000
        && soa["retry"] == 2400
        && soa["rname"] == "dns.cloudflare.com"
        && soa["ttl"] == 3600
}

/// The check of one resource type; panics, naming the type and where to
/// add its check, when there is none.
#[track_caller]
pub fn destroy_check(resource_type: &str) -> &'static DestroyCheck {
    DESTROY_CHECKS
        .iter()
        .find(|c| c.resource_type == resource_type)
        .unwrap_or_else(|| {
            panic!(
                "no destroy check for resource type `{resource_type}`: add one to DESTROY_CHECKS in \
                 testing/src/destroy.rs saying which object of GET /__sim/state it stands for and what a \
                 destroy leaves of it (After::Kept, with the reason, if Cloudflare cannot delete it)"
            )
        })
}

/// The resource type of a managed resource's address (`module.m["k"].cftenant_zone.z["a.b"]`
/// → `cftenant_zone`); `None` for a data source.
pub fn resource_type(address: &str) -> Option<&str> {
    // Instance keys may hold dots: split outside brackets and quotes only.
    let mut segments = Vec::new();
    let (mut depth, mut quoted, mut start) = (0usize, false, Some(0));
    let mut escaped = false;
    for (i, c) in address.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            '[' if !quoted => {
                if let Some(s) = start.take() {
                    segments.push(&address[s..i]);
                }
                depth += 1;
            }
            ']' if !quoted => depth -= 1,
            '.' if !quoted && depth == 0 => {
                if let Some(s) = start.take() {
                    segments.push(&address[s..i]);
                }
                start = Some(i + 1);
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        segments.push(&address[s..]);
    }
    let mut segments = segments.into_iter().filter(|s| !s.is_empty());
    while let Some(segment) = segments.next() {
        match segment {
            "module" => {
                segments.next();
            }
            "data" => return None,
            resource_type => return Some(resource_type),
        }
    }
    None
}

impl DestroyCheck {
    fn key(
        &self,
        kind: &'static str,
        named_by: &[&str],
        values: &Json,
    ) -> Result<ObjectKey, String> {
        let fields = naming_fields(kind);
        if fields.len() != named_by.len() {
            return Err(format!(
                "the destroy check of {} names {kind} by {named_by:?}, but they are named by {fields:?} (destroy::KINDS)",
                self.resource_type
            ));
        }
        let id = named_by
            .iter()
            .map(|attribute| {
                values[*attribute]
                    .as_str()
                    .map(str::to_string)
                    .ok_or_else(|| {
                        format!(
                            "its `{attribute}` is not a string in the state: {}",
                            values[*attribute]
                        )
                    })
            })
            .collect::<Result<Vec<_>, _>>()?
            .join("/");
        Ok(ObjectKey { kind, id })
    }

    /// The object a resource with these state values stands for.
    pub fn object(&self, values: &Json) -> Result<ObjectKey, String> {
        self.key(self.kind, self.named_by, values)
    }
}

/// The object `object` (of `kind`) lies in, by [`UNDER`].
fn parent(kind: &str, object: &Json) -> Option<ObjectKey> {
    let (_, parent, pointer) = UNDER.iter().find(|(k, _, _)| *k == kind)?;
    let id = object.pointer(pointer)?.as_str()?;
    Some(ObjectKey {
        kind: parent,
        id: id.to_string(),
    })
}

/// The top-level fields in which two objects differ, `allowed` ones aside.
fn differences(before: &Json, after: &Json, allowed: &BTreeSet<&str>) -> Vec<String> {
    let (Some(b), Some(a)) = (before.as_object(), after.as_object()) else {
        return if before == after {
            Vec::new()
        } else {
            vec![format!("{before} then {after}")]
        };
    };
    let names: BTreeSet<&String> = b.keys().chain(a.keys()).collect();
    names
        .into_iter()
        .filter(|name| !allowed.contains(name.as_str()) && b.get(*name) != a.get(*name))
        .map(|name| {
            let show = |v: Option<&Json>| v.map_or("(absent)".to_string(), Json::to_string);
            format!("`{name}` {} then {}", show(b.get(name)), show(a.get(name)))
        })
        .collect()
}

/// Compares the inventory `before` a destroy with the one `after` it, given
/// the `state` (address → values, as `terraform show -json` gives them)
/// before it: what is wrong, if anything. Data sources are skipped, and so
/// are resources of other providers; a `cftenant_` type without a check
/// panics ([`destroy_check`]).
pub fn check(
    state: &BTreeMap<String, Json>,
    before: &Inventory,
    after: &Inventory,
) -> Result<(), Vec<String>> {
    let mut problems = Vec::new();
    let mut held: BTreeMap<ObjectKey, (&str, &DestroyCheck)> = BTreeMap::new();
    let mut may_change: BTreeMap<ObjectKey, BTreeSet<&str>> = BTreeMap::new();
    for (address, values) in state {
        let Some(resource_type) = resource_type(address) else {
            continue;
        };
        if !resource_type.starts_with("cftenant_") {
            continue;
        }
        let check = destroy_check(resource_type);
        let key = match check.object(values) {
            Ok(key) => key,
            Err(e) => {
                problems.push(format!("{address}: cannot tell which object it is: {e}"));
                continue;
            }
        };
        let held_gone = match check.after {
            After::GoneOr { held_gone, .. } => held_gone(values),
            _ => false,
        };
        if before.get(&key).is_none() && !held_gone {
            problems.push(format!(
                "{address}: its object ({key}) is not on the API before the destroy, so the check cannot \
                 tell whether the destroy removed it (does DESTROY_CHECKS name it by the right attributes?)"
            ));
        }
        for (kind, named_by, fields) in check.changes {
            match check.key(kind, named_by, values) {
                Ok(other) => may_change.entry(other).or_default().extend(fields.iter()),
                Err(e) => problems.push(format!("{address}: {e}")),
            }
        }
        held.insert(key, (address, check));
    }
    for (key, (address, check)) in &held {
        let left = after.get(key);
        match (check.after, left) {
            (After::Gone, Some(object)) => problems.push(format!(
                "{address} ({key}) is still on the API after destroy: {object}"
            )),
            (After::GoneOr { what, gone, .. }, Some(object)) if !gone(object) => {
                problems.push(format!(
                    "{address} ({key}) is still on the API after destroy, and not {what}: {object}"
                ))
            }
            (After::Kept { why }, None) if before.get(key).is_some() => problems.push(format!(
                "{address} ({key}) is gone after destroy, which cannot delete it ({why})"
            )),
            (After::Kept { .. }, Some(object)) => {
                if let Some(was) = before.get(key) {
                    let changed = differences(was, object, &BTreeSet::new());
                    if !changed.is_empty() {
                        problems.push(format!(
                            "{address} ({key}) is kept by a destroy, but it changed: {}",
                            changed.join("; ")
                        ));
                    }
                }
            }
            _ => {}
        }
    }
    // What lies in an object the destroy deleted may go with it (the API's
    // doing, and meant: an account is destroyed with what is in it), and
    // what lies in that, and so on.
    let mut deleted: BTreeSet<&ObjectKey> = held
        .iter()
        .filter(|(_, (_, check))| !matches!(check.after, After::Kept { .. }))
        .map(|(key, _)| key)
        .filter(|key| after.get(key).is_none())
        .collect();
    loop {
        let more: Vec<&ObjectKey> = before
            .0
            .iter()
            .filter(|(key, object)| {
                !deleted.contains(key)
                    && parent(key.kind, object).is_some_and(|p| deleted.contains(&p))
            })
            .map(|(key, _)| key)
            .collect();
        if more.is_empty() {
            break;
        }
        deleted.extend(more);
    }
    let none = BTreeSet::new();
    for (key, was) in &before.0 {
        if held.contains_key(key) {
            continue;
        }
        match after.get(key) {
            None if deleted.contains(key) => {}
            None => problems.push(format!(
                "{key} was not in the state, yet it is gone after destroy: {was}"
            )),
            Some(now) => {
                let changed = differences(was, now, may_change.get(key).unwrap_or(&none));
                if !changed.is_empty() {
                    problems.push(format!(
                        "{key} was not in the state, yet the destroy changed it: {}",
                        changed.join("; ")
                    ));
                }
            }
        }
    }
    for (key, object) in &after.0 {
        if before.get(key).is_none() {
            problems.push(format!("{key} appeared during the destroy: {object}"));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn inventory(objects: Json) -> Json {
        let mut state = json!({"tenant": {}, "entitlements": {}, "admin_user": {}});
        for (kind, _) in KINDS {
            state[*kind] = objects.get(*kind).cloned().unwrap_or(json!([]));
        }
        state
    }

    const ACCOUNT: &str = "a0000000000000000000000000000000";
    const OTHER: &str = "b0000000000000000000000000000000";
    const ZONE: &str = "c0000000000000000000000000000000";

    /// An account and a zone held by the state, another account not.
    fn estate() -> (BTreeMap<String, Json>, Json) {
        let state = BTreeMap::from([
            (
                "cftenant_account.a".to_string(),
                json!({"id": ACCOUNT, "name": "A"}),
            ),
            (
                "module.m[\"x.y\"].cftenant_zone.z".to_string(),
                json!({"id": ZONE}),
            ),
            ("data.cftenant_tenant.t".to_string(), json!({"id": "t"})),
        ]);
        let before = inventory(json!({
            "accounts": [{"id": ACCOUNT, "name": "A"}, {"id": OTHER, "name": "B"}],
            "zones": [{"id": ZONE, "plan": {"legacy_id": "business"}}],
            "zone_subscriptions": [{"zone_id": ZONE, "rate_plan": {"id": "PARTNERS_BIZ"}}],
        }));
        (state, before)
    }

    fn run(state: &BTreeMap<String, Json>, before: &Json, after: &Json) -> Result<(), Vec<String>> {
        check(state, &Inventory::read(before), &Inventory::read(after))
    }

    #[test]
    fn a_clean_destroy_passes() {
        let (state, before) = estate();
        // The zone's subscription went with the zone: it was under it.
        let mut state = state;
        state.insert(
            "cftenant_zone_subscription.s".into(),
            json!({"id": ZONE, "zone_id": ZONE}),
        );
        let after = inventory(json!({"accounts": [{"id": OTHER, "name": "B"}]}));
        run(&state, &before, &after).unwrap();
    }

    #[test]
    fn what_the_state_held_must_be_gone() {
        let (state, before) = estate();
        let after = inventory(json!({
            "accounts": [{"id": ACCOUNT, "name": "A"}, {"id": OTHER, "name": "B"}],
        }));
        let problems = run(&state, &before, &after).unwrap_err();
        assert_eq!(
            problems,
            [format!(
                "cftenant_account.a (accounts {ACCOUNT}) is still on the API after destroy: {}",
                json!({"id": ACCOUNT, "name": "A"})
            )]
        );
    }

    /// What lies in what the destroy deleted may go with it, however deep;
    /// what lies in something it kept may not.
    #[test]
    fn what_lies_in_a_deleted_object_may_go_with_it() {
        const MEMBER: &str = "e0000000000000000000000000000000";
        const OTHER_ZONE: &str = "f0000000000000000000000000000000";
        let state = BTreeMap::from([("cftenant_account.a".to_string(), json!({"id": ACCOUNT}))]);
        let before = inventory(json!({
            "accounts": [{"id": ACCOUNT}, {"id": OTHER}],
            "members": [{"account_id": ACCOUNT, "id": MEMBER}],
            "zones": [
                {"id": ZONE, "account": {"id": ACCOUNT}},
                {"id": OTHER_ZONE, "account": {"id": OTHER}},
            ],
            "zone_subscriptions": [
                {"zone_id": ZONE, "rate_plan": {"id": "enterprise"}},
                {"zone_id": OTHER_ZONE, "rate_plan": {"id": "enterprise"}},
            ],
        }));
        let kept = json!({
            "accounts": [{"id": OTHER}],
            "zones": [{"id": OTHER_ZONE, "account": {"id": OTHER}}],
            "zone_subscriptions": [{"zone_id": OTHER_ZONE, "rate_plan": {"id": "enterprise"}}],
        });
        run(&state, &before, &inventory(kept.clone())).unwrap();
        // The other account's zone subscription is not in what was deleted.
        let mut lost = kept.clone();
        lost["zone_subscriptions"] = json!([]);
        let problems = run(&state, &before, &inventory(lost)).unwrap_err();
        assert!(
            problems[0].starts_with(&format!(
                "zone_subscriptions {OTHER_ZONE} was not in the state, yet it is gone"
            )),
            "{problems:#?}"
        );
        // Nor is anything in an account the destroy failed to delete.
        let mut stayed = kept;
        stayed["accounts"] = json!([{"id": ACCOUNT}, {"id": OTHER}]);
        let problems = run(&state, &before, &inventory(stayed)).unwrap_err();
        assert!(
            problems.iter().any(|p| p.starts_with(&format!(
                "members {ACCOUNT}/{MEMBER} was not in the state, yet it is gone"
            ))),
            "{problems:#?}"
        );
    }

    #[test]
    fn a_zone_subscription_may_stay_on_the_free_plan_only() {
        let state = BTreeMap::from([(
            "cftenant_zone_subscription.s".to_string(),
            json!({"id": ZONE, "zone_id": ZONE}),
        )]);
        let before = inventory(json!({
            "zones": [{"id": ZONE, "plan": {"legacy_id": "business"}}],
            "zone_subscriptions": [{"zone_id": ZONE, "rate_plan": {"id": "PARTNERS_BIZ"}}],
        }));
        let free = inventory(json!({
            "zones": [{"id": ZONE, "plan": {"legacy_id": "free"}}],
            "zone_subscriptions": [{"zone_id": ZONE, "rate_plan": {"id": "free"}}],
        }));
        run(&state, &before, &free).unwrap();
        let gone = inventory(json!({"zones": [{"id": ZONE, "plan": {"legacy_id": "free"}}]}));
        run(&state, &before, &gone).unwrap();
        let problems = run(&state, &before, &before).unwrap_err();
        assert_eq!(problems.len(), 1, "{problems:#?}");
        assert!(
            problems[0].contains("and not on the free plan"),
            "{problems:#?}"
        );
        // A free plan held in the state may have no record at all; a paid
        // one must have had one.
        let free_zone = inventory(json!({"zones": [{"id": ZONE, "plan": {"legacy_id": "free"}}]}));
        for (plan, ok) in [
            ("free", true),
            ("PARTNERS_FREE", true),
            ("PARTNERS_BIZ", false),
        ] {
            let state = BTreeMap::from([(
                "cftenant_zone_subscription.s".to_string(),
                json!({"id": ZONE, "zone_id": ZONE, "rate_plan_id": plan}),
            )]);
            assert_eq!(run(&state, &free_zone, &free_zone).is_ok(), ok, "{plan}");
        }
    }

    #[test]
    fn strays_are_caught() {
        let (state, before) = estate();
        // The other account deleted, renamed or joined by a new one.
        for (after, says) in [
            (
                inventory(json!({})),
                "accounts b0000000000000000000000000000000 was not in the state, yet it is gone",
            ),
            (
                inventory(json!({"accounts": [{"id": OTHER, "name": "Renamed"}]})),
                "the destroy changed it: `name` \"B\" then \"Renamed\"",
            ),
            (
                inventory(
                    json!({"accounts": [{"id": OTHER, "name": "B"}, {"id": "d0000000000000000000000000000000"}]}),
                ),
                "accounts d0000000000000000000000000000000 appeared during the destroy",
            ),
        ] {
            let mut after = after;
            // The subscription was under the zone; keep it out of the way.
            after["zone_subscriptions"] = before["zone_subscriptions"].clone();
            let problems = run(&state, &before, &after).unwrap_err();
            assert!(
                problems.iter().any(|p| p.contains(says)),
                "{says}: {problems:#?}"
            );
        }
    }

    #[test]
    fn a_kept_user_must_stay_unchanged() {
        let state = BTreeMap::from([(
            "cftenant_service_user.u".to_string(),
            json!({"id": "u1", "email": "u@example.com"}),
        )]);
        let before = inventory(json!({"users": [{"id": "u1", "email": "u@example.com"}]}));
        run(&state, &before, &before).unwrap();
        let problems = run(&state, &before, &inventory(json!({}))).unwrap_err();
        assert!(
            problems[0].contains("is gone after destroy, which cannot delete it"),
            "{problems:#?}"
        );
    }

    #[test]
    fn an_object_the_check_cannot_find_before_is_a_problem() {
        let state =
            BTreeMap::from([("cftenant_account.a".to_string(), json!({"id": "not-there"}))]);
        let empty = inventory(json!({}));
        let problems = run(&state, &empty, &empty).unwrap_err();
        assert!(
            problems[0].contains("is not on the API before the destroy"),
            "{problems:#?}"
        );
        let state = BTreeMap::from([("cftenant_account.a".to_string(), json!({"id": null}))]);
        let problems = run(&state, &empty, &empty).unwrap_err();
        assert!(
            problems[0].contains("`id` is not a string"),
            "{problems:#?}"
        );
    }

    #[test]
    #[should_panic(
        expected = "no destroy check for resource type `cftenant_widget`: add one to DESTROY_CHECKS in testing/src/destroy.rs"
    )]
    fn an_unknown_resource_type_panics_naming_it() {
        let state = BTreeMap::from([("cftenant_widget.w".to_string(), json!({"id": "w"}))]);
        let empty = inventory(json!({}));
        let _ = run(&state, &empty, &empty);
    }

    #[test]
    #[should_panic(expected = "GET /__sim/state has no `members` list")]
    fn a_missing_list_is_a_failure_not_an_empty_one() {
        let mut state = inventory(json!({}));
        state.as_object_mut().unwrap().remove("members");
        Inventory::read(&state);
    }

    #[test]
    #[should_panic(
        expected = "GET /__sim/state lists `dns_records`, which testing/src/destroy.rs does not know"
    )]
    fn an_unknown_kind_is_a_failure() {
        let mut state = inventory(json!({}));
        state["dns_records"] = json!([]);
        Inventory::read(&state);
    }

    #[test]
    fn every_check_names_its_object_as_the_inventory_does() {
        for c in DESTROY_CHECKS {
            assert_eq!(
                naming_fields(c.kind).len(),
                c.named_by.len(),
                "{}: {} are named by {:?}",
                c.resource_type,
                c.kind,
                naming_fields(c.kind)
            );
            for (kind, named_by, _) in c.changes {
                assert_eq!(
                    naming_fields(kind).len(),
                    named_by.len(),
                    "{}",
                    c.resource_type
                );
            }
        }
    }

    #[test]
    fn resource_types_of_addresses() {
        assert_eq!(resource_type("cftenant_zone.z"), Some("cftenant_zone"));
        assert_eq!(
            resource_type("cftenant_zone.z[\"a.b\"]"),
            Some("cftenant_zone")
        );
        assert_eq!(
            resource_type("module.m[\"x.y\"].cftenant_zone.z[0]"),
            Some("cftenant_zone")
        );
        assert_eq!(
            resource_type("module.a.module.b.cftenant_account.x"),
            Some("cftenant_account")
        );
        assert_eq!(resource_type("data.cftenant_tenant.t"), None);
        assert_eq!(resource_type("module.m.data.cftenant_tenant.t"), None);
        assert_eq!(resource_type("terraform_data.x"), Some("terraform_data"));
    }
}
