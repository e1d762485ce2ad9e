//! Creating without losing track of anything, and without taking over
//! anything that was there before.
//!
//! A POST can create an object and still fail for us: the connection drops
//! after the server committed, the response times out, a proxy answers 502.
//! Re-sending it blindly would create a duplicate; giving up would leave an
//! orphan Terraform never hears of. So when a POST's outcome is unknown we
//! look the object up by its natural key (account by name, zone by name in
//! its account, member by email, subscription by rate plan) and judge each
//! object found by its [`Origin`]:
//!
//! - created (by the server's clock) after our POST left: ours, adopted;
//! - created before: someone else's, never adopted; if nothing else matches,
//!   the POST did not happen and is sent again;
//! - no creation time (members, account subscriptions): we cannot tell, so
//!   the create fails and names the import command that settles it.
//!
//! A create refused because the object already exists (an earlier apply's
//! create that lost its answer, one made outside Terraform, or the object a
//! `create_before_destroy` replacement is about to replace) names the
//! import id of what is there.

use crate::client::{parse_stamp, ApiError, Client, Stamp};
use crate::diagnostics as diag;
use std::future::Future;
use std::time::{Duration, SystemTime};
use tfplugin::diag::Diagnostic;

/// How far apart the clock behind the API's `Date` header and the one
/// behind its `created_on` may be. Together with the `Date` header's
/// one-second resolution this is the window in which an object created
/// just before our POST could be taken for ours (see RELIABILITY.md).
pub const CLOCK_TOLERANCE: Duration = Duration::from_secs(1);

/// What the API tells about where an object found by a lookup came from.
#[derive(Clone, Debug, PartialEq)]
pub enum Origin {
    /// Its `created_on`, as the API gives it.
    CreatedOn(String),
    /// The API gives no creation time.
    Unknown,
    /// The create is a write of a singleton (a zone's plan): finding the
    /// wanted value means the write took effect, whoever made it so.
    Written,
    /// Under the same key but not what we asked for: never ours (our create
    /// would have made it as asked). Named when the API refuses the create
    /// because it exists.
    Differs,
}

/// An object a lookup by natural key found.
pub struct Candidate<T> {
    pub id: String,
    pub origin: Origin,
    pub object: T,
}

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
    /// What the API keeps unique, for that refusal: `one zone of a name
    /// per account`.
    pub unique: &'static str,
}

/// The candidates of one lookup, sorted by what we can tell of them.
struct Judged<T> {
    ours: Vec<Candidate<T>>,
    unknown: Vec<Candidate<T>>,
}

impl Creation<'_> {
    /// Sends `post` until its outcome is known, adopting what `lookup`
    /// finds only when it is provably what a failed attempt created.
    /// `created_on` gives the creation time of what a POST returns: it
    /// tells the server's clock for later judgements.
    pub async fn run<T, P, PF, L, LF>(
        &self,
        mut post: P,
        lookup: L,
        created_on: impl Fn(&T) -> Option<&str>,
    ) -> Result<T, Diagnostic>
    where
        P: FnMut() -> PF,
        PF: Future<Output = Result<T, ApiError>>,
        L: Fn() -> LF,
        LF: Future<Output = Result<Vec<Candidate<T>>, ApiError>>,
    {
        // Any attempt may be the one that created the object; all left
        // after this moment.
        let first_sent = SystemTime::now();
        let mut retries = 0;
        loop {
            let err = match post().await {
                Ok(created) => {
                    if let Some(stamp) = created_on(&created) {
                        self.client
                            .server_clock()
                            .observe_stamp(stamp, SystemTime::now());
                    }
                    return Ok(created);
                }
                Err(e) if e.may_have_committed() => e,
                Err(e) if self.exists_codes.iter().any(|c| e.has_code(*c)) => {
                    return Err(self.already_exists(&e, lookup().await));
                }
                Err(e) => return Err(diag::api_error(&format!("creating {}", self.what), &e)),
            };
            let found = lookup().await.map_err(|e| {
                diag::api_error(
                    &format!("looking for {} after a failed create ({err})", self.what),
                    &e,
                )
            })?;
            let mut judged = self.judge(found, first_sent);
            match (judged.ours.len(), judged.unknown.len()) {
                (1, 0) => {
                    let adopted = judged.ours.remove(0);
                    tracing::info!(what = %self.what, id = %adopted.id, error = %err, "create failed without an answer; adopted the object it created");
                    return Ok(adopted.object);
                }
                (0, 0) if retries < self.client.max_retries() => {
                    // Nothing of ours: sending it again cannot duplicate anything.
                    self.client
                        .wait_before_retry(retries, &err)
                        .await
                        .map_err(|e| diag::api_error(&format!("creating {}", self.what), &e))?;
                    retries += 1;
                }
                (0, 0) => {
                    return Err(diag::api_error(
                        &format!("creating {}", self.what),
                        &ApiError {
                            attempts: retries + 1,
                            ..err
                        },
                    ))
                }
                _ => return Err(self.cannot_tell(&err, &judged)),
            }
        }
    }

    /// Sorts what a lookup found: created after `sent` (ours), before
    /// (someone else's: dropped), or unknown.
    fn judge<T>(&self, found: Vec<Candidate<T>>, sent: SystemTime) -> Judged<T> {
        // The earliest the server's clock can have read when the POST left.
        let earliest_at_send = self.client.server_clock().earliest_server_time(sent);
        let mut judged = Judged {
            ours: Vec::new(),
            unknown: Vec::new(),
        };
        for c in found {
            let created = match &c.origin {
                Origin::Written => {
                    judged.ours.push(c);
                    continue;
                }
                Origin::Differs => continue,
                Origin::CreatedOn(stamp) => parse_stamp(stamp),
                Origin::Unknown => None,
            };
            match (created, earliest_at_send) {
                (Some(stamp), Some(earliest)) => {
                    if may_be_made_after(stamp, earliest) {
                        judged.ours.push(c);
                    } else {
                        tracing::info!(what = %self.what, id = %c.id, created_on = ?c.origin, "an object of the same name existed before the create: not adopted");
                    }
                }
                _ => judged.unknown.push(c),
            }
        }
        judged
    }
}

/// Whether an object stamped `created` (by the server's clock) may have
/// been made by a request that left when that clock read `earliest_at_send`
/// or later: the clocks behind `Date` and `created_on` may disagree by
/// [`CLOCK_TOLERANCE`], and a stamp in whole seconds may stand for any
/// moment of its second.
fn may_be_made_after(created: Stamp, earliest_at_send: f64) -> bool {
    created.seconds + created.resolution.as_secs_f64()
        >= earliest_at_send - CLOCK_TOLERANCE.as_secs_f64()
}

impl Creation<'_> {
    fn cannot_tell<T>(&self, err: &ApiError, judged: &Judged<T>) -> Diagnostic {
        let ids: Vec<String> = judged
            .ours
            .iter()
            .chain(&judged.unknown)
            .map(|c| (self.import_id)(&c.id))
            .collect();
        let why = if judged.unknown.is_empty() {
            format!(
                "and {} objects created since then match it: {}. One of them may be the one this apply created.",
                ids.len(),
                ids.join(", ")
            )
        } else {
            format!(
                "and Cloudflare already has {} matching it ({}), but gives no creation time that would tell whether this apply created {} or {} was there before.",
                if ids.len() == 1 { "one".to_string() } else { ids.len().to_string() },
                ids.join(", "),
                if ids.len() == 1 { "it" } else { "one of them" },
                if ids.len() == 1 { "it" } else { "they" },
            )
        };
        let commands: Vec<String> = ids
            .iter()
            .map(|id| format!("`terraform import {}.<name> {id}`", self.resource_type))
            .collect();
        Diagnostic::error(
            format!("Cannot tell whether {} was created", self.what),
            format!(
                "Creating {} failed without an answer ({err}), {why} Nothing was put into the Terraform state. \
                 If it is the one to manage here, run {}, then apply again; otherwise remove it through Cloudflare, \
                 or change the configuration.",
                self.what,
                commands.join(" or ")
            ),
        )
    }

    /// The API's refusal, plus the import id of what `lookup` found.
    fn already_exists<T>(
        &self,
        refusal: &ApiError,
        found: Result<Vec<Candidate<T>>, ApiError>,
    ) -> Diagnostic {
        let mut d = diag::api_error(&format!("creating {}", self.what), refusal);
        let ids: Vec<String> = found
            .iter()
            .flatten()
            .map(|c| (self.import_id)(&c.id))
            .collect();
        if !ids.is_empty() {
            d.detail.push_str(&format!(
                "\n\nCloudflare allows {}, and {} already exists ({}). If this apply is replacing a {} \
                 with `lifecycle {{ create_before_destroy = true }}`, that is the object being replaced: this \
                 resource cannot be created before its old self is destroyed, so remove create_before_destroy \
                 from it. If it is not managed by this configuration (an earlier create lost its answer, or it \
                 was made outside Terraform), run `terraform import {}.<name> {}` to manage it here; otherwise \
                 remove it or change the configuration.",
                self.unique,
                if ids.len() == 1 { "it" } else { "they" },
                ids.join(" | "),
                self.resource_type,
                self.resource_type,
                ids.join(" | ")
            ));
        }
        d
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stamp(seconds: f64, resolution: Duration) -> Stamp {
        Stamp {
            seconds,
            resolution,
        }
    }

    const SENT: f64 = 1_000_000.0;
    const FINE: Duration = Duration::from_micros(1);
    const WHOLE: Duration = Duration::from_secs(1);

    #[test]
    fn made_seconds_before_the_post_left_is_never_ours() {
        assert!(!may_be_made_after(stamp(SENT - 3.0, FINE), SENT));
        assert!(!may_be_made_after(stamp(SENT - 1.5, FINE), SENT));
        // In whole seconds, the stamp may stand for up to a second later.
        assert!(!may_be_made_after(stamp(SENT - 2.5, WHOLE), SENT));
        assert!(!may_be_made_after(stamp(SENT - 3600.0, FINE), SENT));
    }

    #[test]
    fn made_within_the_clocks_tolerance_may_be_ours() {
        assert!(may_be_made_after(stamp(SENT - 0.5, FINE), SENT));
        assert!(
            may_be_made_after(stamp(SENT - 1.0, FINE), SENT),
            "the boundary"
        );
        assert!(may_be_made_after(stamp(SENT - 1.9, WHOLE), SENT));
        assert!(may_be_made_after(stamp(SENT + 0.2, FINE), SENT));
    }
}
