//! The simulator's one error type and its error codes: every failure an API
//! handler, the request gate or fault injection answers with.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

pub type ApiResult = Result<Response, ApiError>;

/// Numeric error codes used by the simulator. Codes that appear in the reference
/// (`/work/shared/cloudflare-api.md` §1.5) keep their documented meaning; the others are
/// simulator choices, listed in docs/SIMULATOR.md.
pub mod codes {
    /// Generic request validation failure; the message names the offending field.
    pub const VALIDATION: u32 = 1000;
    /// Zone id well-formed but unknown (real message "Invalid zone identifier"), HTTP 404.
    pub const ZONE_NOT_FOUND: u32 = 1001;
    /// Account id well-formed but unknown, HTTP 404.
    pub const ACCOUNT_NOT_FOUND: u32 = 1002;
    /// Service user id unknown (only from the admin endpoint `DELETE /__sim/users/{id}`:
    /// the API itself has no `/users/{id}` route), HTTP 404.
    pub const USER_NOT_FOUND: u32 = 1003;
    /// Member id well-formed but unknown, HTTP 404.
    pub const MEMBER_NOT_FOUND: u32 = 1004;
    /// Role id well-formed but unknown, HTTP 404.
    pub const ROLE_NOT_FOUND: u32 = 1005;
    /// Tenant id unknown, HTTP 404.
    pub const TENANT_NOT_FOUND: u32 = 1006;
    /// `unit.id` on account create is not a unit of the tenant.
    pub const UNKNOWN_UNIT: u32 = 1007;
    /// PUT /accounts/{id} tried to change the account type.
    pub const ACCOUNT_TYPE_IMMUTABLE: u32 = 1008;
    /// A member role id is not one of the account's roles.
    pub const UNKNOWN_ROLE: u32 = 1009;
    /// `status: "accepted"` without the `allow_auto_accept_invites` entitlement: the
    /// live API's "Invalid request" code, recorded with `result: []`
    /// (docs/SIMULATOR.md, Dialects, row 6).
    pub const AUTO_ACCEPT_NOT_ALLOWED: u32 = 1001;
    /// The email is already a member of the account.
    pub const DUPLICATE_MEMBER: u32 = 1011;
    /// POST /users with an email that already belongs to a user.
    pub const DUPLICATE_USER: u32 = 1012;
    /// PATCH /zones/{id} with zero or several properties.
    pub const ZONE_PATCH_ONE_PROPERTY: u32 = 1013;
    /// PATCH /zones/{id} `type` on a zone that is not enterprise.
    pub const ZONE_TYPE_CHANGE_NOT_ALLOWED: u32 = 1014;
    /// PATCH /zones/{id} `vanity_name_servers` on a plan below Business.
    pub const VANITY_NS_NOT_ALLOWED: u32 = 1015;
    /// POST /zones: "<name> already exists" (reference).
    pub const ZONE_EXISTS: u32 = 1061;
    /// A tenant custom nameserver of this name exists (the simulator's choice).
    pub const CUSTOM_NS_EXISTS: u32 = 1062;
    /// No tenant custom nameserver of this name (the simulator's choice).
    pub const CUSTOM_NS_NOT_FOUND: u32 = 1063;
    /// DNS settings with nameservers `custom.tenant` while the tenant has no
    /// custom nameservers (in the zone's set) (the simulator's choice).
    pub const NO_TENANT_CUSTOM_NS: u32 = 1064;
    /// POST /zones: account missing or unknown (reference).
    pub const ZONE_BAD_ACCOUNT: u32 = 1067;
    /// POST /zones type=partial without entitlement (reference).
    pub const PARTIAL_NOT_ALLOWED: u32 = 1104;
    /// Rate plan id cannot be resolved (reference).
    pub const UNKNOWN_RATE_PLAN: u32 = 1204;
    /// POST of a subscription that already exists.
    pub const SUBSCRIPTION_EXISTS: u32 = 1205;
    /// Account subscription id well-formed but unknown, HTTP 404.
    pub const SUBSCRIPTION_NOT_FOUND: u32 = 1206;
    /// Zone has no subscription record, HTTP 404 (reference).
    pub const NO_ZONE_SUBSCRIPTION: u32 = 1207;
    /// Malformed authentication headers (reference), with an `error_chain`.
    pub const INVALID_HEADERS: u32 = 6003;
    pub const CHAIN_BAD_EMAIL: u32 = 6102;
    pub const CHAIN_BAD_KEY: u32 = 6103;
    pub const CHAIN_BAD_AUTHORIZATION: u32 = 6111;
    /// Request body is not a JSON object.
    pub const MALFORMED_JSON: u32 = 6007;
    /// Unknown route (reference).
    pub const NO_ROUTE: u32 = 7000;
    /// Known route, unsupported method (HTTP 405).
    pub const METHOD_NOT_ALLOWED: u32 = 7001;
    /// Malformed object identifier in the path (reference).
    pub const BAD_IDENTIFIER: u32 = 7003;
    /// Global-key pair not recognised.
    pub const UNKNOWN_KEY: u32 = 9103;
    /// No credentials at all.
    pub const MISSING_AUTH: u32 = 9106;
    /// Bad token, or a credential that may not see the object (reference).
    pub const INVALID_TOKEN: u32 = 9109;
    /// Rate limit exceeded (HTTP 429).
    pub const RATE_LIMITED: u32 = 971;
    /// Valid credential lacking the permission (reference).
    pub const AUTH_ERROR: u32 = 10000;
    /// Internal or injected server errors.
    pub const INTERNAL: u32 = 10001;
    /// A permission the caller lacks, as the live API was recorded to answer
    /// it (observed dialect only: `POST /zones` for an account the caller is
    /// not a member of).
    pub const MISSING_PERMISSION: u32 = 0;
}

/// One API failure: the HTTP status plus the `{code, message}` put into `errors`.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: u32,
    pub message: String,
    /// Nested `error_chain` entries (used by 6003 header-format errors).
    pub chain: Vec<(u32, String)>,
    /// Seconds for a `Retry-After` header (429 responses).
    pub retry_after: Option<u64>,
    /// The envelope's `result`: `null`, except where the API was recorded
    /// answering something else (`[]` for a refused auto-accepted member).
    pub result: Value,
}

impl ApiError {
    pub fn new(status: StatusCode, code: u32, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            chain: Vec::new(),
            retry_after: None,
            result: Value::Null,
        }
    }

    pub fn bad_request(code: u32, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    /// 400 / 1000 — a field failed validation. `message` should name the field.
    pub fn validation(message: impl Into<String>) -> Self {
        Self::bad_request(codes::VALIDATION, message)
    }

    pub fn not_found(code: u32, message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, code, message)
    }

    pub fn forbidden(code: u32, message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, code, message)
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, codes::INTERNAL, message)
    }

    pub fn no_route() -> Self {
        Self::not_found(codes::NO_ROUTE, "No route for that URI")
    }

    /// 400 / 7003 for a path whose object identifier is not 32 lowercase hex characters.
    pub fn bad_identifier(path: &str) -> Self {
        Self::bad_request(
            codes::BAD_IDENTIFIER,
            format!("Could not route to {path}, perhaps your object identifier is invalid?"),
        )
    }

    pub fn with_chain(mut self, code: u32, message: impl Into<String>) -> Self {
        self.chain.push((code, message.into()));
        self
    }

    pub fn with_retry_after(mut self, seconds: u64) -> Self {
        self.retry_after = Some(seconds);
        self
    }

    /// The envelope's `result` in place of `null`.
    pub fn with_result(mut self, result: Value) -> Self {
        self.result = result;
        self
    }

    /// The `errors[]` entry for this error.
    pub fn error_item(&self) -> Value {
        let mut item = json!({ "code": self.code, "message": self.message });
        if !self.chain.is_empty() {
            item["error_chain"] = self
                .chain
                .iter()
                .map(|(code, message)| json!({ "code": code, "message": message }))
                .collect();
        }
        item
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {}: {}",
            self.status.as_u16(),
            self.code,
            self.message
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({
            "success": false,
            "errors": [self.error_item()],
            "messages": [],
            "result": self.result,
        });
        let mut response = (self.status, axum::Json(body)).into_response();
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}
