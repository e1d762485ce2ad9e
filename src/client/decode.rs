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
