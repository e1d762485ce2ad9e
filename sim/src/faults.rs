//! Fault injection: rules installed with `POST /__sim/faults` that make matching API
//! requests fail, slow down, or lose their connection.
//!
//! Rules are checked in order for every API request; the first rule that matches the
//! method and path template *and fires* decides. A rule fires for its next `count`
//! matching requests, or randomly with `probability` using an RNG seeded with `seed`
//! (so a test run repeats exactly), or both (random, at most `count` times), or — with
//! neither — on every matching request.

use std::time::Duration;

use axum::http::StatusCode;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Map, Value};

use crate::errors::{codes, ApiError};
use crate::input::{opt_str, type_name};

/// What a fired rule does to the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultAction {
    /// Answer with `status` and an error envelope instead of handling the request.
    Status,
    /// Sleep `delay_ms`, then handle normally.
    Delay,
    /// Close the connection without answering; the request is not handled.
    Drop,
    /// Handle the request fully (state changes), then close the connection without
    /// sending the response.
    CommitThenDrop,
}

impl FaultAction {
    fn parse(s: &str) -> Option<Self> {
        match s {
            "status" => Some(Self::Status),
            "delay" => Some(Self::Delay),
            "drop" => Some(Self::Drop),
            "commit_then_drop" => Some(Self::CommitThenDrop),
            _ => None,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Self::Status => "status",
            Self::Delay => "delay",
            Self::Drop => "drop",
            Self::CommitThenDrop => "commit_then_drop",
        }
    }
}

#[derive(Debug, Clone)]
pub struct FaultRule {
    /// Upper-case HTTP method or `*`.
    pub method: String,
    /// Path template as in `/__sim/stats` (without `/client/v4`), or `*`.
    pub path: String,
    pub action: FaultAction,
    pub status: u16,
    pub retry_after: Option<u64>,
    pub code: Option<u32>,
    pub message: Option<String>,
    pub count: Option<u64>,
    pub probability: Option<f64>,
    pub delay_ms: u64,
    /// How many times the rule has fired.
    pub fired: u64,
}

/// The decision for one request.
#[derive(Debug, Clone)]
pub struct FaultDecision {
    pub action: FaultAction,
    pub delay: Duration,
    /// The error to answer with (only for [`FaultAction::Status`]).
    pub error: Option<ApiError>,
}

#[derive(Debug)]
pub struct FaultSet {
    seed: u64,
    rng: StdRng,
    rules: Vec<FaultRule>,
}

impl Default for FaultSet {
    fn default() -> Self {
        FaultSet {
            seed: 0,
            rng: StdRng::seed_from_u64(0),
            rules: Vec::new(),
        }
    }
}

fn opt_u64(obj: &Map<String, Value>, field: &str) -> Result<Option<u64>, ApiError> {
    match obj.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) if n.as_u64().is_some() => Ok(n.as_u64()),
        Some(other) => Err(ApiError::validation(format!(
            "{field}: expected a non-negative integer, got {}",
            type_name(other)
        ))),
    }
}

impl FaultSet {
    /// Parses a `POST /__sim/faults` body. `templates` are the known path templates, used
    /// to reject typos that would silently never match.
    pub fn parse(body: &Map<String, Value>, templates: &[&str]) -> Result<FaultSet, ApiError> {
        let seed = opt_u64(body, "seed")?.unwrap_or(0);
        let raw_rules = match body.get("rules") {
            Some(Value::Array(rules)) => rules,
            None | Some(Value::Null) => return Err(ApiError::validation("rules: is required")),
            Some(other) => {
                return Err(ApiError::validation(format!(
                    "rules: expected an array, got {}",
                    type_name(other)
                )))
            }
        };
        let mut rules = Vec::with_capacity(raw_rules.len());
        for (index, raw) in raw_rules.iter().enumerate() {
            let Value::Object(rule) = raw else {
                return Err(ApiError::validation(format!(
                    "rules[{index}]: expected an object"
                )));
            };
            rules.push(Self::parse_rule(rule, templates).map_err(|mut err| {
                err.message = format!("rules[{index}].{}", err.message);
                err
            })?);
        }
        Ok(FaultSet {
            seed,
            rng: StdRng::seed_from_u64(seed),
            rules,
        })
    }

    fn parse_rule(rule: &Map<String, Value>, templates: &[&str]) -> Result<FaultRule, ApiError> {
        let method = opt_str(rule, "method")?.unwrap_or("*").to_ascii_uppercase();
        if !["*", "GET", "POST", "PUT", "PATCH", "DELETE"].contains(&method.as_str()) {
            return Err(ApiError::validation(format!(
                "method: must be GET, POST, PUT, PATCH, DELETE or *, got '{method}'"
            )));
        }
        let raw_path = opt_str(rule, "path")?.unwrap_or("*");
        let path = raw_path
            .strip_prefix("/client/v4")
            .unwrap_or(raw_path)
            .to_string();
        if path != "*" && !templates.contains(&path.as_str()) {
            return Err(ApiError::validation(format!(
                "path: '{raw_path}' is not a known path template (see GET /__sim/stats for the spelling, e.g. /accounts/{{account_id}})"
            )));
        }
        let action_name =
            opt_str(rule, "action")?.ok_or_else(|| ApiError::validation("action: is required"))?;
        let action = FaultAction::parse(action_name).ok_or_else(|| {
            ApiError::validation(format!(
                "action: must be status, delay, drop or commit_then_drop, got '{action_name}'"
            ))
        })?;
        let status = opt_u64(rule, "status")?.unwrap_or(500);
        if !(400..=599).contains(&status) {
            return Err(ApiError::validation(format!(
                "status: must be between 400 and 599, got {status}"
            )));
        }
        let code = match opt_u64(rule, "code")? {
            Some(code) => {
                Some(u32::try_from(code).map_err(|_| ApiError::validation("code: too large"))?)
            }
            None => None,
        };
        let probability = match rule.get("probability") {
            None | Some(Value::Null) => None,
            Some(Value::Number(n)) => match n.as_f64() {
                Some(p) if (0.0..=1.0).contains(&p) => Some(p),
                _ => {
                    return Err(ApiError::validation(
                        "probability: must be a number between 0 and 1",
                    ))
                }
            },
            Some(other) => {
                return Err(ApiError::validation(format!(
                    "probability: expected a number, got {}",
                    type_name(other)
                )))
            }
        };
        let delay_ms = opt_u64(rule, "delay_ms")?.unwrap_or(0);
        if delay_ms > 600_000 {
            return Err(ApiError::validation("delay_ms: must be at most 600000"));
        }
        Ok(FaultRule {
            method,
            path,
            action,
            status: status as u16,
            retry_after: opt_u64(rule, "retry_after")?,
            code,
            message: opt_str(rule, "message")?.map(str::to_string),
            count: opt_u64(rule, "count")?,
            probability,
            delay_ms,
            fired: 0,
        })
    }

    /// Decides what happens to a request with `method` on `template`.
    pub fn decide(&mut self, method: &str, template: &str) -> Option<FaultDecision> {
        for rule in &mut self.rules {
            let method_matches = rule.method == "*" || rule.method == method;
            let path_matches = rule.path == "*" || rule.path == template;
            if !method_matches || !path_matches {
                continue;
            }
            if rule.count.is_some_and(|count| rule.fired >= count) {
                continue;
            }
            if let Some(p) = rule.probability {
                if self.rng.random::<f64>() >= p {
                    continue;
                }
            }
            rule.fired += 1;
            let error = (rule.action == FaultAction::Status).then(|| injected_error(rule));
            return Some(FaultDecision {
                action: rule.action,
                delay: Duration::from_millis(rule.delay_ms),
                error,
            });
        }
        None
    }

    /// The `GET /__sim/faults` view: the rules with how often each fired.
    pub fn to_json(&self) -> Value {
        let rules: Vec<Value> = self
            .rules
            .iter()
            .enumerate()
            .map(|(index, rule)| {
                json!({
                    "index": index,
                    "method": rule.method,
                    "path": rule.path,
                    "action": rule.action.as_str(),
                    "status": rule.status,
                    "retry_after": rule.retry_after,
                    "code": rule.code,
                    "message": rule.message,
                    "count": rule.count,
                    "probability": rule.probability,
                    "delay_ms": rule.delay_ms,
                    "fired": rule.fired,
                })
            })
            .collect();
        json!({ "seed": self.seed, "rules": rules })
    }
}

/// The error envelope for a fired `status` rule. 429 gets the real rate-limit code and a
/// `Retry-After` (default 1 second).
fn injected_error(rule: &FaultRule) -> ApiError {
    let status = StatusCode::from_u16(rule.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let (default_code, default_message) = if status == StatusCode::TOO_MANY_REQUESTS {
        (
            codes::RATE_LIMITED,
            "Please wait and consider throttling your request speed".to_string(),
        )
    } else {
        (
            codes::INTERNAL,
            format!(
                "Injected fault: {}",
                status.canonical_reason().unwrap_or("error")
            ),
        )
    };
    let mut err = ApiError::new(
        status,
        rule.code.unwrap_or(default_code),
        rule.message.clone().unwrap_or(default_message),
    );
    let retry_after = match rule.retry_after {
        Some(seconds) => Some(seconds),
        None if status == StatusCode::TOO_MANY_REQUESTS => Some(1),
        None => None,
    };
    if let Some(seconds) = retry_after {
        err = err.with_retry_after(seconds);
    }
    err
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(body: Value) -> FaultSet {
        let Value::Object(map) = body else { panic!() };
        FaultSet::parse(&map, &["/accounts", "/zones"]).unwrap()
    }

    #[test]
    fn count_rules_fire_n_times() {
        let mut faults = set(
            json!({"rules": [{"method": "POST", "path": "/accounts", "action": "status", "status": 503, "count": 2}]}),
        );
        assert!(faults.decide("GET", "/accounts").is_none());
        assert!(faults.decide("POST", "/accounts").is_some());
        assert!(faults.decide("POST", "/accounts").is_some());
        assert!(faults.decide("POST", "/accounts").is_none());
    }

    #[test]
    fn probability_is_repeatable() {
        let body =
            json!({"seed": 7, "rules": [{"path": "*", "action": "delay", "probability": 0.5}]});
        let run = |mut f: FaultSet| {
            (0..64)
                .map(|_| f.decide("GET", "/zones").is_some())
                .collect::<Vec<_>>()
        };
        let first = run(set(body.clone()));
        assert_eq!(first, run(set(body)));
        assert!(first.iter().any(|b| *b) && first.iter().any(|b| !*b));
    }

    #[test]
    fn unknown_template_is_rejected() {
        let Value::Object(map) = json!({"rules": [{"path": "/acounts", "action": "drop"}]}) else {
            panic!()
        };
        assert!(FaultSet::parse(&map, &["/accounts"]).is_err());
    }
}
