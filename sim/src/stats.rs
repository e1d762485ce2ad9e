//! Request counts, by method and path template (`GET /__sim/stats`).

use serde_json::{json, Value};
use std::collections::BTreeMap;

/// Request counts by `"METHOD /template"`.
#[derive(Debug, Default)]
pub struct Stats {
    requests: BTreeMap<String, u64>,
    total: u64,
}

impl Stats {
    pub fn record(&mut self, method: &str, template: &str) {
        *self
            .requests
            .entry(format!("{method} {template}"))
            .or_insert(0) += 1;
        self.total += 1;
    }

    pub fn to_json(&self) -> Value {
        json!({ "requests": self.requests, "total": self.total })
    }
}
