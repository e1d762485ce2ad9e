//! Property tests ("fuzzing") of the decoders that see bytes from outside:
//! Terraform's msgpack `DynamicValue`s, the JSON state used by
//! `UpgradeResourceState`, and Cloudflare's response envelope.
//!
//! Every property runs a fixed number of cases from a seed that is new on
//! every run, so that runs together cover more than any one does. The seed
//! is printed on the test's output, which the test harness shows when the
//! test fails:
//!
//! ```text
//! proptest seed 12345678901234567890 (replay: PROPTEST_RNG_SEED=12345678901234567890 cargo test --test fuzz <test>)
//! ```
//!
//! Set `PROPTEST_RNG_SEED` to that number to run the same cases again (the
//! same seed gives every property the same cases, whatever else runs). For
//! a longer run, set `PROPTEST_CASES` (e.g. `PROPTEST_CASES=100000`):
//!
//! ```sh
//! PROPTEST_CASES=20000 cargo test --release --test fuzz
//! ```
//!
//! Failures are never persisted: proptest's default would write
//! `proptest-regressions/` files into the tree; the printed seed replaces them.

use cftenant::client::Envelope;
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::RngSeed;
use rmpv::Value as Mp;
use serde::Deserialize;
use serde_json::{json, Number, Value as Json};
use std::collections::BTreeMap;
use std::hash::{BuildHasher, Hasher};
use std::sync::OnceLock;
use tfplugin::value::{
    decode_json_state, decode_msgpack, encode_msgpack, from_value, to_value, AttrPath, PathStep,
    Type, Value,
};

/// The seed of this run: `PROPTEST_RNG_SEED` when set (to replay a
/// failure), otherwise a new one, the same for every property of the run.
fn run_seed() -> u64 {
    static SEED: OnceLock<u64> = OnceLock::new();
    *SEED.get_or_init(|| seed_from(std::env::var("PROPTEST_RNG_SEED").ok().as_deref()))
}

/// A seed given as a number, or a new random one when none is given.
fn seed_from(given: Option<&str>) -> u64 {
    match given {
        Some(text) => text.trim().parse().unwrap_or_else(|_| {
            panic!("PROPTEST_RNG_SEED={text:?} is not a seed: it takes the number a failed run printed")
        }),
        // std's hasher keys are random per process: a new seed every run.
        None => std::collections::hash_map::RandomState::new()
            .build_hasher()
            .finish(),
    }
}

/// `cases` cases (unless `PROPTEST_CASES` says otherwise) from this run's
/// seed, which it prints: the test's output is shown when it fails. No
/// failure is persisted to a file.
fn config(cases: u32) -> ProptestConfig {
    let mut c = ProptestConfig::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        c.cases = cases;
    }
    let seed = run_seed();
    c.rng_seed = RngSeed::Fixed(seed);
    c.failure_persistence = None;
    let test = std::thread::current()
        .name()
        .map_or_else(|| "<test>".to_string(), |name| name.to_string());
    println!(
        "proptest seed {seed} (replay: PROPTEST_RNG_SEED={seed} cargo test --test fuzz {test})"
    );
    c
}

// ---------------------------------------------------------------------------
// Types and values
// ---------------------------------------------------------------------------

/// Attribute names used by the schema-like types, and preferred as map keys
/// by the raw generators, so random input reaches nested attributes.
const NAMES: &[&str] = &[
    "id",
    "name",
    "paused",
    "price",
    "roles",
    "labels",
    "component_values",
    "value",
    "nested",
];

/// A schema shaped like the provider's resources: strings, numbers, bools,
/// a set, a map, a list of objects, and deeper nesting.
fn resource_type() -> Type {
    Type::object([
        ("id", Type::String),
        ("name", Type::String),
        ("paused", Type::Bool),
        ("price", Type::Number),
        ("roles", Type::set(Type::String)),
        ("labels", Type::map(Type::String)),
        (
            "component_values",
            Type::list(Type::object([
                ("name", Type::String),
                ("value", Type::Number),
            ])),
        ),
        ("nested", Type::map(Type::list(Type::set(Type::Number)))),
    ])
}

fn fixed_types() -> Vec<Type> {
    vec![
        resource_type(),
        Type::String,
        Type::Number,
        Type::Bool,
        Type::list(Type::String),
        Type::set(Type::Number),
        Type::map(Type::Bool),
        Type::object([("id", Type::String), ("value", Type::Number)]),
    ]
}

fn arb_type() -> impl Strategy<Value = Type> {
    let leaf = prop_oneof![Just(Type::Bool), Just(Type::Number), Just(Type::String)];
    let random = leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            inner.clone().prop_map(Type::list),
            inner.clone().prop_map(Type::set),
            inner.clone().prop_map(Type::map),
            prop::collection::btree_map("[a-z_]{1,8}", inner, 1..5).prop_map(Type::Object),
        ]
    });
    prop_oneof![
        1 => prop::sample::select(fixed_types()),
        2 => random,
    ]
}

fn arb_string() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::collection::vec(any::<char>(), 0..12).prop_map(String::from_iter),
        1 => prop::sample::select(NAMES).prop_map(str::to_string),
        1 => Just(String::new()),
    ]
}

fn finite_f64() -> impl Strategy<Value = f64> {
    use prop::num::f64::{NEGATIVE, NORMAL, POSITIVE, SUBNORMAL, ZERO};
    POSITIVE | NEGATIVE | NORMAL | SUBNORMAL | ZERO
}

/// Numbers as serde_json holds them: negative ints, positive ints (the
/// whole u64 range) and, when `floats`, finite floats.
fn arb_number(floats: bool) -> BoxedStrategy<Number> {
    let ints = prop_oneof![
        any::<i64>().prop_map(Number::from),
        any::<u64>().prop_map(Number::from),
        (-1000i64..1000).prop_map(Number::from),
    ];
    if floats {
        prop_oneof![
            ints,
            finite_f64().prop_map(|f| Number::from_f64(f).expect("finite")),
        ]
        .boxed()
    } else {
        ints.boxed()
    }
}

/// What values to generate: whether unknowns may appear (they never do in
/// JSON state), and whether numbers may be floats (exact comparisons after
/// a trip through JSON *text* need integers: serde_json's default float
/// parser is not guaranteed to round-trip every float).
#[derive(Clone, Copy)]
struct Gen {
    unknowns: bool,
    floats: bool,
}

/// A value of type `ty`, anywhere null or (if allowed) unknown.
fn value_of(ty: &Type, g: Gen) -> BoxedStrategy<Value> {
    let known: BoxedStrategy<Value> = match ty {
        Type::Bool => any::<bool>().prop_map(Value::Bool).boxed(),
        Type::Number => arb_number(g.floats).prop_map(Value::Number).boxed(),
        Type::String => arb_string().prop_map(Value::String).boxed(),
        Type::List(el) => prop::collection::vec(value_of(el, g), 0..4)
            .prop_map(Value::List)
            .boxed(),
        Type::Set(el) => prop::collection::vec(value_of(el, g), 0..4)
            .prop_map(Value::Set)
            .boxed(),
        Type::Map(el) => prop::collection::btree_map(arb_string(), value_of(el, g), 0..4)
            .prop_map(Value::Map)
            .boxed(),
        Type::Object(attrs) => attrs
            .iter()
            .map(|(k, t)| {
                let k = k.clone();
                value_of(t, g).prop_map(move |v| (k.clone(), v)).boxed()
            })
            .collect::<Vec<_>>()
            .prop_map(|fields| Value::Object(fields.into_iter().collect()))
            .boxed(),
    };
    if g.unknowns {
        prop_oneof![1 => Just(Value::Null), 1 => Just(Value::Unknown), 6 => known].boxed()
    } else {
        prop_oneof![1 => Just(Value::Null), 6 => known].boxed()
    }
}

fn typed_value(g: Gen) -> impl Strategy<Value = (Type, Value)> {
    arb_type().prop_flat_map(move |ty| {
        let v = value_of(&ty, g);
        (Just(ty), v)
    })
}

/// True when `v` is a value of type `ty` as the decoders promise: the right
/// shape everywhere, and objects carrying exactly their type's attributes.
fn conforms(v: &Value, ty: &Type) -> bool {
    match (v, ty) {
        (Value::Null | Value::Unknown, _) => true,
        (Value::Bool(_), Type::Bool)
        | (Value::Number(_), Type::Number)
        | (Value::String(_), Type::String) => true,
        (Value::List(items), Type::List(el)) | (Value::Set(items), Type::Set(el)) => {
            items.iter().all(|x| conforms(x, el))
        }
        (Value::Map(m), Type::Map(el)) => m.values().all(|x| conforms(x, el)),
        (Value::Object(m), Type::Object(attrs)) => {
            m.len() == attrs.len()
                && attrs
                    .iter()
                    .all(|(k, t)| m.get(k).is_some_and(|x| conforms(x, t)))
        }
        _ => false,
    }
}

/// `v` with every unknown replaced by null (what typed structs see).
fn unknowns_as_null(v: &Value) -> Value {
    match v {
        Value::Unknown => Value::Null,
        Value::List(items) => Value::List(items.iter().map(unknowns_as_null).collect()),
        Value::Set(items) => Value::Set(items.iter().map(unknowns_as_null).collect()),
        Value::Map(m) => Value::Map(
            m.iter()
                .map(|(k, x)| (k.clone(), unknowns_as_null(x)))
                .collect(),
        ),
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, x)| (k.clone(), unknowns_as_null(x)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// The value with each whole float as the integer it equals: numbers go to
/// Terraform as decimal text, in which `2.0` and `2` are one number.
fn whole_as_integer(v: &Value) -> Value {
    let each = |items: &Vec<Value>| items.iter().map(whole_as_integer).collect();
    let every = |m: &BTreeMap<String, Value>| {
        m.iter()
            .map(|(k, v)| (k.clone(), whole_as_integer(v)))
            .collect()
    };
    match v {
        // Negative zero stays a float: no integer holds it.
        Value::Number(n) => match n.as_f64() {
            Some(f) if n.is_f64() && f.fract() == 0.0 && !(f == 0.0 && f.is_sign_negative()) => {
                if (i64::MIN as f64..-(i64::MIN as f64)).contains(&f) {
                    Value::Number((f as i64).into())
                } else if (0.0..u64::MAX as f64).contains(&f) {
                    Value::Number((f as u64).into())
                } else {
                    v.clone()
                }
            }
            _ => v.clone(),
        },
        Value::List(items) => Value::List(each(items)),
        Value::Set(items) => Value::Set(each(items)),
        Value::Map(m) => Value::Map(every(m)),
        Value::Object(m) => Value::Object(every(m)),
        other => other.clone(),
    }
}

/// After a successful decode, the value must have the schema's shape, and
/// encoding it and decoding again must give it back unchanged.
fn check_decoded(v: &Value, ty: &Type) -> Result<(), TestCaseError> {
    prop_assert!(
        conforms(v, ty),
        "decoded {v:?} does not fit {}",
        ty.to_json()
    );
    let again = encode_msgpack(v, ty).map_err(|e| {
        TestCaseError::fail(format!("re-encoding a decoded value failed: {e} ({v:?})"))
    })?;
    let back = decode_msgpack(&again, ty).map_err(|e| {
        TestCaseError::fail(format!("decoding a re-encoded value failed: {e} ({v:?})"))
    })?;
    prop_assert_eq!(&back, &whole_as_integer(v));
    Ok(())
}

// ---------------------------------------------------------------------------
// Raw msgpack and JSON
// ---------------------------------------------------------------------------

/// Any msgpack value at all (not necessarily fitting a schema), with map
/// keys biased towards the schemas' attribute names.
fn arb_msgpack() -> impl Strategy<Value = Mp> {
    let leaf = prop_oneof![
        Just(Mp::Nil),
        any::<bool>().prop_map(Mp::Boolean),
        any::<i64>().prop_map(Mp::from),
        any::<u64>().prop_map(Mp::from),
        any::<f32>().prop_map(Mp::F32),
        any::<f64>().prop_map(Mp::F64),
        arb_string().prop_map(|s| Mp::String(s.into())),
        // Numbers as cty writes big ones: decimal strings.
        any::<i128>().prop_map(|i| Mp::String(i.to_string().into())),
        prop::collection::vec(any::<u8>(), 0..8).prop_map(Mp::Binary),
        (any::<i8>(), prop::collection::vec(any::<u8>(), 0..4)).prop_map(|(t, d)| Mp::Ext(t, d)),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        let key = prop_oneof![
            3 => prop::sample::select(NAMES).prop_map(Mp::from),
            1 => inner.clone(),
        ];
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Mp::Array),
            prop::collection::vec((key, inner), 0..6).prop_map(Mp::Map),
        ]
    })
}

fn mp_bytes(v: &Mp) -> Vec<u8> {
    let mut out = Vec::new();
    rmpv::encode::write_value(&mut out, v).expect("encode msgpack");
    out
}

/// Any JSON value, with object keys biased towards the schemas' names.
fn arb_json(floats: bool) -> impl Strategy<Value = Json> {
    let leaf = prop_oneof![
        Just(Json::Null),
        any::<bool>().prop_map(Json::Bool),
        arb_number(floats).prop_map(Json::Number),
        arb_string().prop_map(Json::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        let key = prop_oneof![
            3 => prop::sample::select(NAMES).prop_map(str::to_string),
            1 => arb_string(),
        ];
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Json::Array),
            prop::collection::vec((key, inner), 0..6)
                .prop_map(|kv| Json::Object(kv.into_iter().collect())),
        ]
    })
}

/// JSON-ish text: valid documents, documents with a byte changed or cut
/// short, and plain noise.
fn arb_json_text() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        arb_json(true).prop_map(|j| serde_json::to_vec(&j).unwrap()),
        (arb_json(true), any::<Index>(), any::<u8>()).prop_map(|(j, at, b)| {
            let mut t = serde_json::to_vec(&j).unwrap();
            let i = at.index(t.len());
            t[i] = b;
            t
        }),
        (arb_json(true), any::<Index>()).prop_map(|(j, at)| {
            let t = serde_json::to_vec(&j).unwrap();
            t[..at.index(t.len())].to_vec()
        }),
        "[\\[\\]{}\",:0-9a-z .\\-\\\\]{0,64}".prop_map(String::into_bytes),
        prop::collection::vec(any::<u8>(), 0..128),
    ]
}

// ---------------------------------------------------------------------------
// Envelopes
// ---------------------------------------------------------------------------

#[derive(Clone, Debug)]
struct Msg {
    code: i64,
    message: String,
    chain: Vec<Msg>,
    /// Written as a bare string, as some endpoints do (code reads as 0).
    bare: bool,
}

fn arb_msg() -> impl Strategy<Value = Msg> {
    let leaf = (any::<i64>(), arb_string(), any::<bool>()).prop_map(|(code, message, bare)| Msg {
        code: if bare { 0 } else { code },
        message,
        chain: vec![],
        bare,
    });
    leaf.prop_recursive(3, 12, 3, |inner| {
        (
            any::<i64>(),
            arb_string(),
            prop::collection::vec(inner, 0..3),
        )
            .prop_map(|(code, message, chain)| Msg {
                code,
                message,
                chain,
                bare: false,
            })
    })
}

impl Msg {
    fn to_json(&self) -> Json {
        if self.bare {
            return Json::String(self.message.clone());
        }
        let mut o = json!({"code": self.code, "message": self.message});
        if !self.chain.is_empty() {
            o["error_chain"] = self.chain.iter().map(Msg::to_json).collect();
        }
        o
    }

    fn assert_parsed_as(&self, got: &cftenant::client::CfMessage) -> Result<(), TestCaseError> {
        prop_assert_eq!(got.code, self.code);
        prop_assert_eq!(&got.message, &self.message);
        prop_assert_eq!(got.chain.len(), self.chain.len());
        for (want, got) in self.chain.iter().zip(&got.chain) {
            want.assert_parsed_as(got)?;
        }
        Ok(())
    }
}

/// Whether `result_info` has a shape the parser takes: an object whose
/// counters are absent, null or unsigned integers.
fn result_info_ok(v: &Json) -> bool {
    v.as_object().is_some_and(|o| {
        ["page", "per_page", "count", "total_count", "total_pages"]
            .iter()
            .all(|k| o.get(*k).is_none_or(|n| n.is_null() || n.is_u64()))
    })
}

fn arb_result_info() -> impl Strategy<Value = Option<[Option<u64>; 5]>> {
    prop::option::of(prop::array::uniform5(prop::option::of(any::<u64>())))
}

// ---------------------------------------------------------------------------
// A typed model, as resources decode plans into
// ---------------------------------------------------------------------------

#[derive(Debug, Deserialize)]
#[allow(dead_code)] // read by serde only
struct Component {
    name: String,
    value: f64,
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)] // read by serde only
struct Model {
    id: Option<String>,
    name: String,
    paused: Option<bool>,
    price: Option<f64>,
    roles: Option<Vec<String>>,
    labels: Option<BTreeMap<String, String>>,
    component_values: Option<Vec<Component>>,
}

/// Whether `Model` can be read from a (conforming) value of `resource_type()`:
/// `name` must be known, and so must each component's name and value.
fn model_readable(v: &Value) -> bool {
    let present = |x: &Value| !x.is_null() && !x.is_unknown();
    let Value::Object(_) = v else { return false };
    let strings_known = |x: &Value| match x {
        Value::Set(items) => items.iter().all(present),
        Value::Map(m) => m.values().all(present),
        _ => true,
    };
    present(v.attr("name"))
        && strings_known(v.attr("roles"))
        && strings_known(v.attr("labels"))
        && match v.attr("component_values") {
            Value::List(items) => items.iter().all(|c| {
                matches!(c, Value::Object(_)) && present(c.attr("name")) && present(c.attr("value"))
            }),
            _ => true,
        }
}

/// Where `Model` cannot be read from a (conforming) value of
/// `resource_type()`: the paths (attribute names, list and set indexes, map
/// keys) of the required values that are null or unknown; the root when
/// the whole value is. Empty exactly when [`model_readable`].
fn unreadable_at(v: &Value) -> Vec<Vec<String>> {
    let absent = |x: &Value| x.is_null() || x.is_unknown();
    let Value::Object(_) = v else {
        return vec![vec![]];
    };
    let mut at = Vec::new();
    if absent(v.attr("name")) {
        at.push(vec!["name".to_string()]);
    }
    for attribute in ["roles", "labels"] {
        match v.attr(attribute) {
            Value::Set(items) | Value::List(items) => {
                for (i, x) in items.iter().enumerate() {
                    if absent(x) {
                        at.push(vec![attribute.to_string(), i.to_string()]);
                    }
                }
            }
            Value::Map(m) => {
                for (key, x) in m {
                    if absent(x) {
                        at.push(vec![attribute.to_string(), key.clone()]);
                    }
                }
            }
            _ => {}
        }
    }
    if let Value::List(items) = v.attr("component_values") {
        for (i, c) in items.iter().enumerate() {
            let here = vec!["component_values".to_string(), i.to_string()];
            if !matches!(c, Value::Object(_)) {
                at.push(here);
                continue;
            }
            for field in ["name", "value"] {
                if absent(c.attr(field)) {
                    at.push([here.clone(), vec![field.to_string()]].concat());
                }
            }
        }
    }
    at
}

/// A path as its steps: attribute names and map keys as they are, indexes
/// as numbers.
fn steps(path: &AttrPath) -> Vec<String> {
    path.0
        .iter()
        .map(|step| match step {
            PathStep::Attribute(name) | PathStep::Key(name) => name.clone(),
            PathStep::Index(i) => i.to_string(),
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------

proptest! {
    #![proptest_config(config(2000))]

    /// Arbitrary bytes never panic the msgpack decoder; whatever it accepts
    /// has the schema's shape and survives re-encoding.
    #[test]
    fn msgpack_decoder_survives_arbitrary_bytes(
        ty in arb_type(),
        bytes in prop::collection::vec(any::<u8>(), 0..256),
    ) {
        if let Ok(v) = decode_msgpack(&bytes, &ty) {
            check_decoded(&v, &ty)?;
        }
        if bytes.is_empty() {
            prop_assert_eq!(decode_msgpack(&bytes, &ty).unwrap(), Value::Null);
        }
    }

    /// Well-formed msgpack of the wrong shape (random trees, maps keyed by
    /// the schema's attribute names): an error or a conforming value.
    #[test]
    fn msgpack_decoder_survives_arbitrary_msgpack(ty in arb_type(), raw in arb_msgpack()) {
        let bytes = mp_bytes(&raw);
        match decode_msgpack(&bytes, &ty) {
            Ok(v) => {
                check_decoded(&v, &ty)?;
                match &raw {
                    Mp::Nil => prop_assert_eq!(&v, &Value::Null),
                    Mp::Ext(..) => prop_assert_eq!(&v, &Value::Unknown),
                    _ => {}
                }
            }
            Err(e) => prop_assert!(!e.message.is_empty()),
        }
    }
}

proptest! {
    #![proptest_config(config(1000))]

    /// encode → decode gives back the value (a whole float as the integer it
    /// equals), for any type and any mix of known, null, unknown and nested
    /// values.
    #[test]
    fn msgpack_round_trip((ty, v) in typed_value(Gen { unknowns: true, floats: true })) {
        let bytes = encode_msgpack(&v, &ty).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let back = decode_msgpack(&bytes, &ty).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(&back, &whole_as_integer(&v));
        prop_assert_eq!(back.is_wholly_known(), v.is_wholly_known());
    }

    /// A valid encoding cut short is always an error (msgpack is prefix
    /// free), trailing bytes are an error, and a changed byte never panics.
    #[test]
    fn msgpack_decoder_rejects_damaged_encodings(
        (ty, v) in typed_value(Gen { unknowns: true, floats: true }),
        at in any::<Index>(),
        byte in any::<u8>(),
    ) {
        let bytes = encode_msgpack(&v, &ty).map_err(|e| TestCaseError::fail(e.to_string()))?;
        if bytes.len() > 1 {
            let cut = 1 + at.index(bytes.len() - 1);
            prop_assert!(decode_msgpack(&bytes[..cut], &ty).is_err(), "a {cut}-byte prefix decoded");
        }
        let mut longer = bytes.clone();
        longer.push(byte);
        prop_assert!(decode_msgpack(&longer, &ty).is_err(), "trailing byte accepted");
        let mut changed = bytes.clone();
        changed[at.index(bytes.len())] = byte;
        if let Ok(d) = decode_msgpack(&changed, &ty) {
            check_decoded(&d, &ty)?;
        }
    }

    /// Typed structs see a value with its unknowns as null: reading a value
    /// into JSON with `from_value` and writing it back with `to_value` gives
    /// the value with unknowns nulled, floats included.
    #[test]
    fn serde_conversion_round_trip((ty, v) in typed_value(Gen { unknowns: true, floats: true })) {
        let j: Json = from_value(&v).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let back = to_value(&j, &ty).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(back, unknowns_as_null(&v));
    }

    /// Decoding a resource's planned value into its typed model succeeds
    /// exactly when every required field is known; a failure names a path.
    #[test]
    fn typed_model_reads_or_names_the_attribute(v in value_of(&resource_type(), Gen { unknowns: true, floats: true })) {
        match from_value::<Model>(&v) {
            Ok(m) => {
                prop_assert!(model_readable(&v), "read {m:?} from {v:?}");
                prop_assert_eq!(unreadable_at(&v), Vec::<Vec<String>>::new());
            }
            Err(e) => {
                prop_assert!(!model_readable(&v), "could not read {v:?}: {e}");
                prop_assert!(!e.message.is_empty());
                // The error points at a value that cannot be read, and says
                // it is null (unknowns are null to typed structs).
                let unreadable = unreadable_at(&v);
                let path = steps(&e.path);
                prop_assert!(
                    unreadable.contains(&path),
                    "the error points at {path:?}, not at one of the unreadable values {unreadable:?}: {e}\nvalue: {v:?}"
                );
                let text = e.to_string();
                if let Some(attribute) = path.first() {
                    prop_assert!(text.starts_with(attribute.as_str()), "the error does not name `{attribute}`: {text}");
                }
                prop_assert!(e.message.contains("null"), "the error does not say the value is null: {text}");
            }
        }
    }

    /// Known values written as JSON state (as Terraform stores them) decode
    /// back to themselves with `decode_json_state`.
    #[test]
    fn json_state_round_trip((ty, v) in typed_value(Gen { unknowns: false, floats: false })) {
        let j: Json = from_value(&v).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let text = serde_json::to_vec(&j).unwrap();
        let back = decode_json_state(&text, &ty).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(back, v);
    }
}

proptest! {
    #![proptest_config(config(2000))]

    /// The JSON-state decoder (UpgradeResourceState) never panics on any
    /// JSON, and what it accepts fits the schema and holds no unknowns.
    #[test]
    fn json_state_decoder_survives_arbitrary_json(ty in arb_type(), j in arb_json(true)) {
        let text = serde_json::to_vec(&j).unwrap();
        if let Ok(v) = decode_json_state(&text, &ty) {
            prop_assert!(conforms(&v, &ty), "decoded {v:?} does not fit {}", ty.to_json());
            prop_assert!(v.is_wholly_known());
            if j.is_null() {
                prop_assert_eq!(v, Value::Null);
            }
        }
    }

    /// Nor on text that is not JSON, or JSON damaged in transit.
    #[test]
    fn json_state_decoder_survives_arbitrary_text(ty in arb_type(), text in arb_json_text()) {
        let valid = serde_json::from_slice::<Json>(&text).is_ok();
        match decode_json_state(&text, &ty) {
            Ok(v) => {
                prop_assert!(valid, "accepted invalid JSON {:?}", String::from_utf8_lossy(&text));
                prop_assert!(conforms(&v, &ty));
            }
            Err(e) => {
                if !valid {
                    prop_assert!(e.message.starts_with("malformed JSON state"), "{}", e.message);
                }
            }
        }
    }

    /// The envelope parser never panics on any body, and only answers
    /// `Some` for a JSON object (an array, a string or HTML is not an
    /// envelope). serde_json checks neither UTF-8 nor number ranges in the
    /// fields it skips, so the check is syntax only, read the same way.
    #[test]
    fn envelope_parser_survives_arbitrary_text(text in arb_json_text()) {
        if Envelope::parse(&text).is_some() {
            let syntax = serde_json::from_slice::<serde::de::IgnoredAny>(&text);
            let first = text.iter().find(|b| !b.is_ascii_whitespace());
            prop_assert!(
                syntax.is_ok() && first == Some(&b'{'),
                "parsed {:?} as an envelope",
                String::from_utf8_lossy(&text)
            );
        }
    }

    /// Any JSON value as a body: `Some` only for objects; an object without
    /// envelope fields is a success carrying its `result` as is.
    #[test]
    fn envelope_parser_survives_arbitrary_json(j in arb_json(true)) {
        let text = serde_json::to_vec(&j).unwrap();
        match Envelope::parse(&text) {
            Some(e) => {
                let Json::Object(o) = &j else {
                    return Err(TestCaseError::fail(format!("parsed {j} as an envelope")));
                };
                // What serde_json itself reads back from the same text.
                let reread: Json = serde_json::from_slice(&text).unwrap();
                prop_assert_eq!(&e.result, reread.get("result").unwrap_or(&Json::Null));
                if !["success", "errors", "messages", "result_info"].iter().any(|k| o.contains_key(*k)) {
                    prop_assert!(e.success);
                    prop_assert!(e.errors.is_empty() && e.messages.is_empty());
                }
            }
            None => {
                // Only objects whose envelope fields have the wrong types fail.
                if let Json::Object(o) = &j {
                    let bad = |k: &str, ok: fn(&Json) -> bool| o.get(k).is_some_and(|v| !v.is_null() && !ok(v));
                    prop_assert!(
                        bad("success", Json::is_boolean)
                            || bad("errors", Json::is_array)
                            || bad("messages", Json::is_array)
                            || bad("result_info", result_info_ok),
                        "rejected {j}"
                    );
                }
            }
        }
    }

    /// `errors` and `messages` entries of any shape never make a body
    /// unparseable: one message per entry, strings as messages, `code` and
    /// `message` taken when they have the right type.
    #[test]
    fn envelope_messages_of_any_shape(errors in prop::collection::vec(arb_json(true), 0..5), messages in prop::collection::vec(arb_json(true), 0..5)) {
        let body = serde_json::to_vec(&json!({"errors": errors, "messages": messages, "result": null})).unwrap();
        let e = Envelope::parse(&body).expect("an envelope");
        prop_assert_eq!(e.errors.len(), errors.len());
        prop_assert_eq!(e.messages.len(), messages.len());
        prop_assert_eq!(e.success, errors.is_empty());
        for (raw, got) in errors.iter().zip(&e.errors).chain(messages.iter().zip(&e.messages)) {
            match raw {
                Json::String(s) => prop_assert_eq!(&got.message, s),
                other => {
                    prop_assert_eq!(got.code, other.get("code").and_then(Json::as_i64).unwrap_or(0));
                    prop_assert_eq!(got.message.as_str(), other.get("message").and_then(Json::as_str).unwrap_or(""));
                }
            }
        }
    }

    /// A well-formed envelope with random errors (with error chains),
    /// messages, result and result_info parses back to the same codes,
    /// messages, success flag, result and result_info.
    #[test]
    fn envelope_round_trip(
        success in prop::option::of(any::<bool>()),
        errors in prop::collection::vec(arb_msg(), 0..4),
        messages in prop::collection::vec(arb_msg(), 0..3),
        result in arb_json(true),
        info in arb_result_info(),
    ) {
        let mut body = json!({
            "errors": errors.iter().map(Msg::to_json).collect::<Vec<_>>(),
            "messages": messages.iter().map(Msg::to_json).collect::<Vec<_>>(),
            "result": result,
        });
        if let Some(s) = success {
            body["success"] = json!(s);
        }
        if let Some([page, per_page, count, total_count, total_pages]) = info {
            body["result_info"] = json!({
                "page": page, "per_page": per_page, "count": count,
                "total_count": total_count, "total_pages": total_pages,
            });
        }
        let text = serde_json::to_vec(&body).unwrap();
        let e = Envelope::parse(&text).expect("a well-formed envelope parses");
        prop_assert_eq!(e.success, success.unwrap_or(errors.is_empty()));
        prop_assert_eq!(e.errors.len(), errors.len());
        for (want, got) in errors.iter().zip(&e.errors) {
            want.assert_parsed_as(got)?;
        }
        prop_assert_eq!(e.messages.len(), messages.len());
        for (want, got) in messages.iter().zip(&e.messages) {
            want.assert_parsed_as(got)?;
        }
        let reread: Json = serde_json::from_slice(&serde_json::to_vec(&result).unwrap()).unwrap();
        prop_assert_eq!(&e.result, &reread);
        match (info, e.result_info) {
            (None, None) => {}
            (Some([page, per_page, count, total_count, total_pages]), Some(ri)) => {
                prop_assert_eq!(
                    (ri.page, ri.per_page, ri.count, ri.total_count, ri.total_pages),
                    (page, per_page, count, total_count, total_pages)
                );
            }
            (want, got) => {
                return Err(TestCaseError::fail(format!("result_info {want:?} parsed as {got:?}")))
            }
        }
    }
}

// ---------------------------------------------------------------------------
// The seed: new every run, printed when a property fails, and replayable
// ---------------------------------------------------------------------------

/// Set in its environment, [`fails_when_asked`] fails: for
/// [`a_failing_property_prints_a_seed_that_replays_it`] only.
const FAIL_ON_PURPOSE: &str = "CFTENANT_FUZZ_FAIL_ON_PURPOSE";

proptest! {
    #![proptest_config(config(1))]

    /// Passes, unless asked to fail; prints each case it tries.
    #[test]
    fn fails_when_asked(x in any::<u64>()) {
        println!("case {x}");
        prop_assert!(std::env::var_os(FAIL_ON_PURPOSE).is_none(), "failing on purpose at {x}");
    }
}

/// Runs [`fails_when_asked`] alone in a process of its own, asked to fail,
/// with this `PROPTEST_RNG_SEED` (or none); what it printed.
fn failing_run(seed: Option<u64>) -> String {
    let mut command = std::process::Command::new(std::env::current_exe().unwrap());
    command
        .args(["fails_when_asked", "--exact", "--test-threads=1"])
        .env(FAIL_ON_PURPOSE, "1")
        .env("PROPTEST_CASES", "1")
        .env_remove("PROPTEST_RNG_SEED");
    if let Some(seed) = seed {
        command.env("PROPTEST_RNG_SEED", seed.to_string());
    }
    let out = command.output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!out.status.success(), "asked to fail, it passed:\n{text}");
    assert!(text.contains("failing on purpose at"), "{text}");
    text
}

/// The seed a failed run printed, and the first case it tried.
fn seed_and_first_case(text: &str) -> (u64, u64) {
    let seed = text
        .lines()
        .find_map(|line| line.strip_prefix("proptest seed "))
        .unwrap_or_else(|| panic!("the failure does not show the seed:\n{text}"));
    let (seed, replay) = seed.split_once(' ').unwrap();
    assert_eq!(
        replay,
        format!("(replay: PROPTEST_RNG_SEED={seed} cargo test --test fuzz fails_when_asked)"),
        "{text}"
    );
    let first = text
        .lines()
        .find_map(|line| line.strip_prefix("case "))
        .unwrap_or_else(|| panic!("no case printed:\n{text}"));
    (seed.parse().unwrap(), first.parse().unwrap())
}

#[test]
fn a_failing_property_prints_a_seed_that_replays_it() {
    let (seed, first) = seed_and_first_case(&failing_run(None));
    let (next_seed, next_first) = seed_and_first_case(&failing_run(None));
    assert_ne!(seed, next_seed, "two runs used the same seed");
    assert_ne!(first, next_first, "two runs tried the same case");
    let replayed = seed_and_first_case(&failing_run(Some(seed)));
    assert_eq!(
        replayed,
        (seed, first),
        "PROPTEST_RNG_SEED={seed} did not try the same case again"
    );
    // Nothing was persisted into the tree (proptest's default would be
    // tests/fuzz.proptest-regressions, or a proptest-regressions/ directory).
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for path in [
        "tests/fuzz.proptest-regressions",
        "tests/proptest-regressions",
        "proptest-regressions",
    ] {
        assert!(
            !root.join(path).exists(),
            "{path} was written: failures must not be persisted"
        );
    }
}

#[test]
fn a_seed_is_a_number_or_new() {
    assert_eq!(seed_from(Some("42")), 42);
    assert_eq!(seed_from(Some(" 18446744073709551615\n")), u64::MAX);
    assert_ne!(seed_from(None), seed_from(None));
    let wrong = std::panic::catch_unwind(|| seed_from(Some("0x2a"))).unwrap_err();
    let message = wrong.downcast_ref::<String>().unwrap();
    assert!(
        message.contains("PROPTEST_RNG_SEED=\"0x2a\" is not a seed"),
        "{message}"
    );
    let c = config(7);
    assert!(c.failure_persistence.is_none());
    assert_eq!(c.rng_seed, RngSeed::Fixed(run_seed()));
}

// ---------------------------------------------------------------------------
// Hostile nesting (fixed inputs: generators keep trees small)
// ---------------------------------------------------------------------------

#[test]
fn deeply_nested_msgpack_is_an_error_not_a_stack_overflow() {
    let mut ty = Type::String;
    for _ in 0..8 {
        ty = Type::list(ty);
    }
    for depth in [600usize, 100_000] {
        let mut bytes = vec![0x91u8; depth]; // fixarray of one element
        bytes.push(0xc0);
        assert!(decode_msgpack(&bytes, &ty).is_err(), "depth {depth}");
        assert!(decode_msgpack(&bytes, &resource_type()).is_err());
    }
    // A nesting the type does allow still decodes.
    let mut bytes = vec![0x91u8; 8];
    bytes.push(0xa1);
    bytes.push(b'x');
    let mut v = decode_msgpack(&bytes, &ty).unwrap();
    for _ in 0..8 {
        let Value::List(mut items) = v else {
            panic!("expected a list")
        };
        v = items.pop().unwrap();
    }
    assert_eq!(v, Value::String("x".into()));
}

#[test]
fn huge_declared_lengths_are_an_error_not_an_allocation() {
    // array32 / map32 / str32 / bin32 claiming 4 GiB of content, then nothing.
    for marker in [0xddu8, 0xdf, 0xdb, 0xc6] {
        let bytes = [marker, 0xff, 0xff, 0xff, 0xff, 0xc0];
        assert!(decode_msgpack(&bytes, &resource_type()).is_err());
        assert!(decode_msgpack(&bytes, &Type::list(Type::Bool)).is_err());
    }
}

#[test]
fn deeply_nested_json_is_an_error_not_a_stack_overflow() {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert!(decode_json_state(deep.as_bytes(), &resource_type()).is_err());
    assert!(Envelope::parse(deep.as_bytes()).is_none());
    let deep_result = format!(
        "{{\"result\":{}{}}}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    assert!(Envelope::parse(deep_result.as_bytes()).is_none());
}

#[test]
fn error_chains_as_deep_as_json_allows_are_kept() {
    // serde_json stops at 128 levels; two per chain link (object + array).
    let depth = 60;
    let mut chain = json!({"code": depth, "message": "innermost"});
    for code in (0..depth).rev() {
        chain = json!({"code": code, "message": format!("level {code}"), "error_chain": [chain]});
    }
    let body = serde_json::to_vec(&json!({"success": false, "errors": [chain]})).unwrap();
    let e = Envelope::parse(&body).expect("parses");
    let mut m = &e.errors[0];
    for code in 0..depth {
        assert_eq!(m.code, code);
        m = &m.chain[0];
    }
    assert_eq!(m.message, "innermost");
}

#[test]
fn bare_json_arrays_and_scalars_are_not_envelopes() {
    for body in [
        &b"[]"[..],
        b"[true]",
        b"[true, [], [], {\"id\": 1}]",
        b"null",
        b"1",
        b"\"ok\"",
    ] {
        assert!(
            Envelope::parse(body).is_none(),
            "{:?} parsed as an envelope",
            String::from_utf8_lossy(body)
        );
    }
}
