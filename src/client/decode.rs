//! Reading an answer's `result` into the provider's types, tolerantly.
//!
//! Cloudflare's answers come in more than one shape: the documented one,
//! and the one the live API has been recorded giving (`tests/corpus/`,
//! `../shared/observed-api.md`). Every type that reads an answer accepts
//! both, ignores fields it does not know, and fails — naming the request
//! and the place in the answer — when a field it needs is in neither shape.
//! A missing field never becomes a silent null in state.

use super::error::{ApiError, ErrorKind};
use serde::de::DeserializeOwned;

/// `result` of the answer to `request`, as `T`; a shape `T` cannot read is
/// an error that names where in the answer it went wrong.
pub fn decode<T: DeserializeOwned>(
    request: &str,
    result: serde_json::Value,
) -> Result<T, ApiError> {
    serde_path_to_error::deserialize(result).map_err(|e| shape_error(request, e))
}

/// [`decode`] from the compact JSON text a list read kept.
pub fn decode_str<T: DeserializeOwned>(request: &str, json: &str) -> Result<T, ApiError> {
    let de = &mut serde_json::Deserializer::from_str(json);
    serde_path_to_error::deserialize(de).map_err(|e| shape_error(request, e))
}

fn shape_error<E: std::fmt::Display>(request: &str, e: serde_path_to_error::Error<E>) -> ApiError {
    let path = e.path().to_string();
    let at = if path == "." {
        "result".to_string()
    } else if path.starts_with('[') {
        format!("result{path}")
    } else {
        format!("result.{path}")
    };
    ApiError::new(
        request.to_string(),
        ErrorKind::Decode,
        format!(
            "the answer is not in a shape the provider knows, at `{at}`: {}",
            e.inner()
        ),
    )
}

/// [`decode`] of a `result`, as an error text: for the unit tests of the
/// types that read answers.
#[cfg(test)]
pub fn decode_for_test<T: DeserializeOwned>(result: serde_json::Value) -> Result<T, String> {
    decode("GET /test", result).map_err(|e| e.detail)
}

/// For `#[serde(default, deserialize_with = "null_as_empty")]` on a list:
/// `null` reads as empty, as when the API leaves the field out (recorded
/// answers have `"vanity_name_servers": null`).
pub fn null_as_empty<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    use serde::Deserialize;
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

/// For `#[serde(default, deserialize_with = "lenient_number")]`: a number,
/// or a number written as a string, as the live API has answered some
/// counts (`meta.custom_certificate_quota`: observed-api.md row 14). A
/// string that is no number is an error naming it, never a null.
pub fn lenient_number<'de, D>(d: D) -> Result<Option<f64>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    use serde::de::Error;
    use serde::Deserialize;
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Shapes {
        Number(f64),
        Text(String),
    }
    match Option::<Shapes>::deserialize(d)? {
        None => Ok(None),
        Some(Shapes::Number(n)) => Ok(Some(n)),
        Some(Shapes::Text(t)) => t
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|n| n.is_finite())
            .map(Some)
            .ok_or_else(|| D::Error::custom(format!("{t:?} is not a number"))),
    }
}

/// The one value of a field that the API names in two ways (`id` in the
/// documented shape, `account_tag` in the observed one). Neither: an error
/// naming both. Both: the documented one.
pub fn either<T>(
    documented: Option<T>,
    observed: Option<T>,
    names: (&str, &str),
) -> Result<T, String> {
    documented.or(observed).ok_or_else(|| {
        format!(
            "missing field `{}` (documented) or `{}` (as the live API has answered)",
            names.0, names.1
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    struct Quota {
        #[serde(default, deserialize_with = "lenient_number")]
        quota: Option<f64>,
    }

    #[test]
    fn a_count_reads_from_a_number_or_a_numeric_string_and_nothing_else() {
        let read = |v: serde_json::Value| serde_json::from_value::<Quota>(v).map(|q| q.quota);
        assert_eq!(read(serde_json::json!({"quota": 3})).unwrap(), Some(3.0));
        assert_eq!(read(serde_json::json!({"quota": "3"})).unwrap(), Some(3.0));
        assert_eq!(read(serde_json::json!({"quota": null})).unwrap(), None);
        assert_eq!(read(serde_json::json!({})).unwrap(), None);
        let e = read(serde_json::json!({"quota": "many"}))
            .unwrap_err()
            .to_string();
        assert!(e.contains("\"many\" is not a number"), "{e}");
    }

    #[derive(Debug, Deserialize)]
    struct Item {
        #[allow(dead_code)]
        id: String,
    }

    #[test]
    fn a_missing_field_names_the_request_and_where() {
        let e = decode::<Vec<Item>>(
            "GET /tenants/t/accounts",
            serde_json::json!([{"id": "a"}, {"name": "b"}]),
        )
        .unwrap_err();
        assert_eq!(e.kind, ErrorKind::Decode);
        assert_eq!(e.request, "GET /tenants/t/accounts");
        assert!(e.detail.contains("`result[1]`"), "{}", e.detail);
        assert!(e.detail.contains("missing field `id`"), "{}", e.detail);
    }

    #[test]
    fn either_prefers_the_documented_name_and_names_both_when_neither() {
        assert_eq!(either(Some(1), Some(2), ("id", "account_tag")), Ok(1));
        assert_eq!(either(None, Some(2), ("id", "account_tag")), Ok(2));
        let e = either::<u8>(None, None, ("id", "account_tag")).unwrap_err();
        assert!(e.contains("`id`") && e.contains("`account_tag`"), "{e}");
    }
}
