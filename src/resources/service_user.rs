//! `cftenant_service_user`: a non-login user created for one customer
//! (`POST /users`), so the partner can call the API as that user.
//!
//! Cloudflare has no `GET` or `DELETE /users/{id}`. The only read is
//! `GET /user` with the service user's own email and API key (which is
//! only returned at creation, so it is kept in state, marked sensitive).
//! Destroying the resource only removes it from state, with a warning: the
//! user must be removed through Cloudflare, and its access is managed with
//! `cftenant_account_member`.

use crate::api::paths;
use crate::checks;
use crate::client::{ApiError, Auth, Client, ErrorKind};
use crate::diagnostics::Context;
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tfplugin::diag::{Diagnostic, Diagnostics};
use tfplugin::resource::{import_not_found, Change, Imported, OpResult, Resource};
use tfplugin::schema::{Attribute, Schema};
use tfplugin::value::{AttrPath, Type};

pub struct ServiceUserResource;

/// Import reads the key from here, never from the import id (which
/// Terraform prints).
pub const IMPORT_KEY_ENV: &str = "CFTENANT_SERVICE_USER_API_KEY";

/// Cloudflare's code for an `X-Auth-Email` + `X-Auth-Key` pair it does not know.
const UNKNOWN_KEY_PAIR: i64 = 9103;

/// The simulator's code for `POST /users` with an email a user already has.
const USER_EXISTS: i64 = 1012;

/// What [`Client::saw`] notes service users under, by email.
const SERVICE_USERS: &str = "service user";

/// What to do about a service user that still exists in Cloudflare but is
/// no longer (or not yet) in this state.
fn recovery(email: &str) -> String {
    format!(
        "Cloudflare cannot delete users, and returns a service user's API key only when it is created. To manage \
         the existing user {email:?} again, get its API key through Cloudflare and import it: \
         `{IMPORT_KEY_ENV}=<key> terraform import cftenant_service_user.<name> {email}`. Or use another email for a new user."
    )
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct ServiceUser {
    pub id: Option<String>,
    pub email: String,
    pub username: Option<String>,
    pub created_on: Option<String>,
    pub api_key: Option<String>,
}

#[derive(Debug, Deserialize)]
struct ApiUser {
    #[serde(deserialize_with = "crate::api::checked_id")]
    id: String,
    email: Option<String>,
    username: Option<String>,
    created_on: Option<String>,
    api_key: Option<String>,
}

#[derive(Serialize)]
struct CreateBody<'a> {
    email: &'a str,
}

impl ServiceUser {
    fn merge(&mut self, api: ApiUser) {
        self.id = Some(api.id);
        if let Some(email) = api.email {
            self.email = email;
        }
        self.username = api.username.or(self.username.take());
        self.created_on = api.created_on.or(self.created_on.take());
        // `GET /user` never returns the key: keep the one from creation.
        self.api_key = api.api_key.or(self.api_key.take());
    }

    fn own_auth(&self) -> Option<Auth> {
        self.api_key.clone().map(|key| Auth::Key {
            email: self.email.clone(),
            key,
        })
    }
}

/// POST /users. Unlike other objects, a user whose creation lost its
/// response cannot be adopted: the API key only ever comes in that
/// response. A retry either creates the user (the first attempt did
/// nothing) or is refused as a duplicate, which we explain.
async fn create_user(client: &Client, email: &str) -> Result<ApiUser, Diagnostic> {
    let mut retries = 0;
    let mut unanswered: Option<ApiError> = None;
    loop {
        match client
            .post::<_, ApiUser>(paths::USERS, &CreateBody { email })
            .await
        {
            Ok(user) => return Ok(user),
            Err(e) if e.may_have_committed() && retries < client.max_retries() => {
                client
                    .wait_before_retry(retries, &e)
                    .await
                    .context(|| format!("creating service user {email:?}"))?;
                retries += 1;
                unanswered = Some(e);
            }
            Err(e) if e.kind == ErrorKind::Invalid && unanswered.is_some() => {
                let first = unanswered.map(|u| u.to_string()).unwrap_or_default();
                return Err(Diagnostic::error(
                    format!("Service user {email:?} was probably created, but its API key was lost"),
                    format!(
                        "A first attempt failed without an answer ({first}); the retry was refused ({e}). Cloudflare returns a service user's API key \
                         only in the response to its creation, so it cannot be recovered. Get a new key for the user through Cloudflare, then import it with \
                         `{IMPORT_KEY_ENV}=<key> terraform import cftenant_service_user.<name> {email}`, or use another email."
                    ),
                ));
            }
            Err(e) if e.has_code(USER_EXISTS) => {
                let mut d =
                    crate::diagnostics::api_error(&format!("creating service user {email:?}"), &e);
                d.detail.push_str(&format!(
                    "\n\nA user with this email already exists. {}",
                    recovery(email)
                ));
                return Err(d);
            }
            Err(e) => {
                return Err(crate::diagnostics::api_error(
                    &format!("creating service user {email:?}"),
                    &e,
                ))
            }
        }
    }
}

/// Where the key a read uses came from, which decides what a refusal means.
#[derive(Clone, Copy, PartialEq)]
enum KeyFrom {
    /// The key in state: refused, the user was removed through Cloudflare.
    State,
    /// The key given to import: refused, it is simply wrong.
    Import,
}

/// Reads the user with its own email and key: `GET /user` is the only read
/// the API has for a service user.
async fn read_with_own_key(
    client: &Client,
    mut state: ServiceUser,
    key_from: KeyFrom,
) -> OpResult<Option<ServiceUser>, ServiceUser> {
    let Some(auth) = state.own_auth() else {
        return Err(Diagnostic::error(
            "Cannot read service user",
            format!("The state has no API key for service user {:?}, so it cannot be read. Import it again with {IMPORT_KEY_ENV} set.", state.email),
        )
        .into());
    };
    match client.get_as::<ApiUser>(paths::USER, &auth).await {
        Ok(user) => {
            state.merge(user);
            client.saw(SERVICE_USERS, &state.email);
            Ok(Some(state))
        }
        // Cloudflare no longer knows the user's own email + key: the user
        // was removed through Cloudflare. Gone: Terraform plans a create.
        Err(e)
            if key_from == KeyFrom::State
                && e.kind == ErrorKind::Forbidden
                && e.has_code(UNKNOWN_KEY_PAIR) =>
        {
            Ok(None)
        }
        Err(e) if matches!(e.kind, ErrorKind::Unauthorized | ErrorKind::Forbidden) => {
            let advice = match key_from {
                KeyFrom::State => format!(
                    "The key in state no longer works: it was rotated, or the user was removed through Cloudflare. \
                     If the user is gone, run `terraform state rm` on this resource; if the key changed, import it again with {IMPORT_KEY_ENV} set."
                ),
                KeyFrom::Import => format!(
                    "Check the email and the key in {IMPORT_KEY_ENV}: it must be the key Cloudflare returned when the user was created."
                ),
            };
            Err(Diagnostic::error(
                format!(
                    "Cannot read service user {:?} with its own API key",
                    state.email
                ),
                format!("{e}\n\n{advice}"),
            )
            .into())
        }
        Err(e) => Err(crate::diagnostics::api_error(
            &format!("reading service user {:?}", state.email),
            &e,
        )
        .into()),
    }
}

#[async_trait]
impl Resource for ServiceUserResource {
    type Client = Client;
    type Model = ServiceUser;
    const TYPE_NAME: &'static str = "cftenant_service_user";

    fn schema() -> Schema {
        Schema::new(
            "A tenant service user: a user without a login, created for one customer (`POST /users`; Cloudflare enables this per tenant). \
             Grant it access with `cftenant_account_member`. Destroying this resource only forgets the user: Cloudflare has no API to delete users, \
             and the user's API key, which only this resource's state holds, is lost. Protect it with `lifecycle { prevent_destroy = true }`; \
             a replacement that keeps the email is refused at plan, since the old user cannot be deleted.",
            vec![
                Attribute::computed("id", Type::String, "User id."),
                Attribute::required("email", Type::String, "A unique email address for the service user. Another address replaces the user (the old one stays in Cloudflare); the same address in other letter case is no change.")
                    .check(checks::EMAIL)
                    .equivalent(checks::same_email)
                    .replaces(),
                Attribute::computed("username", Type::String, "The user's username."),
                Attribute::computed("created_on", Type::String, "When the user was created (RFC 3339)."),
                Attribute::computed("api_key", Type::String, "The user's global API key, returned only when the user is created. Kept in state; never shown.").sensitive(),
            ],
        )
    }

    /// Cloudflare cannot delete users: a replacement keeps the old user and
    /// loses its key. One towards the same email fails at apply besides,
    /// and is refused: `-replace` (told by the object's private data) and a
    /// tainted user's (Terraform plans its new half as a plain create,
    /// without private data: the refresh of the tainted user, moments
    /// before in the same run, is what tells that the email exists; with
    /// `-refresh=false` nothing tells).
    async fn review_plan(
        &self,
        client: Option<&Client>,
        change: &Change<'_, ServiceUser>,
    ) -> Diagnostics {
        let mut diags = Diagnostics::default();
        let email = &change.planned.email;
        let seen =
            || change.known("email") && client.is_some_and(|c| c.has_seen(SERVICE_USERS, email));
        if change.forced {
            diags.attr_error(
                AttrPath::attr("email"),
                "A service user cannot be replaced with itself",
                format!(
                    "This plan replaces cftenant_service_user {email:?} (`-replace`), but Cloudflare cannot \
                     delete users: the old user would stay, and creating one with the same email fails. Its API key, \
                     which only the state holds, would be lost. Drop `-replace` (or `terraform untaint` it); to start \
                     over with a new user, give it another email."
                ),
            );
        } else if change.prior.is_none() && seen() {
            diags.attr_error(
                AttrPath::attr("email"),
                "A service user cannot be replaced with itself",
                format!(
                    "This plan creates service user {email:?}, which this run has just read in Cloudflare (the resource is \
                     tainted, for instance): the old user would stay, the create would fail, and its API key, which only \
                     the state holds, would be lost. Run `terraform untaint` on it to keep it. {}",
                    recovery(email)
                ),
            );
        } else if let Some(old) = change.prior.filter(|_| change.replacing).map(|p| &p.email) {
            diags.warning(
                format!("Service user {old:?} will be forgotten, not deleted"),
                format!(
                    "The new email replaces the service user: a new user {email:?} is created, and {old:?} stays in \
                     Cloudflare (which cannot delete users) while its API key, held only in this state, is lost. {}",
                    recovery(old)
                ),
            );
        }
        diags
    }

    async fn review_destroy(&self, _client: Option<&Client>, prior: &ServiceUser) -> Diagnostics {
        let mut diags = Diagnostics::default();
        let email = &prior.email;
        diags.warning(
            format!("Destroying service user {email:?} loses its API key"),
            format!(
                "Cloudflare cannot delete users: the user stays, and its API key, held only in this state, is lost. \
                 Prevent this with `lifecycle {{ prevent_destroy = true }}` on the resource. {}",
                recovery(email)
            ),
        );
        diags
    }

    async fn create(
        &self,
        client: &Client,
        planned: ServiceUser,
    ) -> OpResult<ServiceUser, ServiceUser> {
        let created = create_user(client, &planned.email).await?;
        let mut state = planned;
        state.merge(created);
        Ok(state)
    }

    async fn read(
        &self,
        client: &Client,
        state: ServiceUser,
    ) -> OpResult<Option<ServiceUser>, ServiceUser> {
        read_with_own_key(client, state, KeyFrom::State).await
    }

    async fn update(
        &self,
        _client: &Client,
        prior: ServiceUser,
        _planned: ServiceUser,
    ) -> OpResult<ServiceUser, ServiceUser> {
        // Every configurable attribute replaces the user: nothing to update.
        Ok(prior)
    }

    async fn delete(
        &self,
        _client: &Client,
        state: ServiceUser,
    ) -> OpResult<Diagnostics, ServiceUser> {
        let mut d = Diagnostics::default();
        d.0.push(Diagnostic::warning(
            format!("Service user {:?} was only removed from the Terraform state", state.email),
            "Cloudflare has no API to delete users: the user still exists. Remove it through Cloudflare (support or the dashboard). \
             Its access to accounts is managed with cftenant_account_member resources: destroy those to revoke it.",
        ));
        Ok(d)
    }

    async fn import(
        &self,
        client: &Client,
        email: &str,
    ) -> OpResult<Imported<ServiceUser>, ServiceUser> {
        let Some(key) = std::env::var(IMPORT_KEY_ENV).ok().filter(|k| !k.is_empty()) else {
            return Err(Diagnostic::error(
                "Cannot import cftenant_service_user without its API key",
                format!("Set {IMPORT_KEY_ENV} to the service user's API key and import by its email, e.g. `{IMPORT_KEY_ENV}=... terraform import cftenant_service_user.example svc@example.com`. The key is read from the environment so that it never appears in Terraform's output."),
            )
            .into());
        };
        if client
            .key_email()
            .is_some_and(|own| checks::same_email(own, email))
        {
            return Err(Diagnostic::error(
                format!("{email:?} is the user this provider acts as, not a service user"),
                "The provider's own credentials are this email's global API key: importing it as a \
                 `cftenant_service_user` would copy the tenant administrator's key into this resource's state. \
                 Import the email of a service user (one made with `POST /users`).",
            )
            .into());
        }
        let state = ServiceUser {
            email: email.to_string(),
            api_key: Some(key),
            ..Default::default()
        };
        read_with_own_key(client, state, KeyFrom::Import)
            .await?
            .map(Into::into)
            .ok_or_else(|| {
                import_not_found(Self::TYPE_NAME, &format!("service user {email:?}")).into()
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_back_keeps_the_key_from_creation() {
        let mut u = ServiceUser {
            email: "svc@example.com".into(),
            api_key: Some("k".into()),
            ..Default::default()
        };
        u.merge(ApiUser {
            id: "1".into(),
            email: Some("SVC@example.com".into()),
            username: Some("n".into()),
            created_on: None,
            api_key: None,
        });
        assert_eq!(u.api_key.as_deref(), Some("k"));
        assert_eq!(u.email, "SVC@example.com");
        assert_eq!(
            u.own_auth(),
            Some(Auth::Key {
                email: "SVC@example.com".into(),
                key: "k".into()
            })
        );
    }

    #[test]
    fn api_key_is_sensitive() {
        let s = <ServiceUserResource as Resource>::schema();
        assert!(
            s.attributes
                .iter()
                .find(|a| a.name == "api_key")
                .unwrap()
                .sensitive
        );
    }
}
