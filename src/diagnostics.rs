//! The one map from API errors to diagnostics, and the diagnostics every
//! resource shares (import ids, objects an import cannot find).

use crate::client::ApiError;
use tfplugin::diag::Diagnostic;

/// The one place an API error becomes a diagnostic. `action` says what we
/// were doing ("creating account \"acme\""); the detail carries the request
/// and Cloudflare's own codes and messages, and advice where we have some.
pub fn api_error(action: &str, e: &ApiError) -> Diagnostic {
    let mut detail = e.to_string();
    if let Some(advice) = e.advice() {
        detail.push_str("\n\n");
        detail.push_str(&advice);
    }
    Diagnostic::error(format!("Error {action}"), detail)
}

/// The id of an object in state. Every object Terraform holds has one; a
/// state without (edited by hand, say) must not build a path such as
/// `/accounts/`, which would reach another endpoint.
pub fn state_id<'a>(resource_type: &str, id: &'a Option<String>) -> Result<&'a str, Diagnostic> {
    id.as_deref().filter(|id| !id.is_empty()).ok_or_else(|| {
        Diagnostic::error(
            format!("{resource_type} has no id in state"),
            format!(
                "The state of this {resource_type} has no `id`, so the object it stands for cannot be found. \
                 Remove it from the state (`terraform state rm`) and import it again."
            ),
        )
    })
}

/// Turns an API error into a diagnostic saying what we were doing.
pub trait Context<T> {
    fn context(self, action: impl FnOnce() -> String) -> Result<T, Diagnostic>;
}

impl<T> Context<T> for Result<T, ApiError> {
    fn context(self, action: impl FnOnce() -> String) -> Result<T, Diagnostic> {
        self.map_err(|e| api_error(&action(), &e))
    }
}

/// Splits an import id into its parts (`account_id/member_id` → two ids),
/// each a Cloudflare id, or says what the id should look like.
pub fn parse_import_id<'a, const N: usize>(
    resource_type: &str,
    id: &'a str,
    parts: [&str; N],
) -> Result<[&'a str; N], Diagnostic> {
    let pieces: Vec<&str> = id.split('/').collect();
    if let Ok(ids) = <[&str; N]>::try_from(pieces) {
        if ids.iter().all(|p| crate::checks::is_id32(p)) {
            return Ok(ids);
        }
    }
    let example = vec!["023e105f4ecef8ad9ca31a8372d0c353"; N].join("/");
    let detail = match parts.as_slice() {
        [single] => {
            let noun = single.replace("_id", " id").replace('_', " ");
            let article = if noun.starts_with(['a', 'e', 'i', 'o', 'u']) {
                "an"
            } else {
                "a"
            };
            format!("{id:?} is not {article} {noun}: expected 32 lowercase hexadecimal characters")
        }
        _ => {
            let form: Vec<String> = parts.iter().map(|p| format!("<{p}>")).collect();
            format!(
                "{id:?} is not `{}`: expected {N} Cloudflare ids of 32 lowercase hexadecimal characters, separated by `/`",
                form.join("/")
            )
        }
    };
    Err(Diagnostic::error(
        format!("Invalid import id for {resource_type}"),
        format!("{detail}, e.g. `terraform import {resource_type}.example {example}`."),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "023e105f4ecef8ad9ca31a8372d0c353";
    const B: &str = "4536bcfad5faccb111b47003c79917fa";

    #[test]
    fn an_object_without_an_id_is_refused_not_sent() {
        assert_eq!(state_id("t", &Some(A.into())).unwrap(), A);
        for missing in [None, Some(String::new())] {
            let d = state_id("cftenant_zone", &missing).unwrap_err();
            assert!(
                d.summary.contains("cftenant_zone has no id in state"),
                "{}",
                d.summary
            );
        }
    }

    #[test]
    fn import_ids_are_split_and_checked() {
        assert_eq!(parse_import_id("t", A, ["zone_id"]).unwrap(), [A]);
        assert_eq!(
            parse_import_id("t", &format!("{A}/{B}"), ["account_id", "member_id"]).unwrap(),
            [A, B]
        );
        let e =
            parse_import_id("cftenant_account_member", A, ["account_id", "member_id"]).unwrap_err();
        assert!(
            e.detail.contains("`<account_id>/<member_id>`"),
            "{}",
            e.detail
        );
        assert!(e.detail.contains("terraform import cftenant_account_member.example 023e105f4ecef8ad9ca31a8372d0c353/023e105f4ecef8ad9ca31a8372d0c353"));
        assert!(parse_import_id("t", &format!("{A}/{B}/{A}"), ["a", "b"]).is_err());
        assert!(parse_import_id("t", "acme", ["account_id"])
            .unwrap_err()
            .detail
            .contains("32 lowercase hexadecimal"));
        assert!(parse_import_id("t", &format!("{A}/"), ["a", "b"]).is_err());
    }
}
