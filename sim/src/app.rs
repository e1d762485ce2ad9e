//! The simulator's shared state, and the two ways a handler touches it:
//! [`Call::read`], and [`Call::write`], which persists the change before the
//! state is unlocked, so that no handler can forget to. Both first require
//! the operation's [`Access`] of the caller, under the same lock. Handlers
//! of routes within an account, a zone or a tenant take the typed extractor
//! [`InAccount`], [`InZone`] or [`InTenant`] instead of [`Call`]: it reads
//! the id from the path and requires the matching access.

use crate::auth::{Access, Caller, Credentials};
use crate::dialect::Dialect;
use crate::errors::ApiError;
use crate::exchanges::Exchanges;
use crate::faults::FaultSet;
use crate::ratelimit::RateLimiter;
use crate::stats::Stats;
use crate::store::{SeedConfig, SimState, StateFile};
use axum::extract::path::RawPathParams;
use axum::extract::{FromRef, FromRequestParts};
use axum::http::request::Parts;
use std::marker::PhantomData;
use std::ops::Deref;
use std::sync::{Arc, Mutex as StdMutex, MutexGuard, PoisonError};

/// Shared application state handed to every handler.
#[derive(Clone)]
pub struct App(Arc<AppInner>);

pub struct AppInner {
    pub credentials: Credentials,
    /// `--strict-auth`: the authentication schemes of Cloudflare's definition.
    pub strict_auth: bool,
    pub seed: SeedConfig,
    pub state: tokio::sync::Mutex<SimState>,
    pub state_file: Option<StateFile>,
    pub stats: StdMutex<Stats>,
    pub faults: StdMutex<FaultSet>,
    pub limiter: StdMutex<RateLimiter>,
    /// With `--record-exchanges`: every API request and answer.
    pub exchanges: Option<StdMutex<Exchanges>>,
    /// Every API path template (without the `/client/v4` prefix).
    pub templates: Vec<&'static str>,
}

impl App {
    pub fn new(inner: AppInner) -> App {
        App(Arc::new(inner))
    }

    /// The dialect the simulator answers in (`--dialect`; it never changes
    /// while it runs).
    pub fn dialect(&self) -> Dialect {
        self.seed.dialect
    }

    /// Persists `state` when `--state` is set, while the state lock is still
    /// held, so that writes reach the file in the order they were made.
    pub fn commit(&self, state: &SimState) -> Result<(), ApiError> {
        if let Some(file) = &self.state_file {
            file.save(state).map_err(|err| {
                tracing::error!(path = %file.path().display(), %err, "could not write state file");
                ApiError::internal(format!("could not persist simulator state: {err}"))
            })?;
        }
        Ok(())
    }

    /// Runs a change and persists it. The operation must not change the
    /// state before it knows it succeeds: an error leaves it as it was.
    pub async fn write<T>(
        &self,
        op: impl FnOnce(&mut SimState) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        let mut state = self.state.lock().await;
        let out = op(&mut state)?;
        self.commit(&state)?;
        Ok(out)
    }

    pub async fn read<T>(
        &self,
        op: impl FnOnce(&SimState) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        let state = self.state.lock().await;
        op(&state)
    }
}

impl Deref for App {
    type Target = AppInner;
    fn deref(&self) -> &AppInner {
        &self.0
    }
}

/// Locks a std mutex, ignoring poisoning (the guarded data stays consistent because no
/// code panics while holding these locks).
pub(crate) fn lock<T>(mutex: &StdMutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// An API request's app and authenticated caller (which the request gate
/// put into the request): what every API handler starts from.
pub struct Call {
    pub app: App,
    pub caller: Caller,
}

impl Call {
    /// See [`App::dialect`].
    pub fn dialect(&self) -> Dialect {
        self.app.dialect()
    }

    /// Runs a read once the caller has `access`.
    pub async fn read<T>(
        &self,
        access: Access<'_>,
        op: impl FnOnce(&SimState) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        let caller = &self.caller;
        let op = |state: &SimState| access.require(state, caller).and_then(|()| op(state));
        self.app.read(op).await
    }

    /// Runs a change once the caller has `access`; see [`App::write`].
    pub async fn write<T>(
        &self,
        access: Access<'_>,
        op: impl FnOnce(&mut SimState) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        let caller = &self.caller;
        let op = |state: &mut SimState| access.require(state, caller).and_then(|()| op(state));
        self.app.write(op).await
    }
}

impl<S> FromRequestParts<S> for Call
where
    App: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let caller = parts.extensions.get::<Caller>().cloned().ok_or_else(|| {
            ApiError::internal("the request gate did not authenticate this request")
        })?;
        Ok(Call {
            app: App::from_ref(state),
            caller,
        })
    }
}

/// What an API path names and a call within it needs access to: an account,
/// a zone or a tenant.
pub trait Place {
    /// The path parameters that carry its id.
    const PARAMS: &'static [&'static str];
    /// The access a call within the place `id` requires.
    fn access(id: &str) -> Access<'_>;
}

/// `{account_id}`: [`Access::Account`].
pub enum AccountPlace {}
/// `{zone_id}`: [`Access::Zone`].
pub enum ZonePlace {}
/// `{tenant_id}` or `{tenant_tag}`: [`Access::Tenant`].
pub enum TenantPlace {}

impl Place for AccountPlace {
    const PARAMS: &'static [&'static str] = &["account_id"];
    fn access(id: &str) -> Access<'_> {
        Access::Account(id)
    }
}

impl Place for ZonePlace {
    const PARAMS: &'static [&'static str] = &["zone_id"];
    fn access(id: &str) -> Access<'_> {
        Access::Zone(id)
    }
}

impl Place for TenantPlace {
    const PARAMS: &'static [&'static str] = &["tenant_id", "tenant_tag"];
    fn access(id: &str) -> Access<'_> {
        Access::Tenant(id)
    }
}

/// An API call within the place its path names, which every read and write
/// of the call requires access to first: handlers of account, zone and
/// tenant routes take it in place of [`Call`] (`async fn get_one(account:
/// InAccount)`), so that their signature says what they need.
pub struct Within<P: Place> {
    pub call: Call,
    /// The place's id, from the path.
    pub id: String,
    place: PhantomData<P>,
}

/// A call within the account of `{account_id}`.
pub type InAccount = Within<AccountPlace>;
/// A call within the zone of `{zone_id}`.
pub type InZone = Within<ZonePlace>;
/// A call within the tenant of `{tenant_id}` / `{tenant_tag}`.
pub type InTenant = Within<TenantPlace>;

impl<P: Place> Within<P> {
    /// See [`Call::dialect`].
    pub fn dialect(&self) -> Dialect {
        self.call.dialect()
    }

    /// Runs a read of the place (given its id) once the caller may.
    pub async fn read<T>(
        &self,
        op: impl FnOnce(&SimState, &str) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        let id = self.id.as_str();
        self.call.read(P::access(id), |state| op(state, id)).await
    }

    /// Runs a change of the place (given its id) once the caller may.
    pub async fn write<T>(
        &self,
        op: impl FnOnce(&mut SimState, &str) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        let id = self.id.as_str();
        self.call.write(P::access(id), |state| op(state, id)).await
    }
}

impl<S, P> FromRequestParts<S> for Within<P>
where
    App: FromRef<S>,
    S: Send + Sync,
    P: Place,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let call = Call::from_request_parts(parts, state).await?;
        let params = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|err| ApiError::internal(format!("no path parameters: {err}")))?;
        let id = params
            .iter()
            .find(|(name, _)| P::PARAMS.contains(name))
            .map(|(_, value)| value.to_string())
            .ok_or_else(|| ApiError::internal("the path names no place for this route"))?;
        Ok(Within {
            call,
            id,
            place: PhantomData,
        })
    }
}
