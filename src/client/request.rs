//! One API request as a value: what [`Client::call`](super::Client::call)
//! sends, retries and decodes.

use super::error::{ApiError, ErrorKind};
use super::Auth;
use reqwest::Method;
use serde::Serialize;

pub struct Request<'a> {
    pub method: Method,
    pub path: &'a str,
    pub query: Vec<(&'a str, String)>,
    /// The JSON body, already encoded.
    pub body: Option<Vec<u8>>,
    /// Other credentials than the provider's (a service user reading
    /// itself); `None`: the provider's.
    pub auth: Option<&'a Auth>,
}

impl<'a> Request<'a> {
    pub fn new(method: Method, path: &'a str) -> Request<'a> {
        Request {
            method,
            path,
            query: Vec::new(),
            body: None,
            auth: None,
        }
    }

    pub fn get(path: &'a str) -> Request<'a> {
        Request::new(Method::GET, path)
    }

    pub fn query(mut self, query: &[(&'a str, String)]) -> Request<'a> {
        self.query.extend_from_slice(query);
        self
    }

    /// With `body` as its JSON body.
    pub fn json(mut self, body: &impl Serialize) -> Result<Request<'a>, ApiError> {
        let encoded = serde_json::to_vec(body)
            .map_err(|e| ApiError::new(self.name(), ErrorKind::Decode, e.to_string()))?;
        self.body = Some(encoded);
        Ok(self)
    }

    pub fn auth(mut self, auth: &'a Auth) -> Request<'a> {
        self.auth = Some(auth);
        self
    }

    /// `METHOD /path`, as errors and logs name it (never the query).
    pub fn name(&self) -> String {
        format!("{} {}", self.method, self.path)
    }

    /// Whether it changes something: what was read before may be stale.
    pub fn writes(&self) -> bool {
        self.method != Method::GET
    }
}
