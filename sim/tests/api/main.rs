//! The simulator's HTTP API, over real HTTP against the `cftenant-sim`
//! binary: one module per API area. Each test starts its own simulator on a
//! free loopback port (the shared harness in `cftenant-testing`).

mod accounts;
mod admin;
mod auth;
mod connections;
mod custom_ns;
mod dns_settings;
mod faults;
mod limits;
mod members;
mod subscriptions;
mod tenants;
mod users;
mod zones;

pub use cftenant_testing::{
    Auth, Body, Sim, ADMIN_EMAIL, ADMIN_KEY, ADMIN_ROLE, OBSERVED, TENANT, TOKEN, UNIT_1, UNIT_2,
};
pub use serde_json::{json, Value};
pub use std::time::{Duration, Instant};

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Command, Stdio};

/// A simulator started with exactly the given arguments, outside the shared
/// harness (which always adds `--record-exchanges`), and possibly under a
/// file-descriptor limit. Killed when dropped.
pub struct Proc {
    child: Child,
    /// `http://127.0.0.1:PORT`
    pub root: String,
}

impl Proc {
    pub fn start(args: &[&str]) -> Proc {
        // reqwest is built without a default rustls crypto provider; a test
        // that only talks to a `Proc` must not depend on another having
        // started a `Sim` first.
        let _ = rustls::crypto::ring::default_provider().install_default();
        Proc::spawn(Command::new(env!("CARGO_BIN_EXE_cftenant-sim")), args)
    }

    /// Under `ulimit -n limit`: at most that many open files.
    pub fn start_with_fd_limit(limit: u32, args: &[&str]) -> Proc {
        let mut command = Command::new("sh");
        command.args([
            "-c",
            &format!("ulimit -n {limit} && exec \"$0\" \"$@\""),
            env!("CARGO_BIN_EXE_cftenant-sim"),
        ]);
        Proc::spawn(command, args)
    }

    fn spawn(mut command: Command, args: &[&str]) -> Proc {
        let mut child = command
            .args(["--listen", "127.0.0.1:0"])
            .args(args)
            .env_remove("CFTENANT_SIM_LISTEN")
            .env_remove("CFTENANT_SIM_STATE")
            .env_remove("CFTENANT_SIM_DIALECT")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start cftenant-sim");
        let mut line = String::new();
        let _ = BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line);
        let Some(base) = line.trim_end().strip_prefix("cftenant-sim listening on ") else {
            let _ = child.kill();
            let _ = child.wait();
            panic!("unexpected simulator banner: {line:?}");
        };
        let root = base.trim_end_matches("/client/v4").to_string();
        Proc { child, root }
    }

    /// `127.0.0.1:PORT`
    pub fn addr(&self) -> String {
        self.root.trim_start_matches("http://").to_string()
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `127.0.0.1:PORT` of a harness simulator.
pub fn sim_addr(sim: &Sim) -> String {
    format!("127.0.0.1:{}", sim.port())
}

/// Sends `request` (a whole HTTP/1.1 request, which should say
/// `Connection: close`) over a new connection to `addr`; the status and the
/// body, parsed as JSON when it is.
pub fn raw_http(addr: &str, request: &str) -> (u16, Value) {
    let mut stream = std::net::TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream.write_all(request.as_bytes()).expect("send");
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).expect("read the answer");
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let (head, body) = answer.split_once("\r\n\r\n").unwrap_or((&answer, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status in {answer:?}"));
    let body = serde_json::from_str(body).unwrap_or_else(|_| Value::String(body.to_string()));
    (status, body)
}

pub fn create_account(sim: &Sim, name: &str) -> String {
    let r = sim.call("POST", "/accounts", Some(json!({ "name": name })));
    r.assert_ok()["id"]
        .as_str()
        .expect("account id")
        .to_string()
}

pub fn create_zone(sim: &Sim, account_id: &str, name: &str) -> String {
    let r = sim.call(
        "POST",
        "/zones",
        Some(json!({ "name": name, "account": { "id": account_id } })),
    );
    r.assert_ok()["id"].as_str().expect("zone id").to_string()
}

/// A service user (`POST /users`): its email and API key.
pub fn create_service_user(sim: &Sim, email: &str) -> (String, String) {
    let r = sim.call("POST", "/users", Some(json!({ "email": email })));
    let key = r.assert_ok()["api_key"]
        .as_str()
        .expect("api_key")
        .to_string();
    (email.to_string(), key)
}

/// The keys of a JSON object, sorted.
pub fn keys(v: &Value) -> Vec<String> {
    let mut keys: Vec<String> = v
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {v}"))
        .keys()
        .cloned()
        .collect();
    keys.sort();
    keys
}

pub fn is_cf_id(v: &Value) -> bool {
    v.as_str().is_some_and(|s| {
        s.len() == 32
            && s.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}
