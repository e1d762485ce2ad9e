//! Creating without losing track of anything.
//!
//! A POST can create an object and still fail for us: the connection drops
//! after the server committed, the response times out, a proxy answers 502.
//! Re-sending it blindly would create a duplicate; giving up would leave an
//! orphan Terraform never hears of. So when a POST's outcome is unknown we
//! first look the object up by its natural key (account by name, zone by
//! name in its account, member by email, subscription by rate plan): one
//! match is adopted, none means the POST did not happen and is sent again,
//! several mean we cannot tell, and the user is told exactly what to import.
//! A create refused because the object already exists (an earlier apply's
//! create that lost its answer, or one made outside Terraform) is looked up
//! the same way, so the error can name the import id.

use crate::client::{ApiError, Client};
use crate::diag::{self, Diagnostic};
use std::future::Future;

/// What a lookup by natural key found: `(id, object)` pairs.
pub type Found<T> = Vec<(String, T)>;

pub struct Creation<'a> {
    pub client: &'a Client,
    /// What we are creating, for messages: `account "Acme"`.
    pub what: String,
    /// The resource type, for the import advice: `cftenant_account`.
    pub resource_type: &'static str,
    /// How the import id is formed from a found object's id.
    pub import_id: Box<dyn Fn(&str) -> String + Send + Sync + 'a>,
    /// The API's error codes for "this already exists" on this POST.
    pub exists_codes: &'static [i64],
}

impl Creation<'_> {
    /// Sends `post` until its outcome is known, adopting what `lookup` finds
    /// when a failed attempt may have created the object.
    pub async fn run<T, P, PF, L, LF>(&self, mut post: P, lookup: L) -> Result<T, Diagnostic>
    where
        P: FnMut() -> PF,
        PF: Future<Output = Result<T, ApiError>>,
        L: Fn() -> LF,
        LF: Future<Output = Result<Found<T>, ApiError>>,
    {
        let mut retries = 0;
        loop {
            let err = match post().await {
                Ok(created) => return Ok(created),
                Err(e) if e.may_have_committed() => e,
                Err(e) if self.exists_codes.iter().any(|c| e.has_code(*c)) => {
                    return Err(self.already_exists(&e, lookup().await));
                }
                Err(e) => return Err(diag::api_error(&format!("creating {}", self.what), &e)),
            };
            let mut found = lookup().await.map_err(|e| {
                diag::api_error(
                    &format!("looking for {} after a failed create ({err})", self.what),
                    &e,
                )
            })?;
            match found.len() {
                0 if retries < self.client.max_retries() => {
                    // Not created: sending it again cannot duplicate anything.
                    self.client
                        .wait_before_retry(retries, &err)
                        .await
                        .map_err(|e| diag::api_error(&format!("creating {}", self.what), &e))?;
                    retries += 1;
                }
                0 => {
                    return Err(diag::api_error(
                        &format!("creating {}", self.what),
                        &ApiError {
                            attempts: retries + 1,
                            ..err
                        },
                    ))
                }
                1 => {
                    let (id, object) = found.remove(0);
                    tracing::info!(what = %self.what, id = %id, error = %err, "create failed without an answer; adopted the object it created");
                    return Ok(object);
                }
                _ => {
                    let ids: Vec<String> =
                        found.iter().map(|(id, _)| (self.import_id)(id)).collect();
                    return Err(Diagnostic::error(
                        format!("Cannot tell whether {} was created", self.what),
                        format!(
                            "Creating {} failed without an answer ({err}), and {} objects now match it: {}. \
                             One of them may be the one this apply created. Find out which (for example in the dashboard), then run \
                             `terraform import {}.<name> <id>` with its import id, and delete any duplicate.",
                            self.what,
                            ids.len(),
                            ids.join(", "),
                            self.resource_type
                        ),
                    ));
                }
            }
        }
    }

    /// The API's refusal, plus the import id of what `lookup` found.
    fn already_exists<T>(
        &self,
        refusal: &ApiError,
        found: Result<Found<T>, ApiError>,
    ) -> Diagnostic {
        let mut d = diag::api_error(&format!("creating {}", self.what), refusal);
        let ids: Vec<String> = found
            .iter()
            .flatten()
            .map(|(id, _)| (self.import_id)(id))
            .collect();
        if !ids.is_empty() {
            d.detail.push_str(&format!(
                "\n\nIt exists but is not in this Terraform state (an earlier create may have lost its answer, or it was \
                 made outside Terraform). To manage it here, run `terraform import {}.<name> {}`; otherwise remove it or \
                 change the configuration.",
                self.resource_type,
                ids.join(" | ")
            ));
        }
        d
    }
}
