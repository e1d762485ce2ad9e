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
use async_trait::async_trait;
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
    /// The create is a write of a singleton (a zone's rate plan): finding
    /// the wanted value means the write took effect, whoever made it so.
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

impl<T> Candidate<T> {
    /// An object judged by its creation time, where the API gives one.
    pub fn created(id: impl Into<String>, created_on: Option<String>, object: T) -> Candidate<T> {
        Candidate {
            id: id.into(),
            origin: created_on.map_or(Origin::Unknown, Origin::CreatedOn),
            object,
        }
    }
}

/// A create that may lose its answer, as each resource type plugs it in:
/// the POST, the lookup by natural key, and how what it finds is named.
#[async_trait]
pub trait Create: Send + Sync {
    /// What the POST answers: the object made.
    type Made: Send;
    /// The resource type, for the import advice: `cftenant_account`.
    const RESOURCE_TYPE: &'static str;
    /// What the API keeps unique, for a refusal as existing: `one zone of a
    /// name per account`.
    const UNIQUE: &'static str;
    /// The API's error codes for "this already exists" on this POST.
    const EXISTS_CODES: &'static [i64] = &[];

    /// What is created, for messages: `account "Acme"`.
    fn what(&self) -> String;

    /// The import id of an object found with this id.
    fn import_id(&self, id: &str) -> String {
        id.to_string()
    }

    /// When the server made the object an answer gives, if it says: that
    /// tells the server's clock for later judgements.
    fn created_on(_made: &Self::Made) -> Option<&str> {
        None
    }

    async fn post(&self, client: &Client) -> Result<Self::Made, ApiError>;

    /// The objects under the create's natural key, with their origin.
    async fn lookup(&self, client: &Client) -> Result<Vec<Candidate<Self::Made>>, ApiError>;
}

/// The candidates of one lookup, sorted by what we can tell of them.
struct Judged<T> {
    ours: Vec<Candidate<T>>,
    unknown: Vec<Candidate<T>>,
}

/// Sends the create until its outcome is known, adopting what its lookup
/// finds only when it is provably what a failed attempt made.
pub async fn create<C: Create>(client: &Client, create: &C) -> Result<C::Made, Diagnostic> {
    // Any attempt may be the one that created the object; all left after
    // this moment.
    let first_sent = SystemTime::now();
    let mut retries = 0;
    loop {
        let err = match create.post(client).await {
            Ok(made) => {
                if let Some(stamp) = C::created_on(&made) {
                    client
                        .server_clock()
                        .observe_stamp(stamp, SystemTime::now());
                }
                return Ok(made);
            }
            Err(e) if e.may_have_committed() => e,
            Err(e) if C::EXISTS_CODES.iter().any(|c| e.has_code(*c)) => {
                return Err(already_exists(create, &e, create.lookup(client).await));
            }
            Err(e) => return Err(diag::api_error(&format!("creating {}", create.what()), &e)),
        };
        // Not cut short by a stop, as the POST was not: only the lookup can
        // tell whether the object exists.
        let found = create.lookup(&client.unstoppable()).await.map_err(|e| {
            diag::api_error(
                &format!(
                    "looking for {} after a failed create ({err})",
                    create.what()
                ),
                &e,
            )
        })?;
        let mut judged = judge(client, create, found, first_sent);
        match (judged.ours.len(), judged.unknown.len()) {
            (1, 0) => {
                let adopted = judged.ours.remove(0);
                tracing::info!(what = %create.what(), id = %adopted.id, error = %err, "create failed without an answer; adopted the object it created");
                return Ok(adopted.object);
            }
            (0, 0) if retries < client.max_retries() => {
                // Nothing of ours: sending it again cannot duplicate anything.
                client
                    .wait_before_retry(retries, &err)
                    .await
                    .map_err(|e| diag::api_error(&format!("creating {}", create.what()), &e))?;
                retries += 1;
            }
            (0, 0) => {
                let err = ApiError {
                    attempts: retries + 1,
                    ..err
                };
                return Err(diag::api_error(
                    &format!("creating {}", create.what()),
                    &err,
                ));
            }
            _ => return Err(cannot_tell(create, &err, &judged)),
        }
    }
}

/// Sorts what a lookup found: created after `sent` (ours), before
/// (someone else's: dropped), or unknown.
fn judge<C: Create>(
    client: &Client,
    create: &C,
    found: Vec<Candidate<C::Made>>,
    sent: SystemTime,
) -> Judged<C::Made> {
    // The earliest the server's clock can have read when the POST left.
    let earliest_at_send = client.server_clock().earliest_server_time(sent);
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
            (Some(stamp), Some(earliest)) if may_be_made_after(stamp, earliest) => {
                judged.ours.push(c)
            }
            (Some(_), Some(_)) => {
                tracing::info!(what = %create.what(), id = %c.id, created_on = ?c.origin, "an object of the same name existed before the create: not adopted");
            }
            _ => judged.unknown.push(c),
        }
    }
    judged
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

/// `terraform import` commands for these objects, joined.
fn imports<C: Create>(ids: &[String]) -> String {
    ids.iter()
        .map(|id| format!("`terraform import {}.<name> {id}`", C::RESOURCE_TYPE))
        .collect::<Vec<_>>()
        .join(" or ")
}

fn cannot_tell<C: Create>(create: &C, err: &ApiError, judged: &Judged<C::Made>) -> Diagnostic {
    let ids: Vec<String> = judged
        .ours
        .iter()
        .chain(&judged.unknown)
        .map(|c| create.import_id(&c.id))
        .collect();
    let why = if judged.unknown.is_empty() {
        format!(
            "and {} objects created around the time of the request match it: {}. One of them may be the one this apply created.",
            ids.len(),
            ids.join(", ")
        )
    } else {
        let one = ids.len() == 1;
        format!(
            "and Cloudflare already has {} matching it ({}), but gives no creation time that would tell whether this apply created {} or {} was there before.",
            if one { "one".to_string() } else { ids.len().to_string() },
            ids.join(", "),
            if one { "it" } else { "one of them" },
            if one { "it" } else { "they" },
        )
    };
    Diagnostic::error(
        format!("Cannot tell whether {} was created", create.what()),
        format!(
            "Creating {} failed without an answer ({err}), {why} Nothing was put into the Terraform state. \
             If it is the one to manage here, run {}, then apply again; otherwise remove it through Cloudflare, \
             or change the configuration.",
            create.what(),
            imports::<C>(&ids)
        ),
    )
}

/// The API's refusal, plus the import id of what the lookup found.
fn already_exists<C: Create>(
    create: &C,
    refusal: &ApiError,
    found: Result<Vec<Candidate<C::Made>>, ApiError>,
) -> Diagnostic {
    let mut d = diag::api_error(&format!("creating {}", create.what()), refusal);
    let ids: Vec<String> = found
        .iter()
        .flatten()
        .map(|c| create.import_id(&c.id))
        .collect();
    if !ids.is_empty() {
        d.detail.push_str(&format!(
            "\n\nCloudflare allows {}, and {} already exists ({}). If this apply is replacing a {} \
             with `lifecycle {{ create_before_destroy = true }}`, that is the object being replaced: this \
             resource cannot be created before its old self is destroyed, so remove create_before_destroy \
             from it, and from any resource that refers to it (Terraform gives it to what those depend on \
             too). If it is not managed by this configuration (an earlier create lost its answer, or it \
             was made outside Terraform), run {} to manage it here; otherwise remove it or change the \
             configuration.",
            C::UNIQUE,
            if ids.len() == 1 { "it" } else { "they" },
            ids.join(" | "),
            C::RESOURCE_TYPE,
            imports::<C>(&ids)
        ));
    }
    d
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
