//! Schemas: the attributes of the provider, resources and data sources, with
//! what the docs, the plan logic and validation need to know about each.

use crate::diag::Diagnostics;
use crate::proto::tfplugin6 as pb;
use crate::value::{AttrPath, PathStep, Type, Value};

/// A check on a configured (known, non-null) value. Strings are checked
/// directly; lists and sets of strings element by element, except for the
/// checks on the collection itself (`MinItems`, `UniqueBy`).
#[derive(Clone)]
pub enum Check {
    MaxLen(usize),
    NotEmpty,
    OneOf(&'static [&'static str]),
    /// A whole number in this range.
    Range(i64, i64),
    /// A list or set with at least this many elements.
    MinItems(usize),
    /// A list or set with at most this many elements.
    MaxItems(usize),
    /// A list of objects in which no two share this attribute's value.
    UniqueBy(&'static str),
    /// A named check on a string: `allowed` says what is allowed, for the
    /// diagnostic and the docs.
    Custom {
        allowed: &'static str,
        check: fn(&str) -> Result<(), String>,
    },
}

/// No two elements with the same (known) value of `key`.
fn unique_by(key: &str, items: &[Value]) -> Result<(), String> {
    let mut seen: Vec<&Value> = Vec::new();
    for item in items {
        let k = item.attr(key);
        if k.is_null() || k.is_unknown() {
            continue;
        }
        if seen.contains(&k) {
            let shown = k
                .as_str()
                .map_or_else(|| format!("{k:?}"), |s| format!("{s:?}"));
            return Err(format!(
                "lists {key} {shown} more than once; each {key} may appear once"
            ));
        }
        seen.push(k);
    }
    Ok(())
}

impl Check {
    /// Whether the check applies to a collection as a whole rather than to
    /// each of its elements.
    fn on_collection(&self) -> bool {
        matches!(
            self,
            Check::MinItems(_) | Check::MaxItems(_) | Check::UniqueBy(_)
        )
    }

    fn run(&self, v: &Value) -> Result<(), String> {
        match (self, v) {
            (Check::MaxLen(n), Value::String(s)) if s.chars().count() > *n => Err(format!(
                "is {} characters long; at most {n} are allowed",
                s.chars().count()
            )),
            (Check::NotEmpty, Value::String(s)) if s.trim().is_empty() => {
                Err("must not be empty".into())
            }
            (Check::OneOf(allowed), Value::String(s)) if !allowed.contains(&s.as_str()) => {
                Err(format!(
                    "{s:?} is not allowed; expected one of: {}",
                    allowed
                        .iter()
                        .map(|a| format!("{a:?}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            }
            (Check::Range(lo, hi), Value::Number(n)) => match n.as_f64() {
                Some(x) if x.fract() == 0.0 && x >= *lo as f64 && x <= *hi as f64 => Ok(()),
                Some(x) if x.fract() != 0.0 => Err(format!(
                    "{n} is not a whole number; expected a whole number from {lo} to {hi}"
                )),
                _ => Err(format!(
                    "{n} is out of range; expected a whole number from {lo} to {hi}"
                )),
            },
            (Check::MinItems(n), Value::List(items) | Value::Set(items)) if items.len() < *n => {
                Err(format!(
                    "has {} element{}; at least {n} {} required",
                    items.len(),
                    if items.len() == 1 { "" } else { "s" },
                    if *n == 1 { "is" } else { "are" }
                ))
            }
            (Check::MaxItems(n), Value::List(items) | Value::Set(items)) if items.len() > *n => {
                Err(format!(
                    "has {} elements; at most {n} {} allowed",
                    items.len(),
                    if *n == 1 { "is" } else { "are" }
                ))
            }
            (Check::UniqueBy(key), Value::List(items) | Value::Set(items)) => unique_by(key, items),
            (Check::Custom { check, .. }, Value::String(s)) => check(s),
            _ => Ok(()),
        }
    }

    /// One line for the generated docs.
    pub fn describe(&self) -> String {
        match self {
            Check::MaxLen(n) => format!("at most {n} characters"),
            Check::NotEmpty => "must not be empty".into(),
            Check::OneOf(a) => format!(
                "one of {}",
                a.iter()
                    .map(|x| format!("`{x}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Check::Range(lo, hi) => format!("from {lo} to {hi}"),
            Check::MinItems(n) => format!("at least {n} element{}", if *n == 1 { "" } else { "s" }),
            Check::MaxItems(n) => format!("at most {n} element{}", if *n == 1 { "" } else { "s" }),
            Check::UniqueBy(key) => format!("each `{key}` at most once"),
            Check::Custom { allowed, .. } => (*allowed).to_string(),
        }
    }
}

/// How a nested attribute's objects are collected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Nesting {
    List,
    Single,
}

#[derive(Clone)]
pub struct Attribute {
    pub name: &'static str,
    pub ty: Type,
    /// Set for nested attributes (objects with described attributes of their own).
    pub nested: Option<(Nesting, Vec<Attribute>)>,
    pub description: &'static str,
    pub required: bool,
    pub optional: bool,
    pub computed: bool,
    pub sensitive: bool,
    /// Kept so that states written before read, but going away: Terraform
    /// warns where a configuration refers to it.
    pub deprecated: bool,
    /// A change of this attribute replaces the object.
    pub requires_replace: bool,
    /// Value planned when the configuration leaves the attribute unset.
    pub default: Option<Value>,
    pub checks: Vec<Check>,
    /// For computed attributes: the attributes whose change makes this one
    /// unknown in the plan. Anything not listed keeps its prior value, so a
    /// plan never shows "(known after apply)" for values that cannot move.
    pub unknown_when_changed: &'static [&'static str],
    /// Whether a held value (prior state, planned, or state before a read)
    /// already is what a new one asks for: another spelling that means the
    /// same to the API (an email in another case, a plan's alias), or a
    /// value the new one leads to (an accepted invitation, where one was
    /// asked for). A change from the held value to such a new one is no
    /// change, and the held value is kept. Called as `(held, new)`.
    pub equivalent: Option<fn(&str, &str) -> bool>,
    /// A list whose order means nothing to the API (each element is told
    /// by what it holds): an answer or a read of the same elements in the
    /// API's own order keeps the order the state has. (A configuration in
    /// another order is still planned as an update: see `keep_equivalent`.)
    pub unordered: bool,
    /// The API sets it when it creates the object and cannot change it
    /// after: another value for an existing object is refused at plan
    /// (summary, detail) rather than planned as an update that fails or a
    /// replacement. `{held}` and `{wanted}` in the detail are the values.
    pub unchangeable: Option<(&'static str, &'static str)>,
    /// A value the API refuses on a create, known without asking it:
    /// refused at plan (summary, detail) when a create has one.
    pub refused_on_create: Option<(&'static str, &'static str)>,
    /// For an optional computed attribute: the value the API gives an
    /// object created without it, planned for a create that leaves it unset
    /// (the create half of a replacement too) rather than "(known after
    /// apply)". Unlike [`Attribute::default`], an object that exists keeps
    /// its value when the line is removed; a replacement that would make
    /// the new object differ from the old one in it is warned of.
    pub default_on_create: Option<Value>,
    /// Computed by the plan itself: the paths (`soa.ttl`) of the optional
    /// attributes the configuration sets, as last applied. What a resource
    /// of settings that always exist may return to their defaults when it
    /// is destroyed, and no other ([`Attribute::configured_paths`]).
    pub records_configuration: bool,
}

impl Attribute {
    fn new(name: &'static str, ty: Type, description: &'static str) -> Self {
        Attribute {
            name,
            ty,
            nested: None,
            description,
            required: false,
            optional: false,
            computed: false,
            sensitive: false,
            deprecated: false,
            requires_replace: false,
            default: None,
            checks: Vec::new(),
            unknown_when_changed: &[],
            equivalent: None,
            unordered: false,
            unchangeable: None,
            refused_on_create: None,
            default_on_create: None,
            records_configuration: false,
        }
    }

    /// A list of the paths of the optional attributes the configuration
    /// sets, recorded with each apply (see `plan::plan`). Terraform gives a
    /// destroy no configuration: this is how it knows what was configured.
    pub fn configured_paths(name: &'static str, description: &'static str) -> Self {
        Attribute {
            computed: true,
            records_configuration: true,
            ..Self::new(name, Type::list(Type::String), description)
        }
    }

    pub fn required(name: &'static str, ty: Type, description: &'static str) -> Self {
        Attribute {
            required: true,
            ..Self::new(name, ty, description)
        }
    }

    pub fn optional(name: &'static str, ty: Type, description: &'static str) -> Self {
        Attribute {
            optional: true,
            ..Self::new(name, ty, description)
        }
    }

    pub fn computed(name: &'static str, ty: Type, description: &'static str) -> Self {
        Attribute {
            computed: true,
            ..Self::new(name, ty, description)
        }
    }

    /// Optional; when unset, the value comes from the API (or a default).
    pub fn optional_computed(name: &'static str, ty: Type, description: &'static str) -> Self {
        Attribute {
            optional: true,
            computed: true,
            ..Self::new(name, ty, description)
        }
    }

    /// An attribute whose value is a list of (or a single) object with
    /// attributes of its own.
    pub fn nested(mut self, nesting: Nesting, attributes: Vec<Attribute>) -> Self {
        let obj = Type::Object(
            attributes
                .iter()
                .map(|a| (a.name.to_string(), a.ty.clone()))
                .collect(),
        );
        self.ty = match nesting {
            Nesting::List => Type::list(obj),
            Nesting::Single => obj,
        };
        self.nested = Some((nesting, attributes));
        self
    }

    pub fn sensitive(mut self) -> Self {
        self.sensitive = true;
        self
    }

    pub fn deprecated(mut self) -> Self {
        self.deprecated = true;
        self
    }

    pub fn replaces(mut self) -> Self {
        self.requires_replace = true;
        self
    }

    /// A default makes the attribute computed too: Terraform only accepts a
    /// planned value that differs from the configuration's null for those.
    pub fn default(mut self, v: Value) -> Self {
        self.default = Some(v);
        self.computed = true;
        self
    }

    pub fn check(mut self, c: Check) -> Self {
        self.checks.push(c);
        self
    }

    pub fn unknown_when_changed(mut self, attrs: &'static [&'static str]) -> Self {
        self.unknown_when_changed = attrs;
        self
    }

    pub fn equivalent(mut self, same: fn(&str, &str) -> bool) -> Self {
        self.equivalent = Some(same);
        self
    }

    /// See [`Attribute::unordered`] (the field).
    pub fn unordered(mut self) -> Self {
        self.unordered = true;
        self
    }

    /// See [`Attribute::unchangeable`] (the field).
    pub fn unchangeable(mut self, summary: &'static str, detail: &'static str) -> Self {
        self.unchangeable = Some((summary, detail));
        self
    }

    /// See [`Attribute::refused_on_create`] (the field).
    pub fn refused_on_create(mut self, summary: &'static str, detail: &'static str) -> Self {
        self.refused_on_create = Some((summary, detail));
        self
    }

    /// See [`Attribute::default_on_create`] (the field).
    pub fn default_on_create(mut self, v: Value) -> Self {
        self.default_on_create = Some(v);
        self
    }

    /// Whether `held` already is what `new` asks for: equal, or two known
    /// strings its equivalence relates ([`Attribute::equivalent`], the
    /// field).
    pub fn same_value(&self, held: &Value, new: &Value) -> bool {
        if held.semantically_equal(new) {
            return true;
        }
        match (self.equivalent, held, new) {
            (Some(same), Value::String(x), Value::String(y)) => same(x, y),
            _ => false,
        }
    }

    /// Whether two values of an unordered list ([`Attribute::unordered`],
    /// the field) hold the same elements, in any order.
    pub fn same_order_free(&self, a: &Value, b: &Value) -> bool {
        match (a, b) {
            (Value::List(x), Value::List(y)) => self.unordered && same_elements(x, y),
            _ => false,
        }
    }

    fn to_proto(&self) -> pb::schema::Attribute {
        let mut a = pb::schema::Attribute {
            name: self.name.to_string(),
            description: self.description.to_string(),
            description_kind: pb::StringKind::Markdown as i32,
            required: self.required,
            optional: self.optional,
            computed: self.computed,
            sensitive: self.sensitive,
            deprecated: self.deprecated,
            ..Default::default()
        };
        match &self.nested {
            Some((nesting, attrs)) => {
                a.nested_type = Some(pb::schema::Object {
                    attributes: attrs.iter().map(Attribute::to_proto).collect(),
                    nesting: match nesting {
                        Nesting::List => pb::schema::object::NestingMode::List,
                        Nesting::Single => pb::schema::object::NestingMode::Single,
                    } as i32,
                    ..Default::default()
                })
            }
            None => a.r#type = self.ty.to_json().to_string().into_bytes(),
        }
        a
    }

    fn validate(&self, v: &Value, path: &AttrPath, diags: &mut Diagnostics) {
        if v.is_null() || v.is_unknown() {
            return;
        }
        for c in self.checks.iter().filter(|c| c.on_collection()) {
            if let Err(msg) = c.run(v) {
                diags.attr_error(
                    path.clone(),
                    format!("Invalid value for {path}"),
                    format!("The value of `{path}` {msg}."),
                );
            }
        }
        let (elements, in_collection): (Vec<(AttrPath, &Value)>, bool) = match v {
            Value::List(items) | Value::Set(items) => (
                items
                    .iter()
                    .enumerate()
                    .map(|(i, x)| (path.push(PathStep::Index(i as i64)), x))
                    .collect(),
                true,
            ),
            other => (vec![(path.clone(), other)], false),
        };
        for (p, x) in elements {
            if x.is_unknown() {
                continue;
            }
            if in_collection && x.is_null() {
                diags.attr_error(
                    p.clone(),
                    format!("Invalid value for {path}"),
                    format!("`{path}` must not contain null elements, but `{p}` is null: remove it or give it a value."),
                );
                continue;
            }
            match &self.nested {
                Some((_, attrs)) => validate_nested(attrs, x, &p, diags),
                None => self.validate_element(x, &p, diags),
            }
        }
    }

    /// The element checks on one value (the attribute's own, or one
    /// element of its collection).
    fn validate_element(&self, x: &Value, p: &AttrPath, diags: &mut Diagnostics) {
        for c in self.checks.iter().filter(|c| !c.on_collection()) {
            if let Err(msg) = c.run(x) {
                let mut detail = format!("The value of `{p}` {msg}.");
                if matches!(c, Check::NotEmpty) && self.optional && self.computed {
                    detail.push_str(&format!(
                        " To stop managing `{p}`, remove it from the configuration: the API then keeps its current value."
                    ));
                }
                diags.attr_error(p.clone(), format!("Invalid value for {p}"), detail);
            }
        }
    }
}

/// The attributes of one nested object.
fn validate_nested(attrs: &[Attribute], x: &Value, p: &AttrPath, diags: &mut Diagnostics) {
    for a in attrs {
        let attr_path = p.push(PathStep::Attribute(a.name.into()));
        let value = x.attr(a.name);
        if a.required && value.is_null() {
            diags.attr_error(
                attr_path.clone(),
                format!("Missing value for {attr_path}"),
                format!("`{attr_path}` is required and must not be null."),
            );
            continue;
        }
        a.validate(value, &attr_path, diags);
    }
}

#[derive(Clone)]
pub struct Schema {
    pub version: i64,
    pub description: &'static str,
    pub attributes: Vec<Attribute>,
    /// Groups of attributes of which a configuration sets exactly one.
    pub exactly_one_of: Vec<&'static [&'static str]>,
}

impl Schema {
    pub fn new(description: &'static str, attributes: Vec<Attribute>) -> Self {
        Schema {
            version: 0,
            description,
            attributes,
            exactly_one_of: Vec::new(),
        }
    }

    /// A configuration must set exactly one of these attributes.
    pub fn exactly_one_of(mut self, names: &'static [&'static str]) -> Self {
        self.exactly_one_of.push(names);
        self
    }

    /// The object type of a whole configuration or state.
    pub fn ty(&self) -> Type {
        Type::Object(
            self.attributes
                .iter()
                .map(|a| (a.name.to_string(), a.ty.clone()))
                .collect(),
        )
    }

    pub fn to_proto(&self) -> pb::Schema {
        pb::Schema {
            version: self.version,
            block: Some(pb::schema::Block {
                version: self.version,
                attributes: self.attributes.iter().map(Attribute::to_proto).collect(),
                description: self.description.to_string(),
                description_kind: pb::StringKind::Markdown as i32,
                ..Default::default()
            }),
        }
    }

    /// Runs every attribute's checks on the known parts of a configuration.
    /// A required attribute given null (a variable left null) is refused too:
    /// Terraform only insists that it is written.
    pub fn validate(&self, config: &Value) -> Diagnostics {
        let mut diags = Diagnostics::default();
        if config.is_null() || config.is_unknown() {
            return diags;
        }
        for a in &self.attributes {
            let v = config.attr(a.name);
            if a.required && v.is_null() {
                diags.attr_error(
                    AttrPath::attr(a.name),
                    format!("Missing value for {}", a.name),
                    format!("`{}` is required and must not be null.", a.name),
                );
                continue;
            }
            a.validate(v, &AttrPath::attr(a.name), &mut diags);
        }
        for group in &self.exactly_one_of {
            let values: Vec<&Value> = group.iter().map(|name| config.attr(name)).collect();
            // A value not known yet may be either; it is checked again at plan.
            if values.iter().any(|v| v.is_unknown()) {
                continue;
            }
            let set: Vec<&str> = group
                .iter()
                .zip(&values)
                .filter(|(_, v)| !v.is_null())
                .map(|(name, _)| *name)
                .collect();
            if set.len() != 1 {
                let names: Vec<String> = group.iter().map(|n| format!("`{n}`")).collect();
                let (at, what) = match set.as_slice() {
                    [] => (group[0], "none is set".to_string()),
                    [_, second, ..] => (*second, format!("{} are set", set.join(" and "))),
                    [_] => unreachable!(),
                };
                diags.attr_error(
                    AttrPath::attr(at),
                    format!("Exactly one of {} must be set", names.join(", ")),
                    format!("Set exactly one of {}: {what}.", names.join(", ")),
                );
            }
        }
        diags
    }
}

/// Whether two lists hold the same elements, each as often, in any order.
fn same_elements(a: &[Value], b: &[Value]) -> bool {
    let mut unmatched: Vec<&Value> = b.iter().collect();
    a.len() == b.len()
        && a.iter().all(
            |x| match unmatched.iter().position(|y| x.semantically_equal(y)) {
                Some(i) => {
                    unmatched.swap_remove(i);
                    true
                }
                None => false,
            },
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    const AT_SIGN: Check = Check::Custom {
        allowed: "something with an @",
        check: |s| {
            if s.contains('@') {
                Ok(())
            } else {
                Err(format!("{s:?} has no @"))
            }
        },
    };

    fn schema() -> Schema {
        Schema::new(
            "test",
            vec![
                Attribute::required("name", Type::String, "n")
                    .check(Check::MaxLen(5))
                    .check(Check::NotEmpty),
                Attribute::optional("kind", Type::String, "k").check(Check::OneOf(&["a", "b"])),
                Attribute::optional("emails", Type::set(Type::String), "e").check(AT_SIGN),
                Attribute::optional("items", Type::String, "i").nested(
                    Nesting::List,
                    vec![Attribute::required("name", Type::String, "n")
                        .check(Check::OneOf(&["page_rules"]))],
                ),
            ],
        )
    }

    fn config(pairs: &[(&str, Value)]) -> Value {
        Value::Object(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
        )
    }

    #[test]
    fn validation_points_at_attributes() {
        let s = schema();
        let d = s.validate(&config(&[
            ("name", Value::String("toolong".into())),
            ("kind", Value::String("c".into())),
            (
                "emails",
                Value::Set(vec![
                    Value::String("x@y.io".into()),
                    Value::String("nope".into()),
                ]),
            ),
            (
                "items",
                Value::List(vec![config(&[("name", Value::String("pagerules".into()))])]),
            ),
        ]));
        let paths: Vec<String> =
            d.0.iter()
                .map(|d| d.path.as_ref().unwrap().to_string())
                .collect();
        assert_eq!(paths, vec!["name", "kind", "emails[1]", "items[0].name"]);
        assert!(d.0[0].detail.contains("at most 5"));
        assert!(d.0[1].detail.contains("\"a\", \"b\""));
    }

    #[test]
    fn unknown_and_null_values_are_not_checked() {
        let s = schema();
        assert!(!s
            .validate(&config(&[("name", Value::Unknown), ("kind", Value::Null)]))
            .has_errors());
    }

    #[test]
    fn exactly_one_of_a_group() {
        let s = Schema::new(
            "test",
            vec![
                Attribute::optional("roles", Type::String, "r"),
                Attribute::optional("policies", Type::String, "p"),
            ],
        )
        .exactly_one_of(&["roles", "policies"]);
        let one = |r: Value, p: Value| s.validate(&config(&[("roles", r), ("policies", p)]));
        let text = |v: Value| Value::String(v.as_str().unwrap_or("x").into());
        assert!(!one(text(Value::Null), Value::Null).has_errors());
        assert!(!one(Value::Null, text(Value::Null)).has_errors());
        assert!(
            !one(Value::Unknown, Value::Null).has_errors(),
            "checked again when known"
        );
        let both = one(text(Value::Null), text(Value::Null));
        assert_eq!(both.0[0].path.as_ref().unwrap().to_string(), "policies");
        assert!(both.0[0].detail.contains("roles and policies are set"));
        let none = one(Value::Null, Value::Null);
        assert!(none.0[0].detail.contains("none is set"), "{:?}", none.0[0]);
    }

    #[test]
    fn empty_name_rejected() {
        let d = schema().validate(&config(&[("name", Value::String("  ".into()))]));
        assert!(d.0[0].detail.contains("must not be empty"));
    }

    #[test]
    fn nested_attribute_schema_has_object_type() {
        let s = schema();
        let p = s.to_proto();
        let items = &p.block.unwrap().attributes[3];
        assert!(items.r#type.is_empty());
        assert_eq!(items.nested_type.as_ref().unwrap().attributes.len(), 1);
    }
}
