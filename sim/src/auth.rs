//! Authentication (who is calling) and the coarse authorisation the simulator enforces.
//!
//! Accepted credentials:
//! - `Authorization: Bearer <token>` with a token from `--api-token` → the tenant admin;
//! - `X-Auth-Email` + `X-Auth-Key` equal to `--auth-email` / `--auth-key` → the tenant admin;
//! - `X-Auth-Email` + `X-Auth-Key` of a service user created with `POST /users` (its
//!   `api_key`) → that service user.
//!
//! The tenant admin may do everything. A service user may call `GET/PATCH /user`,
//! `GET /user/tenants` (empty), and account- or zone-scoped endpoints of accounts it is a
//! member of; tenant-admin-only endpoints answer 403 / 10000 and other accounts 403 / 9109.
//! Which of these an operation needs is its [`Access`], which `app::Call` requires
//! before it runs the operation.

use axum::http::{HeaderMap, StatusCode};

use crate::errors::{codes, ApiError};
use crate::store::SimState;

/// The credentials that authenticate the tenant admin (from the command line).
#[derive(Debug, Clone)]
pub struct Credentials {
    pub api_tokens: Vec<String>,
    pub auth_email: String,
    pub auth_key: String,
}

/// The authenticated caller, stored in request extensions by the request gate.
#[derive(Debug, Clone)]
pub enum Caller {
    TenantAdmin {
        /// Identifies the credential for rate limiting (`token:…` or `email:…`).
        credential: String,
    },
    ServiceUser {
        user_id: String,
        email: String,
        credential: String,
    },
}

impl Caller {
    /// The key under which this caller's requests are rate limited.
    pub fn rate_limit_key(&self) -> &str {
        match self {
            Caller::TenantAdmin { credential } | Caller::ServiceUser { credential, .. } => {
                credential
            }
        }
    }

    pub fn is_tenant_admin(&self) -> bool {
        matches!(self, Caller::TenantAdmin { .. })
    }

    /// 403 / 10000 unless the caller is the tenant admin.
    pub fn require_tenant_admin(&self) -> Result<(), ApiError> {
        if self.is_tenant_admin() {
            Ok(())
        } else {
            Err(ApiError::forbidden(
                codes::AUTH_ERROR,
                "Authentication error",
            ))
        }
    }

    /// Whether the caller may see the account (existence is not checked).
    pub fn may_access_account(&self, state: &SimState, account_id: &str) -> bool {
        match self {
            Caller::TenantAdmin { .. } => true,
            Caller::ServiceUser { email, .. } => state.members.has_email(account_id, email),
        }
    }

    /// 403 / 9109 unless the caller may see the account.
    fn require_visible(&self, state: &SimState, account_id: &str) -> Result<(), ApiError> {
        if self.may_access_account(state, account_id) {
            Ok(())
        } else {
            Err(unauthorized_resource())
        }
    }
}

/// What a caller must be allowed before an operation runs: the
/// precondition `app::Call` requires of every API operation.
#[derive(Debug, Clone, Copy)]
pub enum Access<'a> {
    /// Any authenticated caller; the operation decides what it shows.
    Anyone,
    /// The tenant admin only (403 / 10000).
    TenantAdmin,
    /// The account: 404 if it does not exist, 403 / 9109 if the caller may not see it.
    Account(&'a str),
    /// The zone: 404 if it does not exist, 403 / 9109 if the caller may not see its account.
    Zone(&'a str),
    /// The tenant: the tenant admin only, and the tag must be the simulated
    /// tenant's (404 / 1006 otherwise).
    Tenant(&'a str),
}

impl Access<'_> {
    /// `Ok` when `caller` has this access to `state`.
    pub fn require(self, state: &SimState, caller: &Caller) -> Result<(), ApiError> {
        match self {
            Access::Anyone => Ok(()),
            Access::TenantAdmin => caller.require_tenant_admin(),
            Access::Account(account_id) => {
                state.accounts.by_id(account_id)?;
                caller.require_visible(state, account_id)
            }
            Access::Zone(zone_id) => {
                let account_id = &state.zones.by_id(zone_id)?.account_id;
                caller.require_visible(state, account_id)
            }
            Access::Tenant(tenant_tag) => {
                caller.require_tenant_admin()?;
                if state.tenant.tenant_tag != tenant_tag {
                    return Err(ApiError::not_found(
                        codes::TENANT_NOT_FOUND,
                        format!("Tenant not found: {tenant_tag}"),
                    ));
                }
                Ok(())
            }
        }
    }
}

pub fn unauthorized_resource() -> ApiError {
    ApiError::forbidden(
        codes::INVALID_TOKEN,
        "Unauthorized to access requested resource",
    )
}

fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<Result<&'a str, ()>> {
    headers
        .get(name)
        .map(|value| value.to_str().map(str::trim).map_err(|_| ()))
}

fn invalid_headers(chain_code: u32, chain_message: &str) -> ApiError {
    ApiError::bad_request(codes::INVALID_HEADERS, "Invalid request headers")
        .with_chain(chain_code, chain_message)
}

/// Characters allowed in bearer tokens and global keys (printable, no whitespace).
fn is_token_text(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_graphic())
}

/// With `--strict-auth`, the operations Cloudflare's definition documents
/// for the global API key only (`X-Auth-Email` + `X-Auth-Key`), as
/// `(method, path template)`; `*` is every method of the path. `POST
/// /users` is not in the definition; the Tenant guide calls it with the key.
pub const KEY_ONLY: &[(&str, &str)] = &[
    ("*", "/accounts"),
    ("*", "/accounts/{account_id}"),
    ("*", "/accounts/{account_id}/members"),
    ("*", "/accounts/{account_id}/members/{member_id}"),
    ("*", "/accounts/{account_id}/profile"),
    ("*", "/accounts/{account_id}/roles"),
    ("*", "/accounts/{account_id}/roles/{role_id}"),
    ("*", "/tenants/{tenant_id}"),
    ("*", "/tenants/{tenant_id}/account_types"),
    ("*", "/tenants/{tenant_id}/accounts"),
    ("*", "/tenants/{tenant_id}/entitlements"),
    ("*", "/tenants/{tenant_id}/memberships"),
    ("*", "/user/tenants"),
    ("GET", "/user"),
    ("POST", "/users"),
];

/// `--strict-auth`: 403 / 10000 for an API token on an operation documented
/// for the global API key only.
pub fn strict_refusal(caller: &Caller, method: &str, template: &str) -> Option<ApiError> {
    let by_token = caller.rate_limit_key().starts_with("token:");
    let key_only = KEY_ONLY
        .iter()
        .any(|(m, t)| *t == template && (*m == "*" || *m == method));
    (by_token && key_only).then(|| {
        ApiError::forbidden(
            codes::AUTH_ERROR,
            format!(
                "{method} {template} is documented for the global API key (X-Auth-Email + X-Auth-Key) only, \
                 and the simulator runs with --strict-auth"
            ),
        )
    })
}

/// Works out the caller from the request headers. `Authorization` wins when both header
/// styles are present.
pub fn authenticate(
    headers: &HeaderMap,
    credentials: &Credentials,
    state: &SimState,
) -> Result<Caller, ApiError> {
    if let Some(authorization) = header_str(headers, "authorization") {
        return by_token(authorization, credentials);
    }
    let email = header_str(headers, "x-auth-email");
    let key = header_str(headers, "x-auth-key");
    if email.is_none() && key.is_none() {
        return Err(ApiError::bad_request(
            codes::MISSING_AUTH,
            "Missing X-Auth-Key, X-Auth-Email or Authorization headers",
        ));
    }
    let (email, key) = key_pair(email, key)?;
    by_key(email, key, credentials, state)
}

/// `Authorization: Bearer <token>`: the tenant admin when the token is one of
/// `--api-token`.
fn by_token(
    authorization: Result<&str, ()>,
    credentials: &Credentials,
) -> Result<Caller, ApiError> {
    let bad_format = || {
        invalid_headers(
            codes::CHAIN_BAD_AUTHORIZATION,
            "Invalid format for Authorization header",
        )
    };
    let value = authorization.map_err(|_| bad_format())?;
    let (scheme, token) = value.split_once(' ').ok_or_else(bad_format)?;
    let token = token.trim();
    if !scheme.eq_ignore_ascii_case("bearer") || !is_token_text(token) {
        return Err(bad_format());
    }
    if credentials.api_tokens.iter().any(|t| t == token) {
        return Ok(Caller::TenantAdmin {
            credential: format!("token:{token}"),
        });
    }
    Err(ApiError::forbidden(
        codes::INVALID_TOKEN,
        "Invalid access token",
    ))
}

/// `X-Auth-Email` and `X-Auth-Key`, each well-formed (400 / 6003 otherwise).
fn key_pair<'a>(
    email: Option<Result<&'a str, ()>>,
    key: Option<Result<&'a str, ()>>,
) -> Result<(&'a str, &'a str), ApiError> {
    let email = match email {
        Some(Ok(email)) if crate::input::is_valid_email(email) => email,
        _ => {
            return Err(invalid_headers(
                codes::CHAIN_BAD_EMAIL,
                "Invalid format for X-Auth-Email header",
            ))
        }
    };
    match key {
        Some(Ok(key)) if is_token_text(key) => Ok((email, key)),
        _ => Err(invalid_headers(
            codes::CHAIN_BAD_KEY,
            "Invalid format for X-Auth-Key header",
        )),
    }
}

/// A global key pair: the tenant admin's (`--auth-email`, `--auth-key`), or
/// a service user's; 403 / 9103 otherwise.
fn by_key(
    email: &str,
    key: &str,
    credentials: &Credentials,
    state: &SimState,
) -> Result<Caller, ApiError> {
    if email.eq_ignore_ascii_case(&credentials.auth_email) && key == credentials.auth_key {
        return Ok(Caller::TenantAdmin {
            credential: format!("email:{}", email.to_ascii_lowercase()),
        });
    }
    if let Some(user) = state.users.by_email(email) {
        if user.api_key.as_deref() == Some(key) {
            return Ok(Caller::ServiceUser {
                user_id: user.id.clone(),
                email: user.email.clone(),
                credential: format!("email:{}", user.email.to_ascii_lowercase()),
            });
        }
    }
    Err(ApiError::new(
        StatusCode::FORBIDDEN,
        codes::UNKNOWN_KEY,
        "Unknown X-Auth-Key or X-Auth-Email",
    ))
}
