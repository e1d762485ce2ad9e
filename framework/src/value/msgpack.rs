//! Terraform's msgpack wire encoding of values (and the JSON encoding of
//! stored state), always read and written against the schema's type.

use super::{AttrPath, PathStep, Type, Value};
use rmpv::Value as Mp;
use std::collections::BTreeMap;

/// cty's extension code for an unknown value.
const EXT_UNKNOWN: i8 = 0;

#[derive(Debug, thiserror::Error)]
#[error("{}{message}", if path.is_root() { String::new() } else { format!("{path}: ") })]
pub struct DecodeError {
    pub path: AttrPath,
    pub message: String,
}

fn err(path: &AttrPath, message: impl Into<String>) -> DecodeError {
    DecodeError {
        path: path.clone(),
        message: message.into(),
    }
}

/// How much deeper than its type a msgpack value may nest: room for
/// attributes we ignore (e.g. from a newer schema).
const EXTRA_NESTING: usize = 16;

/// How many containers deep a value of this type can be.
fn nesting(ty: &Type) -> usize {
    match ty {
        Type::Bool | Type::Number | Type::String => 0,
        Type::List(el) | Type::Set(el) | Type::Map(el) => 1 + nesting(el),
        Type::Object(attrs) => 1 + attrs.values().map(nesting).max().unwrap_or(0),
    }
}

/// The depth limit handed to rmpv, in its units: a container costs 2 (the
/// value and its contents), a leaf up to 3 (value, string or ext, bytes).
/// rmpv's own default (1024) lets a few hundred nested arrays overflow a
/// 2 MiB thread stack in a debug build; no value of our types needs more
/// than its type's nesting.
fn max_depth(ty: &Type) -> usize {
    2 * (nesting(ty) + EXTRA_NESTING) + 3
}

/// Decodes msgpack bytes sent by Terraform. Empty bytes mean null.
pub fn decode_msgpack(bytes: &[u8], ty: &Type) -> Result<Value, DecodeError> {
    if bytes.is_empty() {
        return Ok(Value::Null);
    }
    let mut rd = bytes;
    let raw = rmpv::decode::read_value_with_max_depth(&mut rd, max_depth(ty))
        .map_err(|e| err(&AttrPath::root(), format!("malformed msgpack: {e}")))?;
    if !rd.is_empty() {
        return Err(err(
            &AttrPath::root(),
            format!("malformed msgpack: {} bytes after the value", rd.len()),
        ));
    }
    from_msgpack(&raw, ty, &AttrPath::root())
}

fn from_msgpack(raw: &Mp, ty: &Type, path: &AttrPath) -> Result<Value, DecodeError> {
    if raw.is_nil() {
        return Ok(Value::Null);
    }
    // Both plain (code 0) and refined (code 12) unknowns are simply unknown to us.
    if let Mp::Ext(_, _) = raw {
        return Ok(Value::Unknown);
    }
    Ok(match ty {
        Type::Bool => Value::Bool(raw.as_bool().ok_or_else(|| err(path, "expected a bool"))?),
        Type::String => Value::String(
            raw.as_str()
                .ok_or_else(|| err(path, "expected a string"))?
                .to_string(),
        ),
        Type::Number => {
            Value::Number(number_from_msgpack(raw).ok_or_else(|| err(path, "expected a number"))?)
        }
        Type::List(el) | Type::Set(el) => {
            let items = raw.as_array().ok_or_else(|| err(path, "expected a list"))?;
            let vals = items
                .iter()
                .enumerate()
                .map(|(i, v)| from_msgpack(v, el, &path.push(PathStep::Index(i as i64))))
                .collect::<Result<Vec<_>, _>>()?;
            if matches!(ty, Type::Set(_)) {
                Value::Set(vals)
            } else {
                Value::List(vals)
            }
        }
        Type::Map(el) => Value::Map(map_from_msgpack(raw, el, path)?),
        Type::Object(attrs) => Value::Object(object_from_msgpack(raw, attrs, path)?),
    })
}

fn map_from_msgpack(
    raw: &Mp,
    el: &Type,
    path: &AttrPath,
) -> Result<BTreeMap<String, Value>, DecodeError> {
    let entries = raw.as_map().ok_or_else(|| err(path, "expected a map"))?;
    let mut out = BTreeMap::new();
    for (k, v) in entries {
        let key = k
            .as_str()
            .ok_or_else(|| err(path, "map key is not a string"))?;
        out.insert(
            key.to_string(),
            from_msgpack(v, el, &path.push(PathStep::Key(key.into())))?,
        );
    }
    Ok(out)
}

fn object_from_msgpack(
    raw: &Mp,
    attrs: &BTreeMap<String, Type>,
    path: &AttrPath,
) -> Result<BTreeMap<String, Value>, DecodeError> {
    let entries = raw
        .as_map()
        .ok_or_else(|| err(path, "expected an object"))?;
    let mut out: BTreeMap<String, Value> = attrs.keys().map(|k| (k.clone(), Value::Null)).collect();
    for (k, v) in entries {
        let key = k
            .as_str()
            .ok_or_else(|| err(path, "attribute name is not a string"))?;
        // An attribute we do not know (e.g. from a newer schema) is ignored.
        if let Some(at) = attrs.get(key) {
            out.insert(
                key.to_string(),
                from_msgpack(v, at, &path.push(PathStep::Attribute(key.into())))?,
            );
        }
    }
    Ok(out)
}

fn number_from_msgpack(raw: &Mp) -> Option<serde_json::Number> {
    match raw {
        Mp::Integer(i) => i
            .as_i64()
            .map(serde_json::Number::from)
            .or_else(|| i.as_u64().map(serde_json::Number::from)),
        Mp::F32(f) => serde_json::Number::from_f64(f64::from(*f)),
        Mp::F64(f) => serde_json::Number::from_f64(*f),
        // cty writes numbers that do not fit a float64 exactly as decimal strings.
        Mp::String(s) => parse_number(s.as_str()?),
        _ => None,
    }
}

fn parse_number(s: &str) -> Option<serde_json::Number> {
    // "-0" is the float's negative zero, which no integer holds.
    if s != "-0" {
        if let Ok(i) = s.parse::<i64>() {
            return Some(i.into());
        }
        if let Ok(u) = s.parse::<u64>() {
            return Some(u.into());
        }
    }
    s.parse::<f64>().ok().and_then(serde_json::Number::from_f64)
}

/// -2^63, 2^63 and 2^64, where whole floats stop fitting an `i64` or a `u64`.
const I64_MIN: f64 = i64::MIN as f64;
const I64_END: f64 = -I64_MIN;
const U64_END: f64 = u64::MAX as f64;

/// A number as cty's JSON writes it: decimal digits, never an exponent.
///
/// Numbers go to Terraform as msgpack strings, the form cty itself uses for
/// numbers too precise for a float. Terraform before 1.15 decides whether a
/// refresh changed anything by comparing the state it read from JSON with the
/// refreshed one field by field (`reflect.DeepEqual`, removed upstream in
/// hashicorp/terraform 659d5e2). A number read from JSON text is parsed at 512
/// bits; one sent as a msgpack integer or float is held at 64 or 53. The
/// values are equal but the comparison is not, so `terraform plan
/// -refresh-only -detailed-exitcode` exited 2 with nothing to show for every
/// resource holding a number. Sent as text, both are parsed the same way.
fn number_text(n: &serde_json::Number) -> String {
    match (n.as_i64(), n.as_u64(), n.as_f64()) {
        (Some(i), _, _) => i.to_string(),
        (None, Some(u), _) => u.to_string(),
        // A whole float as its exact integer: its shortest decimal form
        // ("…500" for …504) would be read back as another integer. Zero keeps
        // the float's own text, which is "-0" for negative zero.
        (None, None, Some(f))
            if f.fract() == 0.0 && f != 0.0 && (I64_MIN..U64_END).contains(&f) =>
        {
            if f < I64_END {
                (f as i64).to_string()
            } else {
                (f as u64).to_string()
            }
        }
        (_, _, f) => f.unwrap_or_default().to_string(),
    }
}

/// Encodes a value for Terraform. Objects are written with every attribute
/// of their type (missing ones as null), as Terraform requires.
pub fn encode_msgpack(v: &Value, ty: &Type) -> Result<Vec<u8>, DecodeError> {
    let raw = to_msgpack(v, ty, &AttrPath::root())?;
    let mut out = Vec::with_capacity(256);
    rmpv::encode::write_value(&mut out, &raw).map_err(|e| err(&AttrPath::root(), e.to_string()))?;
    Ok(out)
}

fn to_msgpack(v: &Value, ty: &Type, path: &AttrPath) -> Result<Mp, DecodeError> {
    Ok(match (v, ty) {
        (Value::Null, _) => Mp::Nil,
        (Value::Unknown, _) => Mp::Ext(EXT_UNKNOWN, vec![0]),
        (Value::Bool(b), Type::Bool) => Mp::Boolean(*b),
        (Value::String(s), Type::String) => Mp::String(s.clone().into()),
        (Value::Number(n), Type::Number) => Mp::String(number_text(n).into()),
        // Lenient conversions for values that came from JSON with a looser type.
        (Value::Number(n), Type::String) => Mp::String(n.to_string().into()),
        (Value::Bool(b), Type::String) => Mp::String(b.to_string().into()),
        (Value::String(s), Type::Number) => {
            let n = parse_number(s).ok_or_else(|| err(path, format!("{s:?} is not a number")))?;
            return to_msgpack(&Value::Number(n), ty, path);
        }
        (Value::List(items) | Value::Set(items), Type::List(el) | Type::Set(el)) => Mp::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, x)| to_msgpack(x, el, &path.push(PathStep::Index(i as i64))))
                .collect::<Result<_, _>>()?,
        ),
        (Value::Map(m) | Value::Object(m), Type::Map(el)) => Mp::Map(
            m.iter()
                .map(|(k, x)| {
                    Ok((
                        Mp::String(k.clone().into()),
                        to_msgpack(x, el, &path.push(PathStep::Key(k.clone())))?,
                    ))
                })
                .collect::<Result<_, DecodeError>>()?,
        ),
        (Value::Object(m) | Value::Map(m), Type::Object(attrs)) => Mp::Map(
            attrs
                .iter()
                .map(|(k, at)| {
                    let x = m.get(k).unwrap_or(&Value::Null);
                    Ok((
                        Mp::String(k.clone().into()),
                        to_msgpack(x, at, &path.push(PathStep::Attribute(k.clone())))?,
                    ))
                })
                .collect::<Result<_, DecodeError>>()?,
        ),
        (other, ty) => {
            return Err(err(
                path,
                format!("value {other:?} does not match type {}", ty.to_json()),
            ))
        }
    })
}

/// Decodes the JSON form Terraform stores state in (used when upgrading state).
pub fn decode_json_state(bytes: &[u8], ty: &Type) -> Result<Value, DecodeError> {
    let json: serde_json::Value = serde_json::from_slice(bytes)
        .map_err(|e| err(&AttrPath::root(), format!("malformed JSON state: {e}")))?;
    from_json(&json, ty, &AttrPath::root())
}

pub(crate) fn from_json(
    j: &serde_json::Value,
    ty: &Type,
    path: &AttrPath,
) -> Result<Value, DecodeError> {
    use serde_json::Value as J;
    Ok(match (j, ty) {
        (J::Null, _) => Value::Null,
        (J::Bool(b), Type::Bool) => Value::Bool(*b),
        (J::String(s), Type::Bool) => Value::Bool(s == "true"),
        (J::String(s), Type::String) => Value::String(s.clone()),
        (J::Number(n), Type::String) => Value::String(n.to_string()),
        (J::Bool(b), Type::String) => Value::String(b.to_string()),
        (J::Number(n), Type::Number) => Value::Number(n.clone()),
        (J::String(s), Type::Number) => Value::Number(
            parse_number(s).ok_or_else(|| err(path, format!("{s:?} is not a number")))?,
        ),
        (J::Array(items), Type::List(el) | Type::Set(el)) => {
            let vals = items
                .iter()
                .enumerate()
                .map(|(i, x)| from_json(x, el, &path.push(PathStep::Index(i as i64))))
                .collect::<Result<Vec<_>, _>>()?;
            if matches!(ty, Type::Set(_)) {
                Value::Set(vals)
            } else {
                Value::List(vals)
            }
        }
        (J::Object(m), Type::Map(el)) => Value::Map(
            m.iter()
                .map(|(k, x)| {
                    Ok((
                        k.clone(),
                        from_json(x, el, &path.push(PathStep::Key(k.clone())))?,
                    ))
                })
                .collect::<Result<_, DecodeError>>()?,
        ),
        (J::Object(m), Type::Object(attrs)) => Value::Object(
            attrs
                .iter()
                .map(|(k, at)| {
                    let x = m.get(k).unwrap_or(&J::Null);
                    Ok((
                        k.clone(),
                        from_json(x, at, &path.push(PathStep::Attribute(k.clone())))?,
                    ))
                })
                .collect::<Result<_, DecodeError>>()?,
        ),
        (other, ty) => {
            return Err(err(
                path,
                format!("JSON value {other} does not match type {}", ty.to_json()),
            ))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account_type() -> Type {
        Type::object([
            ("id", Type::String),
            ("name", Type::String),
            ("retries", Type::Number),
            ("roles", Type::set(Type::String)),
            ("labels", Type::map(Type::String)),
            (
                "items",
                Type::list(Type::object([
                    ("name", Type::String),
                    ("value", Type::Number),
                ])),
            ),
        ])
    }

    #[test]
    fn round_trips_known_unknown_and_null() {
        let ty = account_type();
        let mut v = Value::Object(Default::default());
        v.set_attr("id", Value::Unknown);
        v.set_attr("name", Value::String("acme".into()));
        v.set_attr(
            "retries",
            Value::Number(serde_json::Number::from_f64(2.5).unwrap()),
        );
        v.set_attr(
            "roles",
            Value::Set(vec![Value::String("a".into()), Value::String("b".into())]),
        );
        v.set_attr(
            "labels",
            Value::Map([("k".to_string(), Value::String("v".into()))].into()),
        );
        v.set_attr(
            "items",
            Value::List(vec![Value::Object(
                [
                    ("name".to_string(), Value::String("page_rules".into())),
                    ("value".to_string(), Value::Number(50.into())),
                ]
                .into(),
            )]),
        );
        let bytes = encode_msgpack(&v, &ty).unwrap();
        let back = decode_msgpack(&bytes, &ty).unwrap();
        assert_eq!(back, v);
        assert!(back.attr("id").is_unknown());
        assert!(!back.is_wholly_known());
    }

    #[test]
    fn missing_object_attributes_encode_as_null() {
        let ty = account_type();
        let v = Value::Object([("name".to_string(), Value::String("x".into()))].into());
        let back = decode_msgpack(&encode_msgpack(&v, &ty).unwrap(), &ty).unwrap();
        assert!(back.attr("id").is_null());
        assert_eq!(back.attr("name").as_str(), Some("x"));
    }

    #[test]
    fn decodes_refined_unknowns_and_string_numbers() {
        let ty = Type::object([("a", Type::Number), ("b", Type::String)]);
        let raw = Mp::Map(vec![
            (Mp::from("a"), Mp::from("12345678901234567890123")),
            (Mp::from("b"), Mp::Ext(12, vec![0x80])),
        ]);
        let mut bytes = Vec::new();
        rmpv::encode::write_value(&mut bytes, &raw).unwrap();
        let v = decode_msgpack(&bytes, &ty).unwrap();
        assert!(v.attr("b").is_unknown());
        assert!(matches!(v.attr("a"), Value::Number(n) if n.as_f64().unwrap() > 1e22));
    }

    #[test]
    fn numbers_are_sent_as_the_decimal_text_terraform_stores() {
        let text_of = |n: serde_json::Number| {
            let bytes = encode_msgpack(&Value::Number(n), &Type::Number).unwrap();
            match rmpv::decode::read_value(&mut bytes.as_slice()).unwrap() {
                Mp::String(s) => s.into_str().unwrap(),
                other => panic!("a number was sent as {other:?}, not as text"),
            }
        };
        assert_eq!(text_of(0.into()), "0");
        assert_eq!(text_of((-7).into()), "-7");
        assert_eq!(text_of(u64::MAX.into()), "18446744073709551615");
        let float = |f: f64| serde_json::Number::from_f64(f).unwrap();
        assert_eq!(text_of(float(2.0)), "2");
        assert_eq!(text_of(float(2.5)), "2.5");
        assert_eq!(text_of(float(0.1)), "0.1");
        assert_eq!(text_of(float(1e22)), "10000000000000000000000");
        assert_eq!(
            text_of(float(-155_072_473_488_581_504.0)),
            "-155072473488581504"
        );
        assert_eq!(text_of(float(-0.0)), "-0");
        let back = |n| {
            decode_msgpack(
                &encode_msgpack(&Value::Number(n), &Type::Number).unwrap(),
                &Type::Number,
            )
            .unwrap()
        };
        assert_eq!(back(float(-0.0)), Value::Number(float(-0.0)));
        assert_eq!(back(float(2.0)), Value::Number(2.into()));
    }

    #[test]
    fn type_errors_carry_the_attribute_path() {
        let ty = account_type();
        let raw = Mp::Map(vec![(
            Mp::from("items"),
            Mp::Array(vec![Mp::Map(vec![(Mp::from("value"), Mp::from("lots"))])]),
        )]);
        let mut bytes = Vec::new();
        rmpv::encode::write_value(&mut bytes, &raw).unwrap();
        let e = decode_msgpack(&bytes, &ty).unwrap_err();
        assert_eq!(e.path.to_string(), "items[0].value");
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(decode_msgpack(&[0xc1, 0xff, 0x00], &account_type()).is_err());
        assert!(decode_msgpack(&[0x92], &account_type()).is_err());
    }

    #[test]
    fn nesting_deeper_than_the_type_is_refused_without_recursing() {
        // 100k nested one-element arrays would overflow the stack in rmpv.
        let mut bytes = vec![0x91u8; 100_000];
        bytes.push(0xc0);
        let e = decode_msgpack(&bytes, &account_type()).unwrap_err();
        assert!(e.message.contains("depth"), "{e}");
        // The deepest value the type allows, with every leaf unknown or a string.
        let ty = Type::list(Type::map(Type::set(Type::String)));
        let v = Value::List(vec![Value::Map(
            [(
                "k".to_string(),
                Value::Set(vec![Value::String("x".into()), Value::Unknown]),
            )]
            .into(),
        )]);
        let back = decode_msgpack(&encode_msgpack(&v, &ty).unwrap(), &ty).unwrap();
        assert_eq!(back, v);
    }

    #[test]
    fn json_state_decodes_with_type() {
        let ty = account_type();
        let v =
            decode_json_state(br#"{"id":"abc","retries":3,"roles":["x"],"extra":1}"#, &ty).unwrap();
        assert_eq!(v.attr("id").as_str(), Some("abc"));
        assert_eq!(
            v.attr("roles"),
            &Value::Set(vec![Value::String("x".into())])
        );
        assert!(v.attr("name").is_null());
    }
}
