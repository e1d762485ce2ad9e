//! Typed views of values: resources read and write plain serde structs.

use super::msgpack::{from_json, DecodeError};
use super::{AttrPath, PathStep, Type, Value};
use serde::{de::DeserializeOwned, Serialize};

/// Converts a (known) value into a typed struct. Unknown parts read as
/// `None`: resources only see typed values once Terraform knows them, and
/// plan-time logic that must tell unknown from null works on [`Value`].
pub fn from_value<T: DeserializeOwned>(v: &Value) -> Result<T, DecodeError> {
    let json = to_json(v);
    serde_path_to_error::deserialize(json).map_err(|e| {
        let path = AttrPath(
            e.path()
                .iter()
                .filter_map(|seg| match seg {
                    serde_path_to_error::Segment::Map { key } => {
                        Some(PathStep::Attribute(key.clone()))
                    }
                    serde_path_to_error::Segment::Seq { index } => {
                        Some(PathStep::Index(*index as i64))
                    }
                    _ => None,
                })
                .collect(),
        );
        DecodeError {
            path,
            message: e.inner().to_string(),
        }
    })
}

/// Converts a typed struct into a value of the given type.
pub fn to_value<T: Serialize>(t: &T, ty: &Type) -> Result<Value, DecodeError> {
    let json = serde_json::to_value(t).map_err(|e| DecodeError {
        path: AttrPath::root(),
        message: e.to_string(),
    })?;
    from_json(&json, ty, &AttrPath::root())
}

fn to_json(v: &Value) -> serde_json::Value {
    use serde_json::Value as J;
    match v {
        Value::Null | Value::Unknown => J::Null,
        Value::Bool(b) => J::Bool(*b),
        Value::Number(n) => J::Number(n.clone()),
        Value::String(s) => J::String(s.clone()),
        Value::List(items) | Value::Set(items) => J::Array(items.iter().map(to_json).collect()),
        Value::Map(m) | Value::Object(m) => {
            J::Object(m.iter().map(|(k, x)| (k.clone(), to_json(x))).collect())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Serialize, Deserialize, PartialEq)]
    struct Component {
        name: String,
        value: f64,
    }

    #[derive(Debug, Serialize, Deserialize, PartialEq)]
    struct Model {
        id: Option<String>,
        name: String,
        paused: Option<bool>,
        components: Option<Vec<Component>>,
    }

    fn ty() -> Type {
        Type::object([
            ("id", Type::String),
            ("name", Type::String),
            ("paused", Type::Bool),
            (
                "components",
                Type::list(Type::object([
                    ("name", Type::String),
                    ("value", Type::Number),
                ])),
            ),
        ])
    }

    #[test]
    fn struct_round_trip() {
        let m = Model {
            id: None,
            name: "acme".into(),
            paused: Some(false),
            components: Some(vec![Component {
                name: "page_rules".into(),
                value: 50.0,
            }]),
        };
        let v = to_value(&m, &ty()).unwrap();
        assert!(v.attr("id").is_null());
        let back: Model = from_value(&v).unwrap();
        assert_eq!(back, m);
    }

    #[test]
    fn unknown_reads_as_none() {
        let mut v = to_value(
            &Model {
                id: None,
                name: "a".into(),
                paused: None,
                components: None,
            },
            &ty(),
        )
        .unwrap();
        v.set_attr("id", Value::Unknown);
        let m: Model = from_value(&v).unwrap();
        assert_eq!(m.id, None);
    }

    #[test]
    fn errors_name_the_attribute() {
        let mut v = to_value(
            &Model {
                id: None,
                name: "a".into(),
                paused: None,
                components: None,
            },
            &ty(),
        )
        .unwrap();
        v.set_attr(
            "components",
            Value::List(vec![Value::Object(
                [("name".to_string(), Value::Bool(true))].into(),
            )]),
        );
        let e = from_value::<Model>(&v).unwrap_err();
        assert_eq!(e.path.to_string(), "components[0].name");
    }
}
