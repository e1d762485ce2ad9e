//! Ids as answers carry them, checked before they reach the state or a path.
//!
//! An answer is not trusted: a hostile or broken server could answer a
//! create with the id `../zones/0123…`, which a later plan would paste into
//! `GET /accounts/../zones/0123…` and a destroy into a `DELETE`. Every id an
//! answer gives is read as one of these types, so such an answer fails to
//! decode, naming the request and the field, and goes no further.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Cloudflare's object ids (accounts, zones, members, subscriptions, users,
/// roles, groups): 32 lowercase hexadecimal characters.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Id(String);

/// A tag the API gives a tenant or a unit (`tenant_tag`, `unit_tag`), and
/// the ids a tenant's account list carries, whose format no record pins
/// down (a partner's mock data has `234asdf`): 1 to 64 letters, digits,
/// `-` and `_`, which can go into a path as they are.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Tag(String);

/// An object an answer names by its id alone (`{"id": …}`, other fields
/// ignored): a zone's account, a member's roles, a policy's groups; and
/// written so where a request takes that form.
#[derive(Debug, Deserialize, Serialize)]
pub struct IdRef {
    #[serde(deserialize_with = "checked_id")]
    pub id: String,
}

/// What the error shows of a refused value: enough to recognise it, never
/// a whole megabyte.
fn shown(s: &str) -> String {
    let mut shown: String = s.chars().take(40).collect();
    if shown.len() < s.len() {
        shown.push('…');
    }
    format!("{shown:?}")
}

impl TryFrom<String> for Id {
    type Error = String;

    fn try_from(s: String) -> Result<Id, String> {
        if crate::checks::is_id32(&s) {
            Ok(Id(s))
        } else {
            Err(format!(
                "{} is not a Cloudflare id (32 lowercase hexadecimal characters)",
                shown(&s)
            ))
        }
    }
}

impl TryFrom<String> for Tag {
    type Error = String;

    fn try_from(s: String) -> Result<Tag, String> {
        let ok = !s.is_empty()
            && s.len() <= 64
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if ok {
            Ok(Tag(s))
        } else {
            Err(format!(
                "{} is not a tag (1 to 64 letters, digits, `-` and `_`)",
                shown(&s)
            ))
        }
    }
}

/// For `#[serde(deserialize_with = "crate::api::checked_id")]` on a
/// `String` field of a type that is also sent (a role `{id}`): read as an
/// [`Id`], kept as a string.
pub fn checked_id<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Id::deserialize(d).map(String::from)
}

/// [`checked_id`] for an optional id (`user.id` is `null` while an
/// invitation is pending).
pub fn checked_opt_id<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Option::<Id>::deserialize(d).map(|id| id.map(String::from))
}

/// For `#[serde(deserialize_with = "crate::api::checked_tag")]`: read as a
/// [`Tag`], kept as a string.
pub fn checked_tag<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Tag::deserialize(d).map(String::from)
}

macro_rules! string_like {
    ($t:ty) => {
        impl From<$t> for String {
            fn from(v: $t) -> String {
                v.0
            }
        }

        impl AsRef<str> for $t {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl PartialEq<str> for $t {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }
    };
}

string_like!(Id);
string_like!(Tag);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_that_could_reach_another_path_are_refused() {
        let ok: Id = serde_json::from_str("\"0123456789abcdef0123456789abcdef\"").unwrap();
        assert_eq!(ok.to_string(), "0123456789abcdef0123456789abcdef");
        for bad in [
            "../zones/0123456789abcdef0123456789abcdef",
            "0123456789ABCDEF0123456789ABCDEF",
            "",
            "0123456789abcdef0123456789abcdef/",
            "0123456789abcdef0123456789abcde%",
        ] {
            let e = serde_json::from_value::<Id>(serde_json::json!(bad))
                .unwrap_err()
                .to_string();
            assert!(e.contains("is not a Cloudflare id"), "{bad}: {e}");
        }
        let long = "a".repeat(10_000);
        let e = serde_json::from_value::<Id>(serde_json::json!(long))
            .unwrap_err()
            .to_string();
        assert!(e.len() < 200, "the refused value is shortened: {e}");
    }

    #[test]
    fn tags_are_path_safe() {
        for ok in ["234asdf", "7d0a0a5b2c1e4f3a9b8c6d5e4f3a2b1c", "unit-1_a"] {
            assert!(Tag::try_from(ok.to_string()).is_ok(), "{ok}");
        }
        for bad in ["", "../x", "a/b", "a b", "a?b", &"a".repeat(65)] {
            assert!(Tag::try_from(bad.to_string()).is_err(), "{bad}");
        }
    }
}
