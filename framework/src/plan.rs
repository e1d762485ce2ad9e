//! The generic half of planning, driven by the schema: defaults, which
//! computed values become unknown, and which changes force a replacement.
//! Resources add their own review on top (`Resource::review_plan`).

use crate::diag::Diagnostics;
use crate::schema::{Attribute, Nesting, Schema};
use crate::value::{AttrPath, PathStep, Value};

pub struct PlannedChange {
    pub planned: Value,
    pub requires_replace: Vec<AttrPath>,
}

/// Plans a change from `prior` (null when creating) to the configuration.
/// `proposed` is Terraform's proposal: the configuration, with prior values
/// for computed attributes the configuration leaves unset.
pub fn plan(schema: &Schema, prior: &Value, proposed: &Value, config: &Value) -> PlannedChange {
    if proposed.is_null() {
        // Destroy: nothing to plan.
        return PlannedChange {
            planned: Value::Null,
            requires_replace: Vec::new(),
        };
    }
    let creating = prior.is_null();
    let mut planned = proposed.clone();
    for a in &schema.attributes {
        if !config.attr(a.name).is_null() {
            plan_single_nested(a, prior.attr(a.name), config.attr(a.name), &mut planned);
            continue;
        }
        if let Some(d) = &a.default {
            planned.set_attr(a.name, d.clone());
        } else if a.computed && creating {
            let created = a.default_on_create.clone();
            planned.set_attr(a.name, created.unwrap_or(Value::Unknown));
        }
    }
    if creating {
        record_configuration(schema, prior, config, &mut planned);
        return PlannedChange {
            planned,
            requires_replace: Vec::new(),
        };
    }
    // A configured value that means the same as the prior one (another case
    // of an email, an alias of a plan) keeps the prior value: no change is
    // planned, and Terraform accepts a planned value equal to the prior one.
    keep_equivalent(schema, prior, &mut planned);
    // An unordered list in another order is planned as configured, but
    // changes nothing that depends on it.
    let changed = |name: &str| {
        let (new, old) = (planned.attr(name), prior.attr(name));
        let reordered = schema
            .attributes
            .iter()
            .any(|a| a.name == name && a.same_order_free(new, old));
        !new.semantically_equal(old) && !reordered
    };
    let mut requires_replace = Vec::new();
    let mut recomputed = Vec::new();
    for a in &schema.attributes {
        if a.requires_replace && changed(a.name) {
            requires_replace.push(AttrPath::attr(a.name));
        }
        if a.computed
            && config.attr(a.name).is_null()
            && a.unknown_when_changed.iter().any(|n| changed(n))
        {
            recomputed.push(a.name);
        }
    }
    for name in recomputed {
        planned.set_attr(name, Value::Unknown);
    }
    record_configuration(schema, prior, config, &mut planned);
    PlannedChange {
        planned,
        requires_replace,
    }
}

/// A value as a message quotes it, written as in the configuration:
/// `"enterprise"`, `5`, `true`.
fn shown(v: &Value) -> String {
    crate::value::from_value::<serde_json::Value>(v)
        .unwrap_or_default()
        .to_string()
}

/// [`shown`], or `(sensitive value)` for a sensitive attribute.
fn shown_unless(sensitive: bool, v: &Value) -> String {
    match sensitive {
        true => "(sensitive value)".into(),
        false => shown(v),
    }
}

/// A replacement of `prior` the provider plans (an attribute that replaces
/// changed): a warning for each attribute the configuration leaves unset
/// that the new object gets by default ([`Attribute::default_on_create`]),
/// unlike the old one. Removing the line kept the old object's value; a new
/// object cannot keep it. (Warned of here: Terraform drops the warnings of
/// the replacement's create half, planned again from a null prior.)
pub fn replacement_drops(schema: &Schema, prior: &Value, config: &Value) -> Diagnostics {
    let mut diags = Diagnostics::default();
    for a in &schema.attributes {
        let Some(default) = &a.default_on_create else {
            continue;
        };
        let held = prior.attr(a.name);
        if !config.attr(a.name).is_null()
            || held.is_null()
            || !held.is_wholly_known()
            || a.same_value(held, default)
        {
            continue;
        }
        let (held, default) = (shown(held), shown(default));
        diags.attr_warning(
            AttrPath::attr(a.name),
            format!("The replacement gets `{}` {default}, not {held}", a.name),
            format!(
                "The object being replaced has `{name} = {held}`, which the configuration no longer sets: removing the \
                 line kept its value, but a new object is created with {default}. Set `{name} = {held}` for the \
                 replacement to have it too.",
                name = a.name
            ),
        );
    }
    diags
}

/// Sets the attributes that record the configuration
/// ([`Attribute::configured_paths`]) to what this configuration sets, when
/// the plan changes anything else or the configuration's paths moved. An
/// object with no record yet (imported) keeps none until something else
/// changes: an import plans empty.
fn record_configuration(schema: &Schema, prior: &Value, config: &Value, planned: &mut Value) {
    let mut records = schema
        .attributes
        .iter()
        .filter(|a| a.records_configuration)
        .peekable();
    if records.peek().is_none() {
        return;
    }
    let mut paths = Vec::new();
    configured_paths(&schema.attributes, config, "", &mut paths);
    let record = Value::List(paths.into_iter().map(Value::String).collect());
    let others_change = schema
        .attributes
        .iter()
        .filter(|b| !b.records_configuration)
        .any(|b| !planned.attr(b.name).semantically_equal(prior.attr(b.name)));
    for a in records {
        let held = prior.attr(a.name);
        if prior.is_null() || others_change || (!held.is_null() && held != &record) {
            planned.set_attr(a.name, record.clone());
        } else {
            planned.set_attr(a.name, held.clone());
        }
    }
}

/// The dotted paths of the optional attributes `config` sets, inside
/// single nested objects too (`soa.ttl`), in schema order.
fn configured_paths(attributes: &[Attribute], config: &Value, prefix: &str, out: &mut Vec<String>) {
    for a in attributes.iter().filter(|a| a.optional) {
        let value = config.attr(a.name);
        if value.is_null() {
            continue;
        }
        let path = format!("{prefix}{}", a.name);
        match &a.nested {
            Some((Nesting::Single, inner)) if matches!(value, Value::Object(_)) => {
                configured_paths(inner, value, &format!("{path}."), out)
            }
            _ => out.push(path),
        }
    }
}

/// The computed attributes of a configured single nested object (and of
/// the objects nested in it) that the configuration leaves unset: Terraform
/// proposes their prior values, which stand, except where the object is new
/// (nothing prior to keep: unknown until apply) or where an attribute their
/// `unknown_when_changed` names, among their siblings, changes. Defaults
/// apply as at the top level.
fn plan_single_nested(a: &Attribute, prior: &Value, config: &Value, planned: &mut Value) {
    let Some((Nesting::Single, inner)) = &a.nested else {
        return;
    };
    let mut object = planned.attr(a.name).clone();
    if !matches!(object, Value::Object(_)) || !matches!(config, Value::Object(_)) {
        return;
    }
    let new = !matches!(prior, Value::Object(_));
    let changed = |name: &str| !object.attr(name).semantically_equal(prior.attr(name));
    let recomputed: Vec<&str> = inner
        .iter()
        .filter(|b| b.computed && config.attr(b.name).is_null() && b.default.is_none())
        .filter(|b| new || b.unknown_when_changed.iter().any(|n| changed(n)))
        .map(|b| b.name)
        .collect();
    for b in inner {
        let configured = config.attr(b.name);
        if configured.is_null() {
            if let Some(d) = &b.default {
                object.set_attr(b.name, d.clone());
            }
        } else {
            plan_single_nested(b, prior.attr(b.name), configured, &mut object);
        }
    }
    for name in recomputed {
        object.set_attr(name, Value::Unknown);
    }
    planned.set_attr(a.name, object);
}

/// The refusals the schema declares, known without the API: a value an
/// attribute cannot change to ([`Attribute::unchangeable`]), and a value a
/// create cannot have ([`Attribute::refused_on_create`]). Values not known
/// yet are checked when they are.
///
/// [`Attribute::unchangeable`]: crate::schema::Attribute::unchangeable
/// [`Attribute::refused_on_create`]: crate::schema::Attribute::refused_on_create
pub fn refusals(
    schema: &Schema,
    prior: &Value,
    change: &PlannedChange,
    config: &Value,
) -> Diagnostics {
    let mut diags = Diagnostics::default();
    let creating = prior.is_null() || !change.requires_replace.is_empty();
    let known = |v: &Value| !v.is_null() && !v.is_unknown();
    for a in &schema.attributes {
        let (held, wanted) = (prior.attr(a.name), change.planned.attr(a.name));
        if let Some((summary, detail)) = a.unchangeable {
            if !creating && known(held) && known(wanted) && !a.same_value(held, wanted) {
                diags.attr_error(
                    AttrPath::attr(a.name),
                    summary,
                    detail
                        .replace("{held}", &shown(held))
                        .replace("{wanted}", &shown(wanted)),
                );
            }
        }
        if let Some((summary, detail)) = a.refused_on_create {
            if creating && known(config.attr(a.name)) {
                diags.attr_error(AttrPath::attr(a.name), summary, detail);
            }
        }
    }
    diags
}

/// After an apply, once the answer's spellings are kept
/// ([`keep_planned`]): every known planned value the answer gives otherwise
/// is put back in `answer`, as Terraform requires (inside a single nested
/// object, value by value).
///
/// - A value the plan did not change (an update's, equal in `prior`) was not
///   sent: someone else changed it between the plan and the apply. It is put
///   back quietly; the next refresh reads the API's as a change made outside
///   Terraform, and a configuration that sets it plans it back.
/// - Any other was sent, and Cloudflare answered another value: it is put
///   back and warned of, naming what was sent and what came back (never a
///   sensitive value). The next plan reads Cloudflare's value and shows the
///   difference; the apply is not failed as a provider bug.
pub fn keep_what_was_sent(
    attributes: &[Attribute],
    path: &AttrPath,
    prior: &Value,
    planned: &Value,
    answer: &mut Value,
    diags: &mut Diagnostics,
) {
    for a in attributes {
        let (held, wanted) = (prior.attr(a.name), planned.attr(a.name));
        let got = answer.attr(a.name).clone();
        let here = path.push(PathStep::Attribute(a.name.to_string()));
        if let (Some((Nesting::Single, nested)), Value::Object(_), Value::Object(_)) =
            (&a.nested, wanted, &got)
        {
            let mut inner = got;
            keep_what_was_sent(nested, &here, held, wanted, &mut inner, diags);
            answer.set_attr(a.name, inner);
            continue;
        }
        if !wanted.is_wholly_known() || wanted.semantically_equal(&got) {
            continue;
        }
        answer.set_attr(a.name, wanted.clone());
        if wanted.semantically_equal(held) {
            continue;
        }
        diags.attr_warning(
            here.clone(),
            format!("Cloudflare answered another `{here}` than was sent"),
            format!(
                "The apply sent {}, and Cloudflare's answer holds {}. The state keeps what was sent; the next \
                 plan reads Cloudflare's value and shows the difference. If Cloudflare keeps answering so, set \
                 the attribute to its value.",
                shown_unless(a.sensitive, wanted),
                shown_unless(a.sensitive, &got)
            ),
        );
    }
}

/// When planning: gives `planned` the prior value of every attribute whose
/// prior value already is what the configuration asks for (another
/// spelling, an accepted invitation for `pending`; see
/// `Attribute::equivalent`). No change is planned, and Terraform accepts a
/// planned value equal to the prior one. (An unordered list in another
/// order is planned as configured: a plan made while an element is unknown
/// cannot know which order the plan at apply would keep.)
pub fn keep_equivalent(schema: &Schema, prior: &Value, planned: &mut Value) {
    keep_where(schema, prior, planned, |a, held, asked| {
        a.same_value(held, asked)
    });
}

/// After an apply: gives `answer` the planned value of every attribute
/// the answer already is (another spelling, the same elements of an
/// unordered list in its own order, an accepted invitation where one was
/// asked for), so that the state holds what was planned.
pub fn keep_planned(schema: &Schema, planned: &Value, answer: &mut Value) {
    keep_where(schema, planned, answer, |a, asked, got| {
        a.same_value(got, asked) || a.same_order_free(asked, got)
    });
}

/// After a read: gives `read` the state's value of every attribute whose
/// two values mean the same both ways (another spelling, the same elements
/// of an unordered list in the API's order). A status that moved on (an
/// invitation accepted) is read as it is.
pub fn keep_state(schema: &Schema, state: &Value, read: &mut Value) {
    keep_where(schema, state, read, |a, held, got| {
        (a.same_value(held, got) && a.same_value(got, held)) || a.same_order_free(held, got)
    });
}

/// Gives `new` the value `kept` has for every attribute with an
/// equivalence or no order where `same(attribute, kept, new)` says so.
fn keep_where(
    schema: &Schema,
    kept: &Value,
    new: &mut Value,
    same: impl Fn(&Attribute, &Value, &Value) -> bool,
) {
    for a in schema
        .attributes
        .iter()
        .filter(|a| a.equivalent.is_some() || a.unordered)
    {
        let (k, n) = (kept.attr(a.name), new.attr(a.name));
        if !k.is_null() && !k.is_unknown() && !n.is_unknown() && k != n && same(a, k, n) {
            new.set_attr(a.name, k.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::Attribute;
    use crate::value::Type;

    fn schema() -> Schema {
        Schema::new(
            "t",
            vec![
                Attribute::computed("id", Type::String, "id"),
                Attribute::required("name", Type::String, "name"),
                Attribute::optional("type", Type::String, "type")
                    .default(Value::String("standard".into()))
                    .replaces(),
                Attribute::optional_computed("unit_id", Type::String, "unit").replaces(),
                Attribute::computed("price", Type::Number, "price").unknown_when_changed(&["name"]),
                Attribute::computed("created_on", Type::String, "created"),
            ],
        )
    }

    fn obj(pairs: &[(&str, Value)]) -> Value {
        Value::Object(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
        )
    }
    fn s(x: &str) -> Value {
        Value::String(x.into())
    }

    fn prior() -> Value {
        obj(&[
            ("id", s("abc")),
            ("name", s("acme")),
            ("type", s("standard")),
            ("unit_id", s("u1")),
            ("price", Value::Number(5.into())),
            ("created_on", s("2026-01-01T00:00:00Z")),
        ])
    }

    #[test]
    fn create_fills_defaults_and_unknowns() {
        let config = obj(&[("name", s("acme"))]);
        let p = plan(&schema(), &Value::Null, &config, &config);
        assert_eq!(p.planned.attr("type"), &s("standard"));
        assert!(p.planned.attr("id").is_unknown());
        assert!(p.planned.attr("unit_id").is_unknown());
        assert!(p.requires_replace.is_empty());
    }

    #[test]
    fn update_keeps_prior_computed_values_unless_they_can_change() {
        let config = obj(&[("name", s("acme2"))]);
        let mut proposed = prior();
        proposed.set_attr("name", s("acme2"));
        let p = plan(&schema(), &prior(), &proposed, &config);
        assert_eq!(p.planned.attr("id"), &s("abc"));
        assert_eq!(p.planned.attr("created_on"), prior().attr("created_on"));
        assert!(p.planned.attr("price").is_unknown());
        assert!(p.requires_replace.is_empty());
    }

    #[test]
    fn no_change_plans_the_prior_state() {
        let config = obj(&[("name", s("acme"))]);
        let p = plan(&schema(), &prior(), &prior(), &config);
        assert_eq!(p.planned, prior());
    }

    #[test]
    fn an_unordered_list_keeps_the_states_order_through_answers_and_reads() {
        let schema = Schema::new(
            "t",
            vec![
                Attribute::optional("tags", Type::list(Type::String), "tags").unordered(),
                Attribute::optional("steps", Type::list(Type::String), "steps"),
            ],
        );
        let list = |xs: &[&str]| Value::List(xs.iter().map(|x| s(x)).collect());
        let held = obj(&[
            ("tags", list(&["a", "b", "a"])),
            ("steps", list(&["a", "b"])),
        ]);
        let api = || {
            obj(&[
                ("tags", list(&["b", "a", "a"])),
                ("steps", list(&["b", "a"])),
            ])
        };
        let mut answer = api();
        keep_planned(&schema, &held, &mut answer);
        let mut read = api();
        keep_state(&schema, &held, &mut read);
        for v in [&answer, &read] {
            assert_eq!(v.attr("tags"), held.attr("tags"), "the same elements");
            assert_eq!(v.attr("steps"), &list(&["b", "a"]), "order counts");
        }
        for other in [list(&["a", "b", "b"]), list(&["a", "b"])] {
            let mut read = obj(&[("tags", other.clone()), ("steps", list(&["a", "b"]))]);
            keep_state(&schema, &held, &mut read);
            assert_eq!(read.attr("tags"), &other, "other elements are a change");
        }
        // A configuration in another order is planned as it is (a plan made
        // while an element is unknown could not know the order kept), and
        // what depends on the list is not planned to change.
        let schema = Schema::new(
            "t",
            vec![
                Attribute::optional("tags", Type::list(Type::String), "tags").unordered(),
                Attribute::computed("price", Type::Number, "price").unknown_when_changed(&["tags"]),
            ],
        );
        let held = obj(&[
            ("tags", list(&["a", "b", "a"])),
            ("price", Value::Number(5.into())),
        ]);
        let config = obj(&[("tags", list(&["b", "a", "a"])), ("price", Value::Null)]);
        // Terraform proposes the prior value of what the configuration leaves out.
        let proposed = obj(&[
            ("tags", list(&["b", "a", "a"])),
            ("price", Value::Number(5.into())),
        ]);
        let p = plan(&schema, &held, &proposed, &config);
        assert_eq!(p.planned.attr("tags"), config.attr("tags"));
        assert_eq!(p.planned.attr("price"), held.attr("price"));
    }

    #[test]
    fn a_held_value_stands_for_what_it_satisfies_one_way() {
        // `held` satisfies `asked` when held is "done" and asked is "todo".
        fn done_satisfies_todo(held: &str, asked: &str) -> bool {
            held == asked || (held == "done" && asked == "todo")
        }
        let schema = Schema::new(
            "t",
            vec![Attribute::optional_computed("status", Type::String, "s")
                .equivalent(done_satisfies_todo)],
        );
        let with = |x: &str| obj(&[("status", s(x))]);
        // Plan: a prior "done" is what a configured "todo" asks for.
        let p = plan(&schema, &with("done"), &with("todo"), &with("todo"));
        assert_eq!(p.planned, with("done"));
        let p = plan(&schema, &with("todo"), &with("done"), &with("done"));
        assert_eq!(p.planned, with("done"), "a prior todo is not done");
        // Apply: an answer "done" is what the planned "todo" asked for.
        let mut answer = with("done");
        keep_planned(&schema, &with("todo"), &mut answer);
        assert_eq!(answer, with("todo"));
        let mut answer = with("todo");
        keep_planned(&schema, &with("done"), &mut answer);
        assert_eq!(answer, with("todo"), "a failure is never papered over");
        // Read: the state takes what moved on, either way.
        for (state, got) in [("todo", "done"), ("done", "todo")] {
            let mut read = with(got);
            keep_state(&schema, &with(state), &mut read);
            assert_eq!(read, with(got));
        }
    }

    /// The warnings `keep_what_was_sent` gave, as "summary detail" lines.
    fn said(diags: &Diagnostics) -> Vec<String> {
        diags
            .0
            .iter()
            .map(|d| format!("{} {}", d.summary, d.detail))
            .collect()
    }

    #[test]
    fn an_update_keeps_what_the_plan_did_not_change_quietly() {
        let schema = Schema::new(
            "t",
            vec![
                Attribute::required("name", Type::String, "name"),
                Attribute::optional_computed("mode", Type::String, "mode"),
                Attribute::optional_computed("defaults", Type::String, "defaults").nested(
                    Nesting::Single,
                    vec![
                        Attribute::optional_computed("ttl", Type::Number, "ttl"),
                        Attribute::optional_computed("zone_mode", Type::String, "zone_mode"),
                    ],
                ),
            ],
        );
        let n = |x: i64| Value::Number(x.into());
        let prior = obj(&[
            ("name", s("old")),
            ("mode", s("kept")),
            (
                "defaults",
                obj(&[("ttl", n(900)), ("zone_mode", s("standard"))]),
            ),
        ]);
        let planned = obj(&[
            ("name", s("new")),
            ("mode", s("kept")),
            (
                "defaults",
                obj(&[("ttl", n(1200)), ("zone_mode", s("standard"))]),
            ),
        ]);
        // Someone else changed `mode` and `zone_mode` since the plan; the
        // answer also says `name` and `ttl`, which the plan changes, are not
        // what was sent.
        let mut answered = obj(&[
            ("name", s("other")),
            ("mode", s("theirs")),
            (
                "defaults",
                obj(&[("ttl", n(600)), ("zone_mode", s("cdn_only"))]),
            ),
        ]);
        let mut diags = Diagnostics::default();
        let root = AttrPath::root();
        keep_what_was_sent(
            &schema.attributes,
            &root,
            &prior,
            &planned,
            &mut answered,
            &mut diags,
        );
        assert_eq!(answered, planned, "the state holds what was planned");
        let said = said(&diags);
        assert_eq!(said.len(), 2, "{said:?}");
        assert!(
            said[0].contains("`name`") && said[0].contains("\"other\""),
            "what the plan changes is never passed over quietly: {said:?}"
        );
        assert!(
            said[1].contains("`defaults.ttl`") && said[1].contains("600"),
            "{said:?}"
        );
        assert!(
            !said.iter().any(|w| w.contains("mode")),
            "what the plan did not change is kept quietly: {said:?}"
        );
    }

    #[test]
    fn an_answer_other_than_what_was_sent_is_kept_as_sent_and_warned_of() {
        let schema = Schema::new(
            "t",
            vec![
                Attribute::required("name", Type::String, "name"),
                Attribute::computed("key", Type::String, "key").sensitive(),
                Attribute::optional_computed("defaults", Type::String, "defaults").nested(
                    Nesting::Single,
                    vec![
                        Attribute::optional_computed("ttl", Type::Number, "ttl"),
                        Attribute::computed("serial", Type::Number, "serial"),
                    ],
                ),
            ],
        );
        let n = |x: i64| Value::Number(x.into());
        let planned = obj(&[
            ("name", s("sent")),
            ("key", s("secret-sent")),
            (
                "defaults",
                obj(&[("ttl", n(3600)), ("serial", Value::Unknown)]),
            ),
        ]);
        let mut answer = obj(&[
            ("name", s("other")),
            ("key", s("secret-answered")),
            ("defaults", obj(&[("ttl", n(500)), ("serial", n(7))])),
        ]);
        let mut diags = Diagnostics::default();
        // A create: no prior, so everything planned was sent.
        keep_what_was_sent(
            &schema.attributes,
            &AttrPath::root(),
            &Value::Null,
            &planned,
            &mut answer,
            &mut diags,
        );
        assert_eq!(answer.attr("name"), &s("sent"));
        assert_eq!(answer.attr("key"), &s("secret-sent"));
        assert_eq!(answer.attr("defaults").attr("ttl"), &n(3600));
        assert_eq!(
            answer.attr("defaults").attr("serial"),
            &n(7),
            "unknown in the plan: the answer's"
        );
        let said = said(&diags);
        assert_eq!(said.len(), 3, "{said:?}");
        assert!(
            said[0].contains("`name`")
                && said[0].contains("\"sent\"")
                && said[0].contains("\"other\""),
            "{said:?}"
        );
        assert!(
            !said[1].contains("secret"),
            "a sensitive value is never shown: {said:?}"
        );
        assert!(
            said[2].contains("`defaults.ttl`") && said[2].contains("500"),
            "{said:?}"
        );
        assert!(!diags.has_errors());
    }

    #[test]
    fn replacing_attributes_are_reported() {
        let config = obj(&[
            ("name", s("acme")),
            ("type", s("enterprise")),
            ("unit_id", s("u2")),
        ]);
        let mut proposed = prior();
        proposed.set_attr("type", s("enterprise"));
        proposed.set_attr("unit_id", s("u2"));
        let p = plan(&schema(), &prior(), &proposed, &config);
        let names: Vec<String> = p.requires_replace.iter().map(|p| p.to_string()).collect();
        assert_eq!(names, vec!["type", "unit_id"]);
    }

    #[test]
    fn declared_refusals_need_no_code() {
        let schema = Schema::new(
            "t",
            vec![
                Attribute::computed("id", Type::String, "id"),
                Attribute::required("name", Type::String, "name"),
                Attribute::optional_computed("type", Type::String, "type")
                    .unchangeable("Cannot change", "it is {held}, not {wanted}"),
                Attribute::optional("vanity", Type::String, "vanity")
                    .refused_on_create("Not on a new one", "later"),
            ],
        );
        let prior = obj(&[
            ("id", s("a")),
            ("name", s("n")),
            ("type", s("standard")),
            ("vanity", Value::Null),
        ]);
        let config = obj(&[
            ("name", s("n")),
            ("type", s("enterprise")),
            ("vanity", Value::Null),
        ]);
        let change = plan(&schema, &prior, &config, &config);
        let d = refusals(&schema, &prior, &change, &config);
        assert_eq!(d.0.len(), 1);
        assert_eq!(d.0[0].detail, "it is \"standard\", not \"enterprise\"");
        // Removed: the prior value is kept, nothing refused.
        let config = obj(&[
            ("name", s("n")),
            ("type", Value::Null),
            ("vanity", Value::Null),
        ]);
        let change = plan(&schema, &prior, &prior, &config);
        assert!(refusals(&schema, &prior, &change, &config).0.is_empty());
        // A create with the refused value; unknown, it waits.
        let config = obj(&[("name", s("n")), ("type", Value::Null), ("vanity", s("v"))]);
        let change = plan(&schema, &Value::Null, &config, &config);
        assert_eq!(
            refusals(&schema, &Value::Null, &change, &config).0[0].summary,
            "Not on a new one"
        );
        let config = obj(&[
            ("name", s("n")),
            ("type", Value::Null),
            ("vanity", Value::Unknown),
        ]);
        let change = plan(&schema, &Value::Null, &config, &config);
        assert!(refusals(&schema, &Value::Null, &change, &config)
            .0
            .is_empty());
    }

    #[test]
    fn computed_values_in_a_nested_object_are_unknown_when_new_or_moved() {
        let schema = Schema::new(
            "t",
            vec![
                Attribute::optional_computed("ns", Type::String, "ns").nested(
                    crate::schema::Nesting::Single,
                    vec![
                        Attribute::optional_computed("type", Type::String, "type"),
                        Attribute::optional_computed("set", Type::Number, "set")
                            .unknown_when_changed(&["type"]),
                        Attribute::optional_computed("ttl", Type::Number, "ttl"),
                    ],
                ),
            ],
        );
        let ns = |t: Value, set: Value, ttl: Value| {
            obj(&[("ns", obj(&[("type", t), ("set", set), ("ttl", ttl)]))])
        };
        let n = |x: i64| Value::Number(x.into());
        // A create: what the configuration leaves out is known after apply.
        let config = ns(s("custom"), Value::Null, Value::Null);
        let p = plan(&schema, &Value::Null, &config, &config);
        assert_eq!(p.planned.attr("ns").attr("type"), &s("custom"));
        assert!(p.planned.attr("ns").attr("set").is_unknown());
        assert!(p.planned.attr("ns").attr("ttl").is_unknown());
        // An update keeps the prior values Terraform proposes, except those
        // that move with a sibling that changed.
        let prior = ns(s("custom"), n(2), n(60));
        let p = plan(&schema, &prior, &prior, &config);
        assert_eq!(p.planned, prior);
        let config = ns(s("standard"), Value::Null, Value::Null);
        let proposed = ns(s("standard"), n(2), n(60));
        let p = plan(&schema, &prior, &proposed, &config);
        assert!(p.planned.attr("ns").attr("set").is_unknown());
        assert_eq!(p.planned.attr("ns").attr("ttl"), &n(60));
    }

    #[test]
    fn the_configuration_is_recorded_with_each_change_and_not_after_an_import() {
        let schema = Schema::new(
            "t",
            vec![
                Attribute::required("id", Type::String, "id"),
                Attribute::optional_computed("ttl", Type::Number, "ttl"),
                Attribute::optional_computed("soa", Type::String, "soa").nested(
                    crate::schema::Nesting::Single,
                    vec![
                        Attribute::optional_computed("retry", Type::Number, "retry"),
                        Attribute::optional_computed("ttl", Type::Number, "ttl"),
                    ],
                ),
                Attribute::configured_paths("managed", "managed"),
            ],
        );
        let n = |x: i64| Value::Number(x.into());
        let paths = |p: &[&str]| Value::List(p.iter().map(|p| s(p)).collect());
        let object = |ttl: Value, retry: Value, managed: Value| {
            obj(&[
                ("id", s("z")),
                ("ttl", ttl),
                ("soa", obj(&[("retry", retry), ("ttl", Value::Null)])),
                ("managed", managed),
            ])
        };
        // A create records what the configuration sets (not `id`: required).
        let config = object(n(60), n(600), Value::Null);
        let p = plan(&schema, &Value::Null, &config, &config);
        assert_eq!(p.planned.attr("managed"), &paths(&["ttl", "soa.retry"]));
        // Nothing changes: the record stands.
        let prior = object(n(60), n(600), paths(&["ttl", "soa.retry"]));
        let p = plan(&schema, &prior, &prior, &config);
        assert_eq!(p.planned, prior);
        // A line removed: the values stay (Terraform proposes the prior
        // ones), the record no longer holds it.
        let config = object(Value::Null, n(600), Value::Null);
        let p = plan(&schema, &prior, &prior, &config);
        assert_eq!(p.planned.attr("managed"), &paths(&["soa.retry"]));
        assert_eq!(p.planned.attr("ttl"), &n(60));
        // Imported (no record): none until something else changes.
        let imported = object(n(60), n(600), Value::Null);
        let p = plan(&schema, &imported, &imported, &config);
        assert_eq!(p.planned, imported);
        let changed = object(n(60), n(900), Value::Null);
        let config = object(Value::Null, n(900), Value::Null);
        let p = plan(&schema, &imported, &changed, &config);
        assert_eq!(p.planned.attr("managed"), &paths(&["soa.retry"]));
        // Then every path the configuration sets is recorded, an imported
        // value it leaves as it was too.
        let config = object(n(60), n(900), Value::Null);
        let p = plan(&schema, &imported, &changed, &config);
        assert_eq!(p.planned.attr("managed"), &paths(&["ttl", "soa.retry"]));
    }

    #[test]
    fn a_create_plans_the_default_on_create_and_a_replacement_warns_of_what_it_drops() {
        let schema = Schema::new(
            "t",
            vec![
                Attribute::required("name", Type::String, "name").replaces(),
                Attribute::optional_computed("kind", Type::String, "kind")
                    .default_on_create(s("standard")),
                Attribute::optional_computed("unit_id", Type::String, "unit"),
            ],
        );
        let config = obj(&[
            ("name", s("b")),
            ("kind", Value::Null),
            ("unit_id", Value::Null),
        ]);
        let p = plan(&schema, &Value::Null, &config, &config);
        assert_eq!(p.planned.attr("kind"), &s("standard"));
        assert!(p.planned.attr("unit_id").is_unknown());
        // An object that exists keeps its value when the line goes.
        let prior = obj(&[
            ("name", s("a")),
            ("kind", s("enterprise")),
            ("unit_id", s("u1")),
        ]);
        let mut proposed = prior.clone();
        proposed.set_attr("name", s("b"));
        let p = plan(&schema, &prior, &proposed, &config);
        assert_eq!(p.planned.attr("kind"), &s("enterprise"));
        assert_eq!(p.requires_replace, vec![AttrPath::attr("name")]);
        // Its replacement gets the default: warned of, naming the way to keep it.
        let warned = replacement_drops(&schema, &prior, &config).0;
        assert_eq!(warned.len(), 1, "{warned:?}");
        assert_eq!(warned[0].severity, crate::diag::Severity::Warning);
        assert_eq!(warned[0].path, Some(AttrPath::attr("kind")));
        assert_eq!(
            warned[0].summary,
            "The replacement gets `kind` \"standard\", not \"enterprise\""
        );
        assert!(
            warned[0].detail.contains("Set `kind = \"enterprise\"`"),
            "{}",
            warned[0].detail
        );
        // Not when the configuration says, nor when the default is what it held.
        let set = obj(&[
            ("name", s("b")),
            ("kind", s("standard")),
            ("unit_id", Value::Null),
        ]);
        assert!(replacement_drops(&schema, &prior, &set).0.is_empty());
        let standard = obj(&[
            ("name", s("a")),
            ("kind", s("standard")),
            ("unit_id", s("u1")),
        ]);
        assert!(replacement_drops(&schema, &standard, &config).0.is_empty());
    }

    #[test]
    fn destroy_plans_null() {
        let p = plan(&schema(), &prior(), &Value::Null, &Value::Null);
        assert!(p.planned.is_null());
    }
}
