//! Request counts, by method and path template, and answers by status
//! (`GET /__sim/stats`).

use crate::app::{lock, App};
use crate::urls::API_PREFIX;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// Request counts by `"METHOD /template"`, API answers by status, requests
/// by caller, and the User-Agents seen.
#[derive(Debug, Default)]
pub struct Stats {
    requests: BTreeMap<String, u64>,
    total: u64,
    statuses: BTreeMap<u16, u64>,
    /// By who authenticated: `tenant admin`, or `service user <id>`.
    callers: BTreeMap<String, u64>,
    /// Each distinct User-Agent, with its count (at most
    /// [`MAX_USER_AGENTS`] kept, so that no client can grow it without end).
    user_agents: BTreeMap<String, u64>,
}

/// The most distinct User-Agents the statistics keep.
const MAX_USER_AGENTS: usize = 64;

impl Stats {
    pub fn record(&mut self, method: &str, template: &str) {
        *self
            .requests
            .entry(format!("{method} {template}"))
            .or_insert(0) += 1;
        self.total += 1;
    }

    /// A request an authenticated caller made.
    pub fn record_caller(&mut self, caller: String) {
        *self.callers.entry(caller).or_insert(0) += 1;
    }

    /// The User-Agent of an API request.
    pub fn record_user_agent(&mut self, agent: &str) {
        if let Some(n) = self.user_agents.get_mut(agent) {
            *n += 1;
        } else if self.user_agents.len() < MAX_USER_AGENTS {
            self.user_agents.insert(agent.to_string(), 1);
        }
    }

    pub fn to_json(&self) -> Value {
        let statuses: BTreeMap<String, u64> = self
            .statuses
            .iter()
            .map(|(status, n)| (status.to_string(), *n))
            .collect();
        json!({
            "requests": self.requests,
            "total": self.total,
            "statuses": statuses,
            "callers": self.callers,
            "user_agents": self.user_agents,
        })
    }
}

/// Middleware over the whole router: counts the API's answers by status
/// (429s included, faults too).
pub async fn count_statuses(State(app): State<App>, req: Request, next: Next) -> Response {
    let api = req.uri().path().starts_with(API_PREFIX);
    let response = next.run(req).await;
    if api {
        *lock(&app.stats)
            .statuses
            .entry(response.status().as_u16())
            .or_insert(0) += 1;
    }
    response
}
