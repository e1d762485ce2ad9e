//! The one way tests start the simulator: `cftenant-sim` as a process on a
//! free loopback port (killed when dropped), the URL read from its first
//! stdout line, and blocking calls to its API and admin endpoints. The
//! provider's tests (client, end to end) and the simulator's own use it.
//!
//! Calls run on a thread of their own, so they work from synchronous tests
//! and from inside an async runtime alike.

pub mod conformance;
pub mod destroy;

use reqwest::header::HeaderMap;
use reqwest::Method;
use serde_json::Value as Json;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};

/// The simulator's default credentials and seeded tenant (docs/SIMULATOR.md).
pub const TOKEN: &str = "sim-token";
pub const ADMIN_EMAIL: &str = "sim@example.com";
pub const ADMIN_KEY: &str = "sim-key";
pub const TENANT: &str = "7d0a0a5b2c1e4f3a9b8c6d5e4f3a2b1c";
/// The tenant's units, derived from the default tenant id.
pub const UNIT_1: &str = "cfccd79531f60f6ae49a30979d0aebd9";
pub const UNIT_2: &str = "f63382bb11b1e5a156367c6f0e144fd9";
/// The Administrator role, the same id in every account.
pub const ADMIN_ROLE: &str = "05784afa30c1afe1440e79d9351c7430";
/// The arguments that start a simulator in the observed dialect: the shapes
/// the live API was recorded answering in (docs/SIMULATOR.md, Dialects).
/// `Sim::start(OBSERVED)`. Without them the simulator answers as documented
/// (a `CFTENANT_SIM_DIALECT` in the environment is not passed on).
pub const OBSERVED: &[&str] = &["--dialect", "observed"];

/// How a request authenticates.
#[derive(Clone, Copy, Debug)]
pub enum Auth<'a> {
    None,
    Token(&'a str),
    Key(&'a str, &'a str),
    /// One raw header, e.g. a malformed `Authorization`.
    Header(&'a str, &'a str),
}

/// What a request sends.
#[derive(Clone, Copy, Debug)]
pub enum Body<'a> {
    None,
    Json(&'a Json),
    /// Sent as is, declared as JSON (for malformed bodies).
    Raw(&'a str),
}

/// An answer, its body parsed as JSON.
pub struct Response {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Json,
}

impl Response {
    pub fn result(&self) -> &Json {
        &self.body["result"]
    }

    /// The first error's Cloudflare code, or -1.
    pub fn code(&self) -> i64 {
        self.body["errors"][0]["code"].as_i64().unwrap_or(-1)
    }

    pub fn message(&self) -> String {
        self.body["errors"][0]["message"]
            .as_str()
            .unwrap_or("")
            .to_string()
    }

    /// A success envelope; its `result`.
    #[track_caller]
    pub fn assert_ok(&self) -> &Json {
        assert_eq!(self.status, 200, "expected success, got {}", self.body);
        assert_eq!(self.body["success"], Json::Bool(true));
        assert_eq!(self.body["errors"], Json::Array(vec![]));
        assert_eq!(self.body["messages"], Json::Array(vec![]));
        self.result()
    }

    /// A failure envelope with this status and code.
    #[track_caller]
    pub fn assert_error(&self, status: u16, code: i64) {
        assert_eq!(self.status, status, "unexpected status, body {}", self.body);
        assert_eq!(self.code(), code, "unexpected code, body {}", self.body);
        assert_eq!(self.body["success"], Json::Bool(false));
        assert_eq!(self.body["result"], Json::Null);
    }
}

/// A running `cftenant-sim`, killed when dropped.
pub struct Sim {
    child: Child,
    /// The banner: `cftenant-sim listening on http://127.0.0.1:PORT/client/v4`.
    pub first_line: String,
    /// `http://127.0.0.1:PORT/client/v4`
    pub base_url: String,
    /// `http://127.0.0.1:PORT`
    pub root: String,
}

/// The simulator binary: beside the running test's target directory,
/// where `cargo test --workspace` (scripts/test.sh) builds it.
fn binary() -> PathBuf {
    if let Some(path) = std::env::var_os("CFTENANT_SIM_BIN") {
        return path.into();
    }
    let exe = std::env::current_exe().expect("the test binary's path");
    // target/<profile>/deps/<test> → target/<profile>/cftenant-sim
    let profile_dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("a target directory");
    let path = profile_dir.join(format!("cftenant-sim{}", std::env::consts::EXE_SUFFIX));
    assert!(
        path.is_file(),
        "the simulator is not built at {}: run the tests with `cargo test --workspace` (scripts/test.sh), \
         or `cargo build -p cftenant-sim` first, or set CFTENANT_SIM_BIN",
        path.display()
    );
    path
}

impl Sim {
    /// On a free loopback port.
    pub fn start(extra_args: &[&str]) -> Sim {
        Sim::start_on("127.0.0.1:0", extra_args)
    }

    /// On a given address, e.g. to restart on the port an earlier one used.
    pub fn start_on(listen: &str, extra_args: &[&str]) -> Sim {
        // reqwest is built without a default rustls crypto provider.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut command = Command::new(binary());
        if !extra_args.contains(&"--listen") {
            command.args(["--listen", listen]);
        }
        // Every exchange is kept, and checked against Cloudflare's definition
        // when the simulator is dropped.
        let mut child = command
            .arg("--record-exchanges")
            .args(extra_args)
            .env_remove("CFTENANT_SIM_LISTEN")
            .env_remove("CFTENANT_SIM_STATE")
            .env_remove("CFTENANT_SIM_DIALECT")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start cftenant-sim");
        let mut line = String::new();
        let read = BufReader::new(child.stdout.take().expect("the simulator's stdout"))
            .read_line(&mut line);
        let first_line = line.trim_end().to_string();
        let base_url = first_line
            .strip_prefix("cftenant-sim listening on ")
            .map(str::to_string);
        let (Ok(_), Some(base_url)) = (read, base_url) else {
            let _ = child.kill();
            let _ = child.wait();
            panic!("unexpected simulator banner: {first_line:?}");
        };
        let root = base_url.trim_end_matches("/client/v4").to_string();
        Sim {
            child,
            first_line,
            base_url,
            root,
        }
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.root
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("no port in {}", self.root))
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Kills it with SIGKILL (no clean shutdown, like a crash) and reaps
    /// it; returns how it ended. Dropping it afterwards is harmless.
    pub fn kill9(&mut self) -> ExitStatus {
        let _ = self.child.kill();
        self.child.wait().expect("reap cftenant-sim")
    }

    /// Sends a request to a full URL and parses the JSON answer.
    #[track_caller]
    pub fn request(
        &self,
        auth: Auth<'_>,
        method: &str,
        url: &str,
        body: Option<&Json>,
    ) -> Response {
        let body = body.map_or(Body::None, Body::Json);
        self.send(auth, method, url, body)
            .unwrap_or_else(|e| panic!("{method} {url}: {e}"))
    }

    /// Sends a request; `Err` when no HTTP answer came back (a dropped
    /// connection).
    pub fn send(
        &self,
        auth: Auth<'_>,
        method: &str,
        url: &str,
        body: Body<'_>,
    ) -> Result<Response, String> {
        std::thread::scope(|s| {
            s.spawn(|| {
                let client = reqwest::blocking::Client::new();
                let method = Method::from_bytes(method.as_bytes()).map_err(|e| e.to_string())?;
                let mut req = client.request(method, url);
                req = match auth {
                    Auth::None => req,
                    Auth::Token(t) => req.bearer_auth(t),
                    Auth::Key(email, key) => {
                        req.header("X-Auth-Email", email).header("X-Auth-Key", key)
                    }
                    Auth::Header(name, value) => req.header(name, value),
                };
                req = match body {
                    Body::None => req,
                    Body::Json(b) => req.json(b),
                    Body::Raw(text) => req
                        .header("Content-Type", "application/json")
                        .body(text.to_string()),
                };
                let resp = req.send().map_err(|e| e.to_string())?;
                let status = resp.status().as_u16();
                let headers = resp.headers().clone();
                let text = resp.text().map_err(|e| e.to_string())?;
                // No body (204) reads as null.
                let body = match text.as_str() {
                    "" => Json::Null,
                    text => serde_json::from_str(text)
                        .map_err(|_| format!("non-JSON body ({status}): {text:?}"))?,
                };
                Ok(Response {
                    status,
                    headers,
                    body,
                })
            })
            .join()
            .expect("request thread")
        })
    }

    /// Sends a request as the tenant admin (`path` under `/client/v4`) and
    /// hands the raw answer to `read`, on the request's own thread: for
    /// answers that are not JSON, or too large to hold, or endless (a fault
    /// rule's `respond` with `raw_body`). `read` may stop reading when it
    /// likes; the connection is closed when the answer is dropped. `Err`
    /// when no HTTP answer came back.
    pub fn send_raw<T: Send>(
        &self,
        method: &str,
        path: &str,
        body: Option<&Json>,
        read: impl FnOnce(reqwest::blocking::Response) -> T + Send,
    ) -> Result<T, String> {
        let url = format!("{}{path}", self.base_url);
        std::thread::scope(|s| {
            s.spawn(|| {
                let client = reqwest::blocking::Client::builder()
                    .timeout(std::time::Duration::from_secs(300))
                    .build()
                    .map_err(|e| e.to_string())?;
                let method = Method::from_bytes(method.as_bytes()).map_err(|e| e.to_string())?;
                let mut req = client.request(method, &url).bearer_auth(TOKEN);
                if let Some(body) = body {
                    req = req.json(body);
                }
                let resp = req.send().map_err(|e| e.to_string())?;
                Ok(read(resp))
            })
            .join()
            .expect("request thread")
        })
    }

    /// An API call (`path` under `/client/v4`) as the tenant admin.
    pub fn call(&self, method: &str, path: &str, body: Option<Json>) -> Response {
        self.call_as(Auth::Token(TOKEN), method, path, body)
    }

    pub fn call_as(
        &self,
        auth: Auth<'_>,
        method: &str,
        path: &str,
        body: Option<Json>,
    ) -> Response {
        self.request(
            auth,
            method,
            &format!("{}{path}", self.base_url),
            body.as_ref(),
        )
    }

    /// An API call as the tenant admin, as something outside Terraform
    /// would make it; its `result`. Panics unless the API answers success.
    #[track_caller]
    pub fn api(&self, method: &str, path: &str, body: Option<Json>) -> Json {
        let r = self.call(method, path, body);
        assert_eq!(
            r.body["success"],
            Json::Bool(true),
            "{method} {path} failed: {}",
            r.body
        );
        r.result().clone()
    }

    /// An admin call (`/__sim/...`), its status and plain JSON body.
    pub fn admin_call(&self, method: &str, path: &str, body: Option<Json>) -> Response {
        self.request(
            Auth::None,
            method,
            &format!("{}/__sim{path}", self.root),
            body.as_ref(),
        )
    }

    /// An admin call that must succeed; its JSON.
    #[track_caller]
    pub fn admin(&self, method: &str, path: &str, body: Option<Json>) -> Json {
        let r = self.admin_call(method, path, body);
        assert!(
            (200..300).contains(&r.status),
            "{method} /__sim{path} answered {}: {}",
            r.status,
            r.body
        );
        r.body
    }

    /// Everything the simulator stores (`GET /__sim/state`).
    pub fn state(&self) -> Json {
        self.admin("GET", "/state", None)
    }

    /// Everything the simulator stores, object by object: what
    /// [`destroy::check`] compares before and after a destroy.
    #[track_caller]
    pub fn inventory(&self) -> destroy::Inventory {
        destroy::Inventory::read(&self.state())
    }

    /// Objects of one kind (`accounts`, `zones`, …). A kind the inventory
    /// does not list is a failure, not an empty list.
    #[track_caller]
    pub fn objects(&self, kind: &str) -> Vec<Json> {
        let state = self.state();
        state[kind]
            .as_array()
            .cloned()
            .unwrap_or_else(|| panic!("GET /__sim/state has no `{kind}` list: {state}"))
    }

    pub fn object(&self, kind: &str, id: &str) -> Option<Json> {
        self.objects(kind).into_iter().find(|o| o["id"] == id)
    }

    /// Request counts by method and path template (`GET /__sim/stats`).
    pub fn stats(&self) -> Json {
        self.admin("GET", "/stats", None)
    }

    /// How many requests of one `METHOD /template` it has answered. A
    /// template the simulator has no route for fails the test: a misspelt
    /// one would otherwise count 0 and pass any check of "no request".
    pub fn requests(&self, template: &str) -> u64 {
        let stats = self.stats();
        let known = template.split_once(' ').is_some_and(|(method, path)| {
            ["GET", "POST", "PUT", "PATCH", "DELETE"].contains(&method)
                && stats["routes"]
                    .as_array()
                    .expect("GET /__sim/stats lists the routes")
                    .iter()
                    .any(|route| route == path)
        });
        assert!(
            known,
            "{template:?} is no `METHOD /template` the simulator serves; its routes: {}",
            stats["routes"]
        );
        stats["requests"][template].as_u64().unwrap_or(0)
    }

    /// Installs fault rules (`POST /__sim/faults`), seeded.
    pub fn faults(&self, seed: u64, rules: Json) -> Json {
        self.admin(
            "POST",
            "/faults",
            Some(serde_json::json!({ "seed": seed, "rules": rules })),
        )
    }

    /// How many times each installed fault rule fired, in their order.
    pub fn faults_fired(&self) -> Vec<u64> {
        self.admin("GET", "/faults", None)["rules"]
            .as_array()
            .expect("GET /__sim/faults lists its rules")
            .iter()
            .map(|r| {
                r["fired"]
                    .as_u64()
                    .expect("each rule says how often it fired")
            })
            .collect()
    }
}

impl Sim {
    /// What the provider sent and the simulator answered so far, checked
    /// against Cloudflare's definition ([`conformance`]).
    pub fn conformance(&self) -> conformance::Report {
        // Over loopback: the admin endpoints answer nothing else, and a
        // test may have pointed `root` at another address.
        let url = format!("http://127.0.0.1:{}/__sim/exchanges", self.port());
        let r = self.request(Auth::None, "GET", &url, None);
        assert_eq!(r.status, 200, "GET {url}: {}", r.body);
        let exchanges = r.body;
        conformance::definition()
            .check(exchanges["exchanges"].as_array().map_or(&[], Vec::as_slice))
    }
}

impl Drop for Sim {
    /// Checks the exchanges (unless the test failed already or the
    /// simulator is gone), then kills it. A violation fails the test.
    fn drop(&mut self) {
        let running = matches!(self.child.try_wait(), Ok(None));
        let report = (running && !std::thread::panicking()).then(|| self.conformance());
        let _ = self.child.kill();
        let _ = self.child.wait();
        if let Some(report) = report {
            println!("conformance: {}", report.summary());
            if !report.violations.is_empty() {
                let list: Vec<String> =
                    report.violations.iter().map(|v| format!("- {v}")).collect();
                panic!(
                    "what the provider sent or the simulator answered does not conform to Cloudflare's API definition \
                     (testing/openapi/; deliberate deviations go in conformance::DEVIATIONS and docs/SIMULATOR.md):\n{}",
                    list.join("\n")
                );
            }
        }
    }
}
