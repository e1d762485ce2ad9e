//! The simulator's shared state, and the two ways a handler touches it:
//! [`Call::read`], and [`Call::write`], which persists the change before the
//! state is unlocked, so that no handler can forget to.

use crate::auth::{Caller, Credentials};
use crate::dialect::Dialect;
use crate::errors::ApiError;
use crate::exchanges::Exchanges;
use crate::faults::FaultSet;
use crate::ratelimit::RateLimiter;
use crate::stats::Stats;
use crate::store::{SeedConfig, SimState, StateFile};
use axum::extract::{FromRef, FromRequestParts};
use axum::http::request::Parts;
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

    pub async fn read<T>(
        &self,
        op: impl FnOnce(&SimState, &Caller) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        self.app.read(|state| op(state, &self.caller)).await
    }

    /// See [`App::write`].
    pub async fn write<T>(
        &self,
        op: impl FnOnce(&mut SimState, &Caller) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        self.app.write(|state| op(state, &self.caller)).await
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
