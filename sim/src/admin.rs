//! Admin endpoints under `/__sim` (no authentication, loopback peers only): state dump,
//! reset, request statistics, fault injection, and a few test helpers (zone activation,
//! an invitation accepted, removing a service user, which the API itself cannot do).
//!
//! Successful admin responses are plain JSON (no API envelope); errors use the envelope.
//!
//! Being unauthenticated, they must not be reachable from a web page either: a page
//! the user visits could otherwise reset the state (a cross-site "simple" request
//! needs no preflight) or, through DNS rebinding, read the service users' API keys.
//! So [`guard`] also wants a loopback `Host`, no foreign `Origin`, and JSON bodies.

use axum::body::HttpBody;
use axum::extract::{ConnectInfo, Path, Request, State};
use axum::http::header::{CONTENT_TYPE, HOST, ORIGIN};
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::{from_fn, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use serde_json::{json, Value};

use crate::app::{lock, App};
use crate::conn::SimConn;
use crate::dialect::Dialect;
use crate::errors::{codes, ApiError, ApiResult};
use crate::faults::FaultSet;
use crate::input::{opt_bool, JsonObject};
use crate::stats::Stats;
use crate::store::SimState;
use crate::users::models::remove_service_user;
use crate::{accounts, custom_ns, dns_settings, members, subscriptions, tenants, users, zones};

pub fn router() -> Router<App> {
    Router::new()
        .route("/state", get(state))
        .route("/reset", post(reset))
        .route("/stats", get(stats))
        .route("/stats/reset", post(reset_stats))
        .route("/exchanges", get(exchanges))
        .route(
            "/faults",
            get(list_faults).post(set_faults).delete(clear_faults),
        )
        .route(
            "/entitlements",
            get(get_entitlements).patch(patch_entitlements),
        )
        .route("/clock", get(get_clock).post(set_clock))
        .route("/zones/{zone_id}/activate", post(activate_zone))
        .route(
            "/accounts/{account_id}/members/{member_id}/accept",
            post(accept_invitation),
        )
        .route("/users/{user_id}", delete(delete_user))
        // In the envelope, as every admin error is (axum's own 405 has no body).
        .method_not_allowed_fallback(crate::gate::method_not_allowed)
        .layer(from_fn(guard))
}

/// Refuses, before any admin endpoint runs:
///
/// - a peer that is not loopback (403);
/// - a `Host` that is not a loopback address or `localhost`, or none (403): a page
///   reaching the simulator through DNS rebinding carries its own host name;
/// - an `Origin` that is not a loopback origin (403): a browser's cross-site request;
/// - a body (or a `Content-Type`) that is not declared `application/json` (415): a
///   cross-site request can only send other types without a CORS preflight, and the
///   simulator grants none.
async fn guard(req: Request, next: Next) -> Response {
    let loopback = req
        .extensions()
        .get::<ConnectInfo<SimConn>>()
        .is_some_and(|c| c.0.is_loopback());
    if !loopback {
        return ApiError::forbidden(
            codes::AUTH_ERROR,
            "The /__sim admin endpoints only accept loopback clients",
        )
        .into_response();
    }
    if let Err(refusal) = require_local_headers(&req) {
        return refusal.into_response();
    }
    next.run(req).await
}

/// The header preconditions of [`guard`].
fn require_local_headers(req: &Request) -> Result<(), ApiError> {
    let headers = req.headers();
    let host_ok = headers
        .get(HOST)
        .and_then(|h| h.to_str().ok())
        .is_some_and(is_loopback_authority)
        && req
            .uri()
            .authority()
            .is_none_or(|a| is_loopback_authority(a.as_str()));
    if !host_ok {
        return Err(ApiError::forbidden(
            codes::AUTH_ERROR,
            "The /__sim admin endpoints need a Host header naming a loopback address: \
             127.0.0.0/8, [::1] or localhost, with or without a port",
        ));
    }
    let origins_ok = headers.get_all(ORIGIN).iter().all(|origin| {
        origin
            .to_str()
            .ok()
            .and_then(|o| o.strip_prefix("http://"))
            .is_some_and(is_loopback_authority)
    });
    if !origins_ok {
        return Err(ApiError::forbidden(
            codes::AUTH_ERROR,
            "The /__sim admin endpoints refuse cross-site requests: an Origin header must be \
             a loopback origin, http://127.0.0.1:PORT, http://localhost:PORT or http://[::1]:PORT \
             (or be left out, as curl and test clients do)",
        ));
    }
    let has_body = req.body().size_hint().exact() != Some(0);
    let json = declares_json(headers);
    if json == Some(false) || (has_body && json.is_none()) {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            codes::MALFORMED_JSON,
            "The /__sim admin endpoints take JSON bodies only: send Content-Type: application/json \
             (or no body)",
        ));
    }
    Ok(())
}

/// Whether the request declares a JSON body: `None` without a `Content-Type`.
fn declares_json(headers: &HeaderMap) -> Option<bool> {
    let mut types = headers.get_all(CONTENT_TYPE).iter().peekable();
    types.peek()?;
    Some(types.all(|value| {
        value.to_str().is_ok_and(|v| {
            v.split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .eq_ignore_ascii_case("application/json")
        })
    }))
}

/// Whether `authority` (a `Host` header, or what follows `http://` in an `Origin`) is a
/// loopback address or `localhost`, with an optional port: `127.0.0.1`,
/// `127.0.0.1:8787`, `[::1]:8787`, `localhost:8787`. A path, user info or anything
/// else makes it false.
pub fn is_loopback_authority(authority: &str) -> bool {
    fn port_ok(port: &str) -> bool {
        !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) && port.parse::<u16>().is_ok()
    }
    if let Some(rest) = authority.strip_prefix('[') {
        let Some((ip, after)) = rest.split_once(']') else {
            return false;
        };
        return (after.is_empty() || after.strip_prefix(':').is_some_and(port_ok))
            && ip
                .parse::<std::net::Ipv6Addr>()
                .is_ok_and(|ip| ip.to_canonical().is_loopback());
    }
    let host = match authority.split_once(':') {
        Some((host, port)) if port_ok(port) => host,
        Some(_) => return false,
        None => authority,
    };
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Everything stored, rendered as the API would return it in the state's dialect (plus the internal links
/// `account_id` / `zone_id` and each account's `unit_tag` and `profile`).
pub fn dump(state: &SimState) -> Value {
    let accounts: Vec<Value> = state
        .accounts
        .iter()
        .map(|a| {
            let v = linked(accounts::render(a, state), "unit_tag", &a.unit_tag);
            linked(v, "profile", a.profile.to_json())
        })
        .collect();
    let members: Vec<Value> = state
        .members
        .iter()
        .map(|m| linked(members::render(m, state, true), "account_id", &m.account_id))
        .collect();
    let subscriptions_of = |subs: &[subscriptions::records::Subscription], link: &str| {
        subs.iter()
            .map(|s| linked(subscriptions::render(s, state.dialect), link, &s.owner_id))
            .collect::<Vec<_>>()
    };
    json!({
        "tenant": tenants::render_tenant(&state.tenant),
        "entitlements": tenants::render_entitlements(&state.tenant.entitlements),
        "admin_user": users::render_current(&state.admin, state),
        "accounts": accounts,
        "members": members,
        "users": state.users.iter().map(users::render_created).collect::<Vec<_>>(),
        "zones": state.zones.iter().map(|z| zones::render(z, state)).collect::<Vec<_>>(),
        "zone_subscriptions": subscriptions_of(&state.zone_subscriptions, "zone_id"),
        "account_subscriptions": subscriptions_of(&state.account_subscriptions, "account_id"),
        "custom_nameservers": state
            .custom_nameservers
            .iter()
            .map(|ns| linked(custom_ns::render(ns, state), "tenant_tag", &ns.tenant_tag))
            .collect::<Vec<_>>(),
        "account_dns_settings": state
            .account_dns_settings
            .iter()
            .map(|s| linked(dns_settings::models::render_account(s), "account_id", &s.account_id))
            .collect::<Vec<_>>(),
        "zone_dns_settings": state
            .zone_dns_settings
            .iter()
            .map(|s| linked(dns_settings::models::render_zone(s), "zone_id", &s.zone_id))
            .collect::<Vec<_>>(),
    })
}

/// `rendered` with `key` set to `link` (what the API object does not show).
fn linked(mut rendered: Value, key: &str, link: impl serde::Serialize) -> Value {
    rendered[key] = json!(link);
    rendered
}

/// The inventory is the simulator's own view, the same in either dialect: the
/// documented shapes, which tests and users read it by.
async fn state(State(app): State<App>) -> ApiResult {
    app.read(|state| {
        if state.dialect == Dialect::Documented {
            return Ok(dump(state));
        }
        let mut documented = state.clone();
        documented.dialect = Dialect::Documented;
        Ok(dump(&documented))
    })
    .await
    .map(plain)
}

/// Admin answers are plain JSON, without the API envelope.
fn plain(v: Value) -> Response {
    Json(v).into_response()
}

/// Back to the seeded state (from the command-line flags). Also forgets rate-limit
/// windows; statistics and fault rules are kept (they have their own endpoints).
async fn reset(State(app): State<App>) -> ApiResult {
    app.write(|state| {
        *state = SimState::seed(&app.seed);
        Ok(())
    })
    .await?;
    lock(&app.limiter).reset();
    Ok(plain(json!({ "reset": true })))
}

/// The counters, with the route templates they are kept under (so that a
/// test counting a misspelt template fails rather than reading 0).
async fn stats(State(app): State<App>) -> Json<Value> {
    let mut stats = lock(&app.stats).to_json();
    stats["routes"] = json!(app.templates);
    Json(stats)
}

async fn reset_stats(State(app): State<App>) -> Json<Value> {
    *lock(&app.stats) = Stats::default();
    stats(State(app)).await
}

/// The recorded exchanges; 404 unless started with `--record-exchanges`.
async fn exchanges(State(app): State<App>) -> ApiResult {
    match app.exchanges.as_ref() {
        Some(exchanges) => Ok(plain(lock(exchanges).to_json())),
        None => Err(ApiError::not_found(
            codes::NO_ROUTE,
            "Start the simulator with --record-exchanges to record exchanges",
        )),
    }
}

async fn list_faults(State(app): State<App>) -> Json<Value> {
    Json(lock(&app.faults).to_json())
}

/// Replaces all fault rules (and reseeds the RNG).
async fn set_faults(State(app): State<App>, JsonObject(body): JsonObject) -> ApiResult {
    let set = FaultSet::parse(&body, &app.templates)?;
    let view = set.to_json();
    *lock(&app.faults) = set;
    Ok(Json(view).into_response())
}

async fn clear_faults(State(app): State<App>) -> Json<Value> {
    let mut faults = lock(&app.faults);
    *faults = FaultSet::default();
    Json(faults.to_json())
}

fn clock_json(state: &SimState) -> Value {
    json!({ "offset_seconds": state.clock.offset_seconds(), "now": state.clock.now_rfc3339() })
}

async fn get_clock(State(app): State<App>) -> ApiResult {
    app.read(|state| Ok(clock_json(state))).await.map(plain)
}

/// Sets how far the simulated server's clock runs ahead of (or, negative, behind) this
/// machine's: `{"offset_seconds": 3600}`. Stamps made from then on (`created_on`, the
/// `Date` header) use it; earlier ones keep theirs.
async fn set_clock(State(app): State<App>, JsonObject(body): JsonObject) -> ApiResult {
    const TEN_YEARS: i64 = 10 * 366 * 86_400;
    let offset = body
        .get("offset_seconds")
        .and_then(Value::as_i64)
        .filter(|s| s.abs() <= TEN_YEARS)
        .ok_or_else(|| {
            ApiError::validation(format!(
                "offset_seconds: is required, a whole number of seconds of at most {TEN_YEARS} either way"
            ))
        })?;
    app.write(|state| {
        state.clock.set_offset_seconds(offset);
        Ok(clock_json(state))
    })
    .await
    .map(plain)
}

async fn get_entitlements(State(app): State<App>) -> ApiResult {
    app.read(|state| Ok(tenants::render_entitlements(&state.tenant.entitlements)))
        .await
        .map(plain)
}

/// Changes the boolean entitlements, e.g. `{"partial_setup_allowed": false}`; values may
/// be plain booleans or `{"type": "bool", "value": …}` objects.
async fn patch_entitlements(State(app): State<App>, JsonObject(body): JsonObject) -> ApiResult {
    let mut wanted = Vec::new();
    for (key, value) in &body {
        let flat = match value {
            Value::Object(obj) => obj.get("value").cloned().unwrap_or(Value::Null),
            other => other.clone(),
        };
        let as_map = serde_json::Map::from_iter([(key.clone(), flat)]);
        let Some(flag) = opt_bool(&as_map, key)? else {
            return Err(ApiError::validation(format!("{key}: expected a boolean")));
        };
        wanted.push((key.clone(), flag));
    }
    app.write(|state| {
        let mut updated = state.tenant.entitlements.clone();
        for (key, flag) in wanted {
            let Some(slot) = updated.flag_mut(&key) else {
                return Err(ApiError::validation(format!(
                    "{key}: not a boolean entitlement (allow_add_subdomain, allow_auto_accept_invites, cname_setup_allowed, partial_setup_allowed)"
                )));
            };
            *slot = flag;
        }
        state.tenant.entitlements = updated;
        Ok(tenants::render_entitlements(&state.tenant.entitlements))
    })
    .await
    .map(plain)
}

/// Marks a zone active (what Cloudflare does once the nameservers point to it).
async fn activate_zone(State(app): State<App>, Path(zone_id): Path<String>) -> ApiResult {
    app.write(|state| zones::models::activate(state, &zone_id))
        .await
        .map(plain)
}

async fn accept_invitation(
    State(app): State<App>,
    Path((account_id, member_id)): Path<(String, String)>,
) -> ApiResult {
    app.write(|state| members::models::accept(state, &account_id, &member_id))
        .await
        .map(plain)
}

/// `DELETE /__sim/users/{user_id}`: removes a service user (the API has no such call),
/// so tests can simulate a user deleted outside Terraform. Returns `{"id", "email"}`.
async fn delete_user(State(app): State<App>, Path(user_id): Path<String>) -> ApiResult {
    app.write(|state| remove_service_user(state, &user_id))
        .await
        .map(|user| plain(json!({ "id": user.id, "email": user.email })))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::{authenticate, Caller, Credentials};
    use crate::store::SeedConfig;
    use crate::users::records::User;

    #[test]
    fn loopback_authorities() {
        for ok in [
            "127.0.0.1",
            "127.0.0.1:8787",
            "127.9.8.7:1",
            "localhost",
            "LOCALHOST:65535",
            "[::1]",
            "[::1]:8787",
            "[::ffff:127.0.0.1]:80",
        ] {
            assert!(is_loopback_authority(ok), "{ok}");
        }
        for refused in [
            "",
            "evil.example",
            "evil.example:8787",
            "localhost.evil.example",
            "127.0.0.1.nip.io",
            "10.0.0.1:8787",
            "0.0.0.0:8787",
            "[::]:8787",
            "[::1",
            "[::1]x",
            "[::1]:",
            "127.0.0.1:",
            "127.0.0.1:99999",
            "127.0.0.1:80:80",
            "127.0.0.1:80/path",
            "user@127.0.0.1",
            "127.1",
        ] {
            assert!(!is_loopback_authority(refused), "{refused}");
        }
    }

    fn request(method: &str, headers: &[(&str, &str)], body: &'static str) -> Request {
        let mut builder = Request::builder().method(method).uri("/__sim/reset");
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        builder.body(axum::body::Body::from(body)).unwrap()
    }

    #[test]
    fn admin_requests_need_a_loopback_host_no_foreign_origin_and_json() {
        let refused = |req: Request| require_local_headers(&req).unwrap_err();
        let host = ("host", "127.0.0.1:8787");
        assert!(require_local_headers(&request("GET", &[host], "")).is_ok());
        assert!(require_local_headers(&request("POST", &[("host", "localhost")], "")).is_ok());
        assert!(require_local_headers(&request(
            "POST",
            &[host, ("content-type", "application/json; charset=utf-8")],
            "{}"
        ))
        .is_ok());
        assert!(require_local_headers(&request(
            "POST",
            &[
                host,
                ("origin", "http://localhost:3000"),
                ("content-type", "application/json")
            ],
            "{}"
        ))
        .is_ok());

        let e = refused(request("GET", &[], ""));
        assert_eq!((e.status.as_u16(), e.code), (403, codes::AUTH_ERROR));
        assert!(e.message.contains("Host"), "{}", e.message);
        let e = refused(request("GET", &[("host", "rebound.example:8787")], ""));
        assert!(e.message.contains("Host"), "{}", e.message);
        for origin in [
            "https://evil.example",
            "null",
            "http://127.0.0.1.evil.example",
            "https://localhost",
        ] {
            let e = refused(request("GET", &[host, ("origin", origin)], ""));
            assert_eq!(e.status.as_u16(), 403, "{origin}");
            assert!(e.message.contains("Origin"), "{}", e.message);
        }
        for (headers, body) in [
            (vec![host, ("content-type", "text/plain")], "{}"),
            (
                vec![host, ("content-type", "application/x-www-form-urlencoded")],
                "a=b",
            ),
            (vec![host, ("content-type", "text/plain")], ""),
            (vec![host], "{}"),
        ] {
            let e = refused(request("POST", &headers, body));
            assert_eq!(e.status.as_u16(), 415, "{headers:?}");
            assert!(e.message.contains("application/json"), "{}", e.message);
        }
    }

    #[test]
    fn a_removed_service_user_can_no_longer_authenticate() {
        let mut state = SimState::seed(&SeedConfig {
            tenant_id: "t".into(),
            tenant_name: "T".into(),
            admin_email: "admin@example.com".into(),
            allow_auto_accept_invites: false,
            partial_setup_allowed: true,
            dialect: crate::Dialect::Documented,
        });
        let user = User {
            id: "0123456789abcdef0123456789abcdef".into(),
            email: "Svc@Example.com".into(),
            username: "u".into(),
            first_name: None,
            last_name: None,
            telephone: None,
            country: None,
            zipcode: None,
            created_on: String::new(),
            modified_on: String::new(),
            api_key: Some("k3y".into()),
        };
        state.users.push(user.clone());
        let credentials = Credentials {
            api_tokens: vec!["t".into()],
            auth_email: "admin@example.com".into(),
            auth_key: "admin-key".into(),
        };
        let mut headers = HeaderMap::new();
        headers.insert("x-auth-email", "svc@example.com".parse().unwrap());
        headers.insert("x-auth-key", "k3y".parse().unwrap());
        assert!(matches!(
            authenticate(&headers, &credentials, &state),
            Ok(Caller::ServiceUser { .. })
        ));

        let removed = remove_service_user(&mut state, &user.id).unwrap();
        assert_eq!(removed.email, user.email);
        assert!(state.users.is_empty());
        let e = authenticate(&headers, &credentials, &state).unwrap_err();
        assert_eq!(e.code, codes::UNKNOWN_KEY);
        assert_eq!(
            users::models::user_id_for_email(&mut state, "svc@example.com"),
            user.id
        );
        let e = remove_service_user(&mut state, &user.id).unwrap_err();
        assert_eq!(e.code, codes::USER_NOT_FOUND);
    }
}
