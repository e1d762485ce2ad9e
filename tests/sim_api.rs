//! End-to-end tests of the `cftenant-sim` binary over real HTTP.
//!
//! Each test starts its own simulator on `127.0.0.1:0`, learns the URL from the first
//! stdout line, and talks to it with reqwest. The child is killed when the guard drops.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use reqwest::header::HeaderMap;
use reqwest::Method;
use serde_json::{json, Value};

const TOKEN: &str = "sim-token";
const ADMIN_EMAIL: &str = "sim@example.com";
const ADMIN_KEY: &str = "sim-key";
const TENANT: &str = "7d0a0a5b2c1e4f3a9b8c6d5e4f3a2b1c";
const ADMIN_ROLE: &str = "05784afa30c1afe1440e79d9351c7430";
/// Unit tags derived from the default tenant id (documented in docs/SIMULATOR.md).
const UNIT_1: &str = "cfccd79531f60f6ae49a30979d0aebd9";
const UNIT_2: &str = "f63382bb11b1e5a156367c6f0e144fd9";

/// A running simulator; killed on drop.
struct Sim {
    child: Child,
    /// `http://127.0.0.1:PORT/client/v4`
    base: String,
    /// `http://127.0.0.1:PORT`
    root: String,
    first_line: String,
    client: reqwest::Client,
}

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[derive(Clone, Copy)]
enum Auth<'a> {
    None,
    Token(&'a str),
    Key(&'a str, &'a str),
    Header(&'a str, &'a str),
}

struct Resp {
    status: u16,
    headers: HeaderMap,
    body: Value,
}

impl Resp {
    fn result(&self) -> &Value {
        &self.body["result"]
    }

    fn code(&self) -> i64 {
        self.body["errors"][0]["code"].as_i64().unwrap_or(-1)
    }

    fn message(&self) -> String {
        self.body["errors"][0]["message"]
            .as_str()
            .unwrap_or("")
            .to_string()
    }

    #[track_caller]
    fn assert_ok(&self) -> &Value {
        assert_eq!(self.status, 200, "expected success, got {}", self.body);
        assert_eq!(self.body["success"], json!(true));
        assert_eq!(self.body["errors"], json!([]));
        assert_eq!(self.body["messages"], json!([]));
        self.result()
    }

    #[track_caller]
    fn assert_error(&self, status: u16, code: i64) {
        assert_eq!(self.status, status, "unexpected status, body {}", self.body);
        assert_eq!(self.code(), code, "unexpected code, body {}", self.body);
        assert_eq!(self.body["success"], json!(false));
        assert_eq!(self.body["result"], Value::Null);
    }
}

impl Sim {
    fn start(args: &[&str]) -> Sim {
        // Everything that can fail before the guard exists happens before the spawn, so a
        // failing test never leaks a simulator process.
        let client = http_client();
        let mut command = Command::new(env!("CARGO_BIN_EXE_cftenant-sim"));
        if !args.contains(&"--listen") {
            command.args(["--listen", "127.0.0.1:0"]);
        }
        let child = command
            .args(args)
            .env_remove("CFTENANT_SIM_LISTEN")
            .env_remove("CFTENANT_SIM_STATE")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn cftenant-sim");
        let mut sim = Sim {
            child,
            base: String::new(),
            root: String::new(),
            first_line: String::new(),
            client,
        };
        let stdout = sim.child.stdout.take().expect("stdout");
        BufReader::new(stdout)
            .read_line(&mut sim.first_line)
            .expect("read first line");
        sim.first_line = sim.first_line.trim_end().to_string();
        sim.base = sim
            .first_line
            .strip_prefix("cftenant-sim listening on ")
            .unwrap_or_else(|| panic!("unexpected first line: {:?}", sim.first_line))
            .to_string();
        sim.root = sim
            .base
            .strip_suffix("/client/v4")
            .expect("base ends with /client/v4")
            .to_string();
        sim
    }

    async fn send(
        &self,
        auth: Auth<'_>,
        method: &str,
        url: String,
        body: Option<&Value>,
    ) -> Result<Resp, reqwest::Error> {
        let method = Method::from_bytes(method.as_bytes()).expect("method");
        let mut request = self.client.request(method, url);
        request = match auth {
            Auth::None => request,
            Auth::Token(token) => request.header("Authorization", format!("Bearer {token}")),
            Auth::Key(email, key) => request
                .header("X-Auth-Email", email)
                .header("X-Auth-Key", key),
            Auth::Header(name, value) => request.header(name, value),
        };
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await?;
        let body = serde_json::from_str(&text)
            .unwrap_or_else(|_| panic!("non-JSON body ({status}): {text:?}"));
        Ok(Resp {
            status,
            headers,
            body,
        })
    }

    /// An API call as the tenant admin (bearer token).
    async fn api(&self, method: &str, path: &str, body: Option<Value>) -> Resp {
        self.api_as(Auth::Token(TOKEN), method, path, body).await
    }

    async fn api_as(&self, auth: Auth<'_>, method: &str, path: &str, body: Option<Value>) -> Resp {
        self.send(auth, method, format!("{}{path}", self.base), body.as_ref())
            .await
            .unwrap_or_else(|err| panic!("{method} {path}: {err}"))
    }

    /// An admin call (`/__sim/...`); returns the status and plain JSON body.
    async fn admin(&self, method: &str, path: &str, body: Option<Value>) -> Resp {
        self.send(
            Auth::None,
            method,
            format!("{}/__sim{path}", self.root),
            body.as_ref(),
        )
        .await
        .unwrap_or_else(|err| panic!("{method} {path}: {err}"))
    }

    async fn create_account(&self, name: &str) -> String {
        let r = self
            .api("POST", "/accounts", Some(json!({ "name": name })))
            .await;
        r.assert_ok()["id"]
            .as_str()
            .expect("account id")
            .to_string()
    }

    async fn create_zone(&self, account_id: &str, name: &str) -> String {
        let r = self
            .api(
                "POST",
                "/zones",
                Some(json!({ "name": name, "account": { "id": account_id } })),
            )
            .await;
        r.assert_ok()["id"].as_str().expect("zone id").to_string()
    }
}

/// reqwest is built with `rustls-no-provider`: a crypto provider must be installed
/// before building a client, even for plain HTTP.
fn http_client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder().build().expect("client")
}

fn is_cf_id(v: &Value) -> bool {
    v.as_str().is_some_and(|s| {
        s.len() == 32
            && s.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

#[tokio::test]
async fn first_line_announces_a_free_port() {
    let sim = Sim::start(&[]);
    let rest = sim
        .first_line
        .strip_prefix("cftenant-sim listening on http://127.0.0.1:")
        .expect("prefix");
    let port: u16 = rest
        .strip_suffix("/client/v4")
        .expect("suffix")
        .parse()
        .expect("port");
    assert_ne!(port, 0);
    // The announced URL answers.
    let r = sim.api("GET", "/accounts", None).await;
    r.assert_ok();
    assert_eq!(r.body["result_info"]["total_count"], json!(0));
}

#[tokio::test]
async fn authentication_failures_use_real_envelopes() {
    let sim = Sim::start(&["--api-token", "alpha", "--api-token", "beta"]);

    sim.api_as(Auth::None, "GET", "/accounts", None)
        .await
        .assert_error(400, 9106);
    sim.api_as(Auth::Token("sim-token"), "GET", "/accounts", None)
        .await
        .assert_error(403, 9109);
    sim.api_as(Auth::Token("alpha"), "GET", "/accounts", None)
        .await
        .assert_ok();
    sim.api_as(Auth::Token("beta"), "GET", "/accounts", None)
        .await
        .assert_ok();
    sim.api_as(Auth::Key(ADMIN_EMAIL, ADMIN_KEY), "GET", "/accounts", None)
        .await
        .assert_ok();
    sim.api_as(
        Auth::Key(ADMIN_EMAIL, "wrong-key"),
        "GET",
        "/accounts",
        None,
    )
    .await
    .assert_error(403, 9103);
    sim.api_as(
        Auth::Key("other@example.com", ADMIN_KEY),
        "GET",
        "/accounts",
        None,
    )
    .await
    .assert_error(403, 9103);

    // Malformed headers: 6003, with the reason in the error chain.
    for (auth, chained) in [
        (Auth::Header("Authorization", "Basic abc"), 6111),
        (Auth::Key("not-an-email", ADMIN_KEY), 6102),
        (Auth::Header("X-Auth-Email", ADMIN_EMAIL), 6103),
    ] {
        let r = sim.api_as(auth, "GET", "/accounts", None).await;
        r.assert_error(400, 6003);
        assert_eq!(
            r.body["errors"][0]["error_chain"][0]["code"],
            json!(chained)
        );
    }
}

#[tokio::test]
async fn unknown_routes_methods_and_bodies() {
    let sim = Sim::start(&[]);
    sim.api("GET", "/nope", None).await.assert_error(404, 7000);
    sim.api("GET", "/users/0123456789abcdef0123456789abcdef", None)
        .await
        .assert_error(404, 7000);
    sim.api("DELETE", "/users/0123456789abcdef0123456789abcdef", None)
        .await
        .assert_error(404, 7000);

    // Malformed JSON, non-object JSON and wrong field types are clean 400s.
    let raw = sim
        .client
        .post(format!("{}/accounts", sim.base))
        .header("Authorization", format!("Bearer {TOKEN}"))
        .header("Content-Type", "application/json")
        .body("{\"name\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status().as_u16(), 400);
    let body: Value = raw.json().await.unwrap();
    assert_eq!(body["errors"][0]["code"], json!(6007));
    sim.api("POST", "/accounts", Some(json!([1, 2])))
        .await
        .assert_error(400, 6007);
    let r = sim
        .api("POST", "/accounts", Some(json!({ "name": 12 })))
        .await;
    r.assert_error(400, 1000);
    assert!(r.message().contains("name"), "{}", r.message());
    let r = sim
        .api(
            "POST",
            "/accounts",
            Some(json!({ "name": "x", "type": 1e300 })),
        )
        .await;
    r.assert_error(400, 1000);
    let r = sim
        .api(
            "GET",
            "/accounts?page=99999999999999999999999&per_page=5",
            None,
        )
        .await;
    r.assert_error(400, 1000);
}

#[tokio::test]
async fn account_crud_validation_and_pagination() {
    let sim = Sim::start(&[]);

    // Create with KYC on the second unit.
    let r = sim
        .api(
            "POST",
            "/accounts",
            Some(json!({
                "name": "Acme",
                "type": "enterprise",
                "unit": { "id": UNIT_2 },
                "business_name": "Acme Inc",
                "business_email": "billing@acme.example",
                "external_metadata": "{'k': 'v'}",
            })),
        )
        .await;
    let account = r.assert_ok().clone();
    assert!(is_cf_id(&account["id"]));
    assert_eq!(account["name"], json!("Acme"));
    assert_eq!(account["type"], json!("enterprise"));
    assert!(account["created_on"].as_str().unwrap().ends_with('Z'));
    assert_eq!(account["managed_by"]["parent_org_id"], json!(UNIT_2));
    assert_eq!(
        account["managed_by"]["parent_org_name"],
        json!("Secondary Unit")
    );
    assert_eq!(
        account["settings"],
        json!({ "abuse_contact_email": null, "enforce_twofactor": false })
    );
    let id = account["id"].as_str().unwrap().to_string();

    // Default unit is the first one; default type standard.
    let r = sim
        .api("POST", "/accounts", Some(json!({ "name": "Beta" })))
        .await;
    assert_eq!(r.assert_ok()["managed_by"]["parent_org_id"], json!(UNIT_1));
    assert_eq!(r.result()["type"], json!("standard"));

    // Validation.
    let r = sim
        .api(
            "POST",
            "/accounts",
            Some(json!({ "name": "x".repeat(101) })),
        )
        .await;
    r.assert_error(400, 1000);
    assert!(r.message().starts_with("name"));
    sim.api(
        "POST",
        "/accounts",
        Some(json!({ "name": "x".repeat(100) })),
    )
    .await
    .assert_ok();
    sim.api("POST", "/accounts", Some(json!({})))
        .await
        .assert_error(400, 1000);
    let r = sim
        .api(
            "POST",
            "/accounts",
            Some(json!({ "name": "k", "business_phone": "1".repeat(121) })),
        )
        .await;
    r.assert_error(400, 1000);
    assert!(r.message().contains("business_phone"), "{}", r.message());
    sim.api(
        "POST",
        "/accounts",
        Some(json!({ "name": "k", "type": "premium" })),
    )
    .await
    .assert_error(400, 1000);
    let r = sim
        .api(
            "POST",
            "/accounts",
            Some(json!({ "name": "k", "unit": { "id": "nope" } })),
        )
        .await;
    r.assert_error(400, 1007);
    assert!(r.message().contains("nope"));

    // Read, update.
    let r = sim.api("GET", &format!("/accounts/{id}"), None).await;
    assert_eq!(r.assert_ok(), &account);
    let r = sim
        .api(
            "PUT",
            &format!("/accounts/{id}"),
            Some(json!({ "name": "Acme 2", "settings": { "enforce_twofactor": true, "abuse_contact_email": "abuse@acme.example" } })),
        )
        .await;
    let updated = r.assert_ok();
    assert_eq!(updated["name"], json!("Acme 2"));
    assert_eq!(updated["type"], json!("enterprise"));
    assert_eq!(updated["settings"]["enforce_twofactor"], json!(true));
    assert_eq!(
        updated["settings"]["abuse_contact_email"],
        json!("abuse@acme.example")
    );
    sim.api(
        "PUT",
        &format!("/accounts/{id}"),
        Some(json!({ "name": "Acme 3", "type": "enterprise" })),
    )
    .await
    .assert_ok();
    let r = sim
        .api(
            "PUT",
            &format!("/accounts/{id}"),
            Some(json!({ "name": "Acme 3", "type": "standard" })),
        )
        .await;
    r.assert_error(400, 1008);
    assert!(r.message().contains("account type cannot be changed"));
    sim.api(
        "PUT",
        &format!("/accounts/{id}"),
        Some(json!({ "type": "enterprise" })),
    )
    .await
    .assert_error(400, 1000);

    // Malformed and unknown ids.
    let r = sim.api("GET", "/accounts/not-hex", None).await;
    r.assert_error(400, 7003);
    assert_eq!(
        r.message(),
        "Could not route to /client/v4/accounts/not-hex, perhaps your object identifier is invalid?"
    );
    sim.api("GET", "/accounts/0123456789ABCDEF0123456789ABCDEF", None)
        .await
        .assert_error(400, 7003);
    sim.api("GET", "/accounts/0123456789abcdef0123456789abcdef", None)
        .await
        .assert_error(404, 1002);

    // Delete.
    let r = sim.api("DELETE", &format!("/accounts/{id}"), None).await;
    assert_eq!(r.assert_ok(), &json!({ "id": id }));
    sim.api("GET", &format!("/accounts/{id}"), None)
        .await
        .assert_error(404, 1002);
    sim.api("DELETE", &format!("/accounts/{id}"), None)
        .await
        .assert_error(404, 1002);
}

#[tokio::test]
async fn account_list_pagination_filters_and_order() {
    let sim = Sim::start(&[]);
    for name in ["g", "c", "a", "e", "b", "f", "d"] {
        sim.create_account(name).await;
    }
    let r = sim.api("GET", "/accounts?per_page=5", None).await;
    let page1 = r.assert_ok().as_array().unwrap().clone();
    assert_eq!(
        r.body["result_info"],
        json!({ "page": 1, "per_page": 5, "count": 5, "total_count": 7, "total_pages": 2 })
    );
    let names: Vec<&str> = page1.iter().map(|a| a["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["a", "b", "c", "d", "e"]);
    let r = sim.api("GET", "/accounts?per_page=5&page=2", None).await;
    assert_eq!(r.assert_ok().as_array().unwrap().len(), 2);
    assert_eq!(r.body["result_info"]["count"], json!(2));
    let r = sim.api("GET", "/accounts?per_page=5&page=3", None).await;
    assert_eq!(r.assert_ok(), &json!([]));
    let r = sim
        .api("GET", "/accounts?per_page=5&direction=desc", None)
        .await;
    assert_eq!(r.assert_ok()[0]["name"], json!("g"));
    let r = sim.api("GET", "/accounts?name=d", None).await;
    assert_eq!(r.assert_ok().as_array().unwrap().len(), 1);
    assert_eq!(r.body["result_info"]["per_page"], json!(20));
    sim.api("GET", "/accounts?per_page=4", None)
        .await
        .assert_error(400, 1000);
    sim.api("GET", "/accounts?per_page=51", None)
        .await
        .assert_error(400, 1000);
    sim.api("GET", "/accounts?page=0", None)
        .await
        .assert_error(400, 1000);
    sim.api("GET", "/accounts?direction=up", None)
        .await
        .assert_error(400, 1000);
}

#[tokio::test]
async fn profile_put_ignores_empty_fields() {
    let sim = Sim::start(&[]);
    let r = sim
        .api(
            "POST",
            "/accounts",
            Some(json!({ "name": "P", "business_name": "Old Name", "business_phone": "111" })),
        )
        .await;
    let id = r.assert_ok()["id"].as_str().unwrap().to_string();
    let path = format!("/accounts/{id}/profile");
    let r = sim.api("GET", &path, None).await;
    assert_eq!(
        r.assert_ok(),
        &json!({ "business_name": "Old Name", "business_address": "", "business_email": "", "business_phone": "111", "external_metadata": "" })
    );
    let r = sim
        .api(
            "PUT",
            &path,
            Some(json!({ "business_name": "", "business_address": "1 Main St" })),
        )
        .await;
    assert_eq!(r.assert_ok(), &Value::Null);
    let r = sim.api("GET", &path, None).await;
    let profile = r.assert_ok();
    assert_eq!(
        profile["business_name"],
        json!("Old Name"),
        "empty string must not clear"
    );
    assert_eq!(
        profile["business_phone"],
        json!("111"),
        "omitted field must not clear"
    );
    assert_eq!(profile["business_address"], json!("1 Main St"));
    let r = sim
        .api(
            "PUT",
            &path,
            Some(json!({ "external_metadata": "m".repeat(121) })),
        )
        .await;
    r.assert_error(400, 1000);
    assert!(r.message().contains("external_metadata"));
    sim.api(
        "GET",
        "/accounts/0123456789abcdef0123456789abcdef/profile",
        None,
    )
    .await
    .assert_error(404, 1002);
}

#[tokio::test]
async fn deleting_an_account_cascades() {
    let sim = Sim::start(&[]);
    let keep = sim.create_account("keep").await;
    let gone = sim.create_account("gone").await;
    let keep_zone = sim.create_zone(&keep, "keep-example.com").await;
    let zone = sim.create_zone(&gone, "gone-example.com").await;
    sim.api(
        "POST",
        &format!("/zones/{zone}/subscription"),
        Some(json!({ "rate_plan": { "id": "PARTNERS_PRO" } })),
    )
    .await
    .assert_ok();
    sim.api(
        "POST",
        &format!("/accounts/{gone}/members"),
        Some(json!({ "email": "a@b.example", "roles": [ADMIN_ROLE] })),
    )
    .await
    .assert_ok();
    sim.api(
        "POST",
        &format!("/accounts/{gone}/subscriptions"),
        Some(json!({ "rate_plan": { "id": "TEAMS_STANDARD" } })),
    )
    .await
    .assert_ok();

    sim.api("DELETE", &format!("/accounts/{gone}"), None)
        .await
        .assert_ok();
    let state = sim.admin("GET", "/state", None).await.body;
    assert_eq!(state["accounts"].as_array().unwrap().len(), 1);
    assert_eq!(state["zones"].as_array().unwrap().len(), 1);
    assert_eq!(state["zones"][0]["id"], json!(keep_zone));
    assert_eq!(state["members"], json!([]));
    assert_eq!(state["zone_subscriptions"], json!([]));
    assert_eq!(state["account_subscriptions"], json!([]));
    sim.api("GET", &format!("/zones/{zone}"), None)
        .await
        .assert_error(404, 1001);
}

#[tokio::test]
async fn members_and_roles() {
    let sim = Sim::start(&[]);
    let account = sim.create_account("m").await;
    let members = format!("/accounts/{account}/members");

    // Roles.
    let r = sim
        .api(
            "GET",
            &format!("/accounts/{account}/roles?per_page=5"),
            None,
        )
        .await;
    let roles = r.assert_ok().as_array().unwrap().clone();
    assert_eq!(roles.len(), 5);
    assert!(r.body["result_info"]["total_count"].as_u64().unwrap() > 5);
    let r = sim
        .api(
            "GET",
            &format!("/accounts/{account}/roles/{ADMIN_ROLE}"),
            None,
        )
        .await;
    let admin_role = r.assert_ok();
    assert_eq!(admin_role["name"], json!("Administrator"));
    assert_eq!(
        admin_role["permissions"]["dns"],
        json!({ "read": true, "write": true })
    );
    sim.api(
        "GET",
        &format!("/accounts/{account}/roles/0123456789abcdef0123456789abcdef"),
        None,
    )
    .await
    .assert_error(404, 1005);
    sim.api("GET", &format!("/accounts/{account}/roles/admin"), None)
        .await
        .assert_error(400, 7003);

    // POST omits roles (real bug); GET has them.
    let r = sim
        .api(
            "POST",
            &members,
            Some(json!({ "email": "Jane@Example.com", "roles": [ADMIN_ROLE] })),
        )
        .await;
    let created = r.assert_ok().clone();
    assert!(
        created.get("roles").is_none(),
        "POST must not return roles: {created}"
    );
    assert_eq!(created["status"], json!("pending"));
    assert!(is_cf_id(&created["id"]));
    assert!(is_cf_id(&created["user"]["id"]));
    assert_eq!(created["user"]["email"], json!("Jane@Example.com"));
    assert_eq!(
        created["user"]["two_factor_authentication_enabled"],
        json!(false)
    );
    let member_id = created["id"].as_str().unwrap().to_string();
    let r = sim
        .api("GET", &format!("{members}/{member_id}"), None)
        .await;
    let fetched = r.assert_ok();
    assert_eq!(fetched["roles"][0]["id"], json!(ADMIN_ROLE));
    assert_eq!(fetched["roles"][0]["name"], json!("Administrator"));
    assert!(fetched["roles"][0]["permissions"].is_object());
    assert_eq!(fetched["policies"][0]["access"], json!("allow"));

    // Validation on create.
    let r = sim
        .api(
            "POST",
            &members,
            Some(json!({ "email": "x@y.example", "roles": ["0123456789abcdef0123456789abcdef"] })),
        )
        .await;
    r.assert_error(400, 1009);
    assert!(r.message().contains("0123456789abcdef0123456789abcdef"));
    sim.api(
        "POST",
        &members,
        Some(json!({ "email": "x@y.example", "roles": [] })),
    )
    .await
    .assert_error(400, 1000);
    sim.api(
        "POST",
        &members,
        Some(json!({ "email": "not-an-email", "roles": [ADMIN_ROLE] })),
    )
    .await
    .assert_error(400, 1000);
    let long = format!("{}@example.com", "a".repeat(80));
    sim.api(
        "POST",
        &members,
        Some(json!({ "email": long, "roles": [ADMIN_ROLE] })),
    )
    .await
    .assert_error(400, 1000);
    sim.api(
        "POST",
        &members,
        Some(json!({ "email": "jane@example.com", "roles": [ADMIN_ROLE] })),
    )
    .await
    .assert_error(400, 1011);
    let r = sim
        .api(
            "POST",
            &members,
            Some(
                json!({ "email": "auto@example.com", "roles": [ADMIN_ROLE], "status": "accepted" }),
            ),
        )
        .await;
    r.assert_error(400, 1010);
    assert!(r.message().contains("allow_auto_accept_invites"));

    // PUT needs role objects, not strings.
    let billing = roles
        .iter()
        .find(|r| r["name"] == json!("Billing"))
        .unwrap()["id"]
        .clone();
    let r = sim
        .api(
            "PUT",
            &format!("{members}/{member_id}"),
            Some(json!({ "roles": [billing] })),
        )
        .await;
    r.assert_error(400, 1000);
    assert!(r.message().contains("object"), "{}", r.message());
    let r = sim
        .api(
            "PUT",
            &format!("{members}/{member_id}"),
            Some(json!({ "roles": [{ "id": ADMIN_ROLE }, { "id": billing }] })),
        )
        .await;
    let updated = r.assert_ok();
    assert_eq!(updated["roles"].as_array().unwrap().len(), 2);
    assert_eq!(updated["roles"][1]["name"], json!("Billing"));
    sim.api(
        "PUT",
        &format!("{members}/{member_id}"),
        Some(json!({ "roles": [{ "id": ADMIN_ROLE }], "email": "other@example.com" })),
    )
    .await
    .assert_error(400, 1000);

    // List and delete.
    for i in 0..6 {
        sim.api(
            "POST",
            &members,
            Some(json!({ "email": format!("u{i}@example.com"), "roles": [ADMIN_ROLE] })),
        )
        .await
        .assert_ok();
    }
    let r = sim
        .api("GET", &format!("{members}?per_page=5&page=2"), None)
        .await;
    assert_eq!(r.assert_ok().as_array().unwrap().len(), 2);
    assert_eq!(r.body["result_info"]["total_count"], json!(7));
    assert!(r.result()[0]["roles"].is_array());
    sim.api("GET", &format!("{members}?per_page=100"), None)
        .await
        .assert_error(400, 1000);
    let r = sim
        .api("DELETE", &format!("{members}/{member_id}"), None)
        .await;
    assert_eq!(r.assert_ok(), &json!({ "id": member_id }));
    sim.api("GET", &format!("{members}/{member_id}"), None)
        .await
        .assert_error(404, 1004);
    sim.api("GET", &format!("{members}/xyz"), None)
        .await
        .assert_error(400, 7003);
}

#[tokio::test]
async fn accepted_members_need_the_entitlement_flag() {
    let sim = Sim::start(&["--allow-auto-accept-invites"]);
    let r = sim
        .api("GET", &format!("/tenants/{TENANT}/entitlements"), None)
        .await;
    assert_eq!(
        r.assert_ok()["allow_auto_accept_invites"],
        json!({ "type": "bool", "value": true })
    );
    let account = sim.create_account("auto").await;
    let r = sim
        .api(
            "POST",
            &format!("/accounts/{account}/members"),
            Some(
                json!({ "email": "auto@example.com", "roles": [ADMIN_ROLE], "status": "accepted" }),
            ),
        )
        .await;
    assert_eq!(r.assert_ok()["status"], json!("accepted"));
}

#[tokio::test]
async fn service_users_and_current_user() {
    let sim = Sim::start(&[]);
    let r = sim
        .api(
            "POST",
            "/users",
            Some(json!({ "email": "svc-1@example.com" })),
        )
        .await;
    let user = r.assert_ok().clone();
    assert!(is_cf_id(&user["id"]));
    assert!(is_cf_id(&user["username"]));
    assert_eq!(user["first_name"], Value::Null);
    assert_eq!(
        user["two_factor_authentication"],
        json!({ "enabled": false, "locked": false })
    );
    let api_key = user["api_key"].as_str().unwrap().to_string();
    assert_eq!(api_key.len(), 37);
    assert!(api_key.bytes().all(|b| b.is_ascii_hexdigit()));
    sim.api(
        "POST",
        "/users",
        Some(json!({ "email": "SVC-1@example.com" })),
    )
    .await
    .assert_error(400, 1012);
    sim.api("POST", "/users", Some(json!({ "email": "nope" })))
        .await
        .assert_error(400, 1000);

    // GET /user with the service user's own key.
    let svc = Auth::Key("svc-1@example.com", &api_key);
    let r = sim.api_as(svc, "GET", "/user", None).await;
    let me = r.assert_ok();
    assert_eq!(me["id"], user["id"]);
    assert_eq!(me["email"], json!("svc-1@example.com"));
    assert!(me.get("api_key").is_none());
    assert_eq!(me["two_factor_authentication_enabled"], json!(false));
    assert_eq!(me["suspended"], json!(false));
    assert_eq!(me["organizations"], json!([]));
    sim.api_as(Auth::Key("svc-1@example.com", "0000"), "GET", "/user", None)
        .await
        .assert_error(403, 9103);

    // The tenant admin sees itself.
    let r = sim.api("GET", "/user", None).await;
    let admin = r.assert_ok();
    assert_eq!(admin["email"], json!(ADMIN_EMAIL));
    assert_ne!(admin["id"], user["id"]);
    assert_eq!(admin["organizations"][0]["id"], json!(TENANT));

    // A service user is limited to accounts it is a member of.
    let account = sim.create_account("svc").await;
    let other = sim.create_account("other").await;
    let r = sim
        .api(
            "POST",
            &format!("/accounts/{account}/members"),
            Some(json!({ "email": "svc-1@example.com", "roles": [ADMIN_ROLE] })),
        )
        .await;
    assert_eq!(
        r.assert_ok()["user"]["id"],
        user["id"],
        "member user.id is the service user's id"
    );
    sim.api_as(svc, "GET", &format!("/accounts/{account}"), None)
        .await
        .assert_ok();
    sim.api_as(svc, "GET", &format!("/accounts/{other}"), None)
        .await
        .assert_error(403, 9109);
    sim.api_as(svc, "POST", "/accounts", Some(json!({ "name": "x" })))
        .await
        .assert_error(403, 10000);
    let r = sim.api_as(svc, "GET", "/accounts", None).await;
    assert_eq!(r.assert_ok().as_array().unwrap().len(), 1);
    let r = sim
        .api_as(
            svc,
            "POST",
            "/zones",
            Some(json!({ "name": "svc-example.com", "account": { "id": account } })),
        )
        .await;
    r.assert_ok();
    sim.api_as(
        svc,
        "POST",
        "/zones",
        Some(json!({ "name": "svc-example.com", "account": { "id": other } })),
    )
    .await
    .assert_error(403, 9109);

    // PATCH /user.
    let r = sim
        .api_as(
            svc,
            "PATCH",
            "/user",
            Some(json!({ "first_name": "Service", "country": "DE" })),
        )
        .await;
    assert_eq!(r.assert_ok()["first_name"], json!("Service"));
    sim.api_as(
        svc,
        "PATCH",
        "/user",
        Some(json!({ "email": "x@y.example" })),
    )
    .await
    .assert_error(400, 1000);
}

#[tokio::test]
async fn zones_create_patch_list_delete() {
    let sim = Sim::start(&[]);
    let account = sim.create_account("Zone Owner").await;
    let r = sim
        .api(
            "POST",
            "/zones",
            Some(
                json!({ "name": "Example.COM", "account": { "id": account }, "jump_start": true }),
            ),
        )
        .await;
    let zone = r.assert_ok().clone();
    let zone_id = zone["id"].as_str().unwrap().to_string();
    assert!(is_cf_id(&zone["id"]));
    assert_eq!(zone["name"], json!("example.com"));
    assert_eq!(zone["status"], json!("pending"));
    assert_eq!(zone["paused"], json!(false));
    assert_eq!(zone["type"], json!("full"));
    assert_eq!(
        zone["account"],
        json!({ "id": account, "name": "Zone Owner" })
    );
    assert_eq!(zone["tenant"]["id"], json!(TENANT));
    assert_eq!(zone["tenant_unit"]["id"], json!(UNIT_1));
    assert_eq!(zone["plan"]["name"], json!("Free Website"));
    assert_eq!(zone["original_name_servers"], Value::Null);
    assert_eq!(zone["activated_on"], Value::Null);
    assert_eq!(zone["development_mode"], json!(0));
    assert!(zone.get("verification_key").is_none());
    let ns = zone["name_servers"].as_array().unwrap();
    assert_eq!(ns.len(), 2);
    assert!(ns
        .iter()
        .all(|n| n.as_str().unwrap().ends_with(".ns.cloudflare.com")));

    // Errors on create.
    let r = sim
        .api(
            "POST",
            "/zones",
            Some(json!({ "name": "example.com", "account": { "id": account } })),
        )
        .await;
    r.assert_error(400, 1061);
    assert_eq!(r.message(), "example.com already exists");
    for bad in [
        "localhost",
        "-bad.com",
        "bad-.com",
        "a..com",
        "under_score.com",
        "10.0.0.1",
        &format!("{}.com", "a".repeat(64)),
    ] {
        let r = sim
            .api(
                "POST",
                "/zones",
                Some(json!({ "name": bad, "account": { "id": account } })),
            )
            .await;
        r.assert_error(400, 1000);
        assert!(
            r.message().contains("not a valid domain name"),
            "{bad}: {}",
            r.message()
        );
    }
    sim.api("POST", "/zones", Some(json!({ "name": "ok-example.com" })))
        .await
        .assert_error(400, 1067);
    sim.api(
        "POST",
        "/zones",
        Some(json!({ "name": "ok-example.com", "account": { "id": "0123456789abcdef0123456789abcdef" } })),
    )
    .await
    .assert_error(400, 1067);
    sim.api(
        "POST",
        "/zones",
        Some(json!({ "name": "ok-example.com", "account": { "id": account }, "type": "weird" })),
    )
    .await
    .assert_error(400, 1000);

    // Partial zones get a verification key.
    let r = sim
        .api("POST", "/zones", Some(json!({ "name": "partial-example.com", "account": { "id": account }, "type": "partial" })))
        .await;
    let partial = r.assert_ok();
    assert_eq!(partial["type"], json!("partial"));
    assert!(!partial["verification_key"].as_str().unwrap().is_empty());

    // PATCH: one property per request.
    let path = format!("/zones/{zone_id}");
    let r = sim
        .api(
            "PATCH",
            &path,
            Some(json!({ "paused": true, "type": "full" })),
        )
        .await;
    r.assert_error(400, 1013);
    sim.api("PATCH", &path, Some(json!({})))
        .await
        .assert_error(400, 1013);
    let r = sim
        .api("PATCH", &path, Some(json!({ "paused": true })))
        .await;
    assert_eq!(r.assert_ok()["paused"], json!(true));
    sim.api("PATCH", &path, Some(json!({ "paused": "yes" })))
        .await
        .assert_error(400, 1000);
    sim.api("PATCH", &path, Some(json!({ "type": "partial" })))
        .await
        .assert_error(400, 1014);
    sim.api(
        "PATCH",
        &path,
        Some(json!({ "vanity_name_servers": ["ns1.example.com"] })),
    )
    .await
    .assert_error(400, 1015);
    sim.api("PATCH", &path, Some(json!({ "name": "x-example.com" })))
        .await
        .assert_error(400, 1000);
    sim.api(
        "POST",
        &format!("/zones/{zone_id}/subscription"),
        Some(json!({ "rate_plan": { "id": "PARTNERS_BIZ" } })),
    )
    .await
    .assert_ok();
    let r = sim
        .api(
            "PATCH",
            &path,
            Some(json!({ "vanity_name_servers": ["ns1.example.com", "ns2.example.com"] })),
        )
        .await;
    assert_eq!(
        r.assert_ok()["vanity_name_servers"],
        json!(["ns1.example.com", "ns2.example.com"])
    );
    assert_eq!(r.result()["plan"]["legacy_id"], json!("business"));
    let r = sim.api("GET", &path, None).await;
    assert_eq!(r.assert_ok()["paused"], json!(true));

    // Enterprise accounts may change the zone type.
    let ent = sim
        .api(
            "POST",
            "/accounts",
            Some(json!({ "name": "Ent", "type": "enterprise" })),
        )
        .await
        .assert_ok()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let ent_zone = sim.create_zone(&ent, "ent-example.com").await;
    let r = sim
        .api(
            "PATCH",
            &format!("/zones/{ent_zone}"),
            Some(json!({ "type": "partial" })),
        )
        .await;
    assert_eq!(r.assert_ok()["type"], json!("partial"));
    assert!(r.result()["verification_key"].is_string());

    // List with filters.
    let r = sim.api("GET", "/zones?name=example.com", None).await;
    assert_eq!(r.assert_ok().as_array().unwrap().len(), 1);
    let r = sim
        .api(
            "GET",
            &format!("/zones?account.id={account}&per_page=5"),
            None,
        )
        .await;
    assert_eq!(r.assert_ok().as_array().unwrap().len(), 2);
    assert_eq!(r.body["result_info"]["total_count"], json!(2));
    let r = sim.api("GET", "/zones?name=contains:ent", None).await;
    assert_eq!(r.assert_ok().as_array().unwrap().len(), 1);
    let r = sim.api("GET", "/zones?status=active", None).await;
    assert_eq!(r.assert_ok(), &json!([]));
    sim.api("GET", "/zones?per_page=2", None)
        .await
        .assert_error(400, 1000);
    sim.api("GET", "/zones?status=weird", None)
        .await
        .assert_error(400, 1000);

    // Delete removes the subscription too.
    let r = sim.api("DELETE", &path, None).await;
    assert_eq!(r.assert_ok(), &json!({ "id": zone_id }));
    sim.api("GET", &path, None).await.assert_error(404, 1001);
    sim.api("GET", "/zones/xyz", None)
        .await
        .assert_error(400, 7003);
    let state = sim.admin("GET", "/state", None).await.body;
    assert_eq!(state["zone_subscriptions"], json!([]));
}

#[tokio::test]
async fn partial_zones_need_the_entitlement() {
    let sim = Sim::start(&["--deny-partial-setup"]);
    let account = sim.create_account("p").await;
    let r = sim
        .api(
            "POST",
            "/zones",
            Some(
                json!({ "name": "p-example.com", "account": { "id": account }, "type": "partial" }),
            ),
        )
        .await;
    r.assert_error(400, 1104);
    // The admin endpoint can flip it at runtime.
    let r = sim
        .admin(
            "PATCH",
            "/entitlements",
            Some(json!({ "partial_setup_allowed": true })),
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["partial_setup_allowed"]["value"], json!(true));
    sim.api(
        "POST",
        "/zones",
        Some(json!({ "name": "p-example.com", "account": { "id": account }, "type": "partial" })),
    )
    .await
    .assert_ok();
}

#[tokio::test]
async fn zone_subscription_quirks() {
    let sim = Sim::start(&[]);
    let account = sim.create_account("s").await;
    let zone = sim.create_zone(&account, "sub-example.com").await;
    let path = format!("/zones/{zone}/subscription");

    // No record right after zone creation.
    sim.api("GET", &path, None).await.assert_error(404, 1207);
    sim.api(
        "PUT",
        &path,
        Some(json!({ "rate_plan": { "id": "PARTNERS_PRO" } })),
    )
    .await
    .assert_error(404, 1207);

    // Validation.
    let r = sim
        .api(
            "POST",
            &path,
            Some(json!({ "rate_plan": { "id": "PARTNERS_GOLD" } })),
        )
        .await;
    r.assert_error(400, 1204);
    assert_eq!(
        r.message(),
        "failed to resolve provided rate plan: 'PARTNERS_GOLD'"
    );
    sim.api(
        "POST",
        &path,
        Some(json!({ "rate_plan": { "id": "TEAMS_ENT" } })),
    )
    .await
    .assert_error(400, 1204);
    let r = sim
        .api(
            "POST",
            &path,
            Some(json!({ "rate_plan": { "id": "PARTNERS_PRO" }, "frequency": "annual" })),
        )
        .await;
    r.assert_error(400, 1000);
    assert!(r.message().contains("annual"));
    let r = sim
        .api(
            "POST",
            &path,
            Some(json!({ "rate_plan": { "id": "PARTNERS_PRO" }, "component_values": [{ "name": "cookies", "value": 1 }] })),
        )
        .await;
    r.assert_error(400, 1000);
    assert!(r.message().contains("cookies"));
    sim.api("POST", &path, Some(json!({})))
        .await
        .assert_error(400, 1000);

    // Enterprise: normalised id, not-applicable frequency.
    let r = sim
        .api(
            "POST",
            &path,
            Some(json!({ "rate_plan": { "id": "PARTNERS_ENT" }, "frequency": "monthly" })),
        )
        .await;
    let sub = r.assert_ok().clone();
    assert!(is_cf_id(&sub["id"]));
    assert_eq!(sub["rate_plan"]["id"], json!("enterprise"));
    assert_eq!(sub["rate_plan"]["scope"], json!("zone"));
    assert_eq!(sub["frequency"], json!("not-applicable"));
    assert_eq!(sub["currency"], json!("USD"));
    assert_eq!(sub["state"], json!("Paid"));
    assert!(sub["current_period_start"].is_string() && sub["current_period_end"].is_string());
    let r = sim.api("GET", &path, None).await;
    assert_eq!(r.assert_ok(), &sub);
    sim.api(
        "POST",
        &path,
        Some(json!({ "rate_plan": { "id": "PARTNERS_PRO" } })),
    )
    .await
    .assert_error(400, 1205);

    // PUT to business yearly with extra page rules: price = (200 + 10 × 1) × 12.
    let r = sim
        .api(
            "PUT",
            &path,
            Some(json!({
                "rate_plan": { "id": "partners_biz" },
                "frequency": "yearly",
                "component_values": [{ "name": "page_rules", "value": 60 }],
            })),
        )
        .await;
    let sub2 = r.assert_ok();
    assert_eq!(sub2["id"], sub["id"], "PUT keeps the subscription id");
    assert_eq!(sub2["rate_plan"]["id"], json!("business"));
    assert_eq!(sub2["frequency"], json!("yearly"));
    assert_eq!(sub2["price"], json!(2520));
    // Every component of the plan is reported, at its quantity and default.
    assert_eq!(
        sub2["component_values"],
        json!([
            { "name": "page_rules", "value": 60, "default": 50, "price": 120 },
            { "name": "zones", "value": 1, "default": 1, "price": 0 },
            { "name": "dedicated_certificates", "value": 0, "default": 0, "price": 0 },
            { "name": "dedicated_certificates_custom", "value": 0, "default": 0, "price": 0 },
        ])
    );
    // An empty list takes every component back to its default.
    let reset = sim
        .api(
            "PUT",
            &path,
            Some(json!({ "rate_plan": { "id": "partners_biz" }, "frequency": "yearly", "component_values": [] })),
        )
        .await;
    assert_eq!(reset.assert_ok()["component_values"][0]["value"], json!(50));
    assert_eq!(reset.result()["price"], json!(2400));
    let r = sim
        .api(
            "PUT",
            &path,
            Some(json!({ "component_values": [{ "name": "page_rules", "value": 60 }] })),
        )
        .await;
    assert_eq!(r.assert_ok()["price"], json!(2520));
    let zone_view = sim.api("GET", &format!("/zones/{zone}"), None).await;
    assert_eq!(zone_view.assert_ok()["meta"]["page_rule_quota"], json!(60));

    // Free: not-applicable whatever was sent, price 0; CF ids normalise as well.
    let r = sim
        .api(
            "PUT",
            &path,
            Some(json!({ "rate_plan": { "id": "PARTNERS_FREE" }, "frequency": "weekly" })),
        )
        .await;
    assert_eq!(r.assert_ok()["rate_plan"]["id"], json!("free"));
    assert_eq!(r.result()["frequency"], json!("not-applicable"));
    assert_eq!(r.result()["price"], json!(0));
    let r = sim
        .api(
            "PUT",
            &path,
            Some(json!({ "rate_plan": { "id": "cf_pro_20_20" }, "frequency": "monthly" })),
        )
        .await;
    assert_eq!(r.assert_ok()["rate_plan"]["id"], json!("pro"));
    assert_eq!(r.result()["price"], json!(20));

    // No DELETE on the zone subscription.
    sim.api("DELETE", &path, None).await.assert_error(405, 7001);

    let r = sim
        .api("GET", &format!("/zones/{zone}/available_rate_plans"), None)
        .await;
    let plans = r.assert_ok().as_array().unwrap().clone();
    assert!(plans.iter().any(|p| p["id"] == json!("PARTNERS_BIZ")));
    sim.api(
        "GET",
        "/zones/0123456789abcdef0123456789abcdef/subscription",
        None,
    )
    .await
    .assert_error(404, 1001);
}

#[tokio::test]
async fn account_subscription_crud() {
    let sim = Sim::start(&[]);
    let account = sim.create_account("a").await;
    let base = format!("/accounts/{account}/subscriptions");
    let r = sim.api("GET", &base, None).await;
    assert_eq!(r.assert_ok(), &json!([]));
    sim.api(
        "POST",
        &base,
        Some(json!({ "rate_plan": { "id": "PARTNERS_BIZ" } })),
    )
    .await
    .assert_error(400, 1204);
    let r = sim
        .api(
            "POST",
            &base,
            Some(json!({ "rate_plan": { "id": "teams_standard" }, "component_values": [{ "name": "users", "value": 60 }] })),
        )
        .await;
    let sub = r.assert_ok().clone();
    let sub_id = sub["id"].as_str().unwrap().to_string();
    assert_eq!(sub["rate_plan"]["id"], json!("TEAMS_STANDARD"));
    assert_eq!(sub["rate_plan"]["scope"], json!("account"));
    assert_eq!(sub["frequency"], json!("monthly"));
    assert_eq!(sub["price"], json!(77));
    sim.api(
        "POST",
        &base,
        Some(json!({ "rate_plan": { "id": "TEAMS_STANDARD" } })),
    )
    .await
    .assert_error(400, 1205);
    let r = sim.api("GET", &base, None).await;
    assert_eq!(r.assert_ok().as_array().unwrap().len(), 1);
    assert!(r.body.get("result_info").is_none());
    let r = sim.api("GET", &format!("{base}/{sub_id}"), None).await;
    assert_eq!(r.assert_ok(), &sub);
    let r = sim
        .api(
            "PUT",
            &format!("{base}/{sub_id}"),
            Some(json!({ "rate_plan": { "id": "TEAMS_ENT" }, "frequency": "yearly" })),
        )
        .await;
    assert_eq!(r.assert_ok()["rate_plan"]["id"], json!("TEAMS_ENT"));
    assert_eq!(r.result()["frequency"], json!("not-applicable"));
    let r = sim.api("DELETE", &format!("{base}/{sub_id}"), None).await;
    assert_eq!(r.assert_ok(), &json!({ "subscription_id": sub_id }));
    sim.api("GET", &format!("{base}/{sub_id}"), None)
        .await
        .assert_error(404, 1206);
    sim.api("GET", &format!("{base}/nope"), None)
        .await
        .assert_error(400, 7003);
}

#[tokio::test]
async fn tenant_endpoints() {
    let sim = Sim::start(&[]);
    let r = sim.api("GET", &format!("/tenants/{TENANT}"), None).await;
    let tenant = r.assert_ok();
    assert_eq!(tenant["tenant_tag"], json!(TENANT));
    for key in [
        "tenant_name",
        "tenant_type",
        "tenant_status",
        "cdate",
        "edate",
        "customer_id",
    ] {
        assert!(tenant[key].is_string(), "{key}");
    }
    assert!(tenant["tenant_labels"].is_array());
    assert!(tenant["tenant_metadata"]["dns"]["ns_pool"]["primary"].is_string());
    let units = tenant["tenant_units"].as_array().unwrap();
    assert_eq!(units.len(), 2);
    assert_eq!(units[0]["unit_tag"], json!(UNIT_1));
    assert_eq!(units[1]["unit_tag"], json!(UNIT_2));
    assert!(units[0]["unit_memberships"].is_array());

    let r = sim
        .api("GET", &format!("/tenants/{TENANT}/account_types"), None)
        .await;
    assert_eq!(r.assert_ok(), &json!(["standard", "enterprise"]));
    let r = sim
        .api("GET", &format!("/tenants/{TENANT}/entitlements"), None)
        .await;
    let ent = r.assert_ok();
    assert_eq!(
        ent["allow_auto_accept_invites"],
        json!({ "type": "bool", "value": false })
    );
    assert_eq!(
        ent["partial_setup_allowed"],
        json!({ "type": "bool", "value": true })
    );
    assert_eq!(ent["mhs_certificate_count"]["type"], json!("max_count"));
    let custom = ent["custom_entitlements"].as_array().unwrap();
    for kind in ["bool", "max_count", ""] {
        assert!(
            custom
                .iter()
                .any(|c| c["allocation"]["type"] == json!(kind)),
            "{kind}"
        );
    }
    let r = sim
        .api("GET", &format!("/tenants/{TENANT}/memberships"), None)
        .await;
    let memberships = r.assert_ok().as_array().unwrap().clone();
    assert_eq!(memberships.len(), 2);
    assert_eq!(memberships[0]["user_email"], json!(ADMIN_EMAIL));

    for i in 0..3 {
        sim.create_account(&format!("t{i}")).await;
    }
    let r = sim
        .api("GET", &format!("/tenants/{TENANT}/accounts"), None)
        .await;
    let all = r.assert_ok().as_array().unwrap().clone();
    assert_eq!(all.len(), 3);
    assert_eq!(all[0]["name"], json!("t0"));
    assert!(all[0]["settings"]
        .as_object()
        .unwrap()
        .contains_key("use_account_custom_ns_by_default"));
    let r = sim
        .api(
            "GET",
            &format!("/tenants/{TENANT}/accounts?page=2&per_page=2&direction=1"),
            None,
        )
        .await;
    assert_eq!(r.assert_ok().as_array().unwrap().len(), 1);
    assert_eq!(r.result()[0]["name"], json!("t0"));
    assert_eq!(r.body["result_info"]["total_pages"], json!(2));

    sim.api("GET", "/tenants/unknown-tenant", None)
        .await
        .assert_error(404, 1006);
    sim.api("GET", "/tenants/unknown-tenant/accounts", None)
        .await
        .assert_error(404, 1006);
    let r = sim.api("GET", "/user/tenants", None).await;
    let list = r.assert_ok().as_array().unwrap().clone();
    assert_eq!(list[0]["tenant_tag"], json!(TENANT));
    assert_eq!(list[0]["tenant_units"][0]["unit_tag"], json!(UNIT_1));
}

#[tokio::test]
async fn admin_state_reset_and_stats() {
    let sim = Sim::start(&[]);
    let account = sim.create_account("stats").await;
    sim.api("GET", &format!("/accounts/{account}"), None)
        .await
        .assert_ok();
    sim.api("GET", &format!("/accounts/{account}"), None)
        .await
        .assert_ok();
    sim.api("GET", "/nowhere", None).await;

    let r = sim.admin("GET", "/stats", None).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["requests"]["GET /accounts/{account_id}"], json!(2));
    assert_eq!(r.body["requests"]["POST /accounts"], json!(1));
    assert_eq!(r.body["total"], json!(4));
    let r = sim.admin("POST", "/stats/reset", None).await;
    assert_eq!(r.body["total"], json!(0));
    let r = sim.admin("GET", "/stats", None).await;
    assert_eq!(r.body["requests"], json!({}));

    let state = sim.admin("GET", "/state", None).await.body;
    for key in [
        "accounts",
        "members",
        "users",
        "zones",
        "zone_subscriptions",
        "account_subscriptions",
    ] {
        assert!(state[key].is_array(), "{key}");
    }
    assert_eq!(state["accounts"][0]["id"], json!(account));
    assert!(state["accounts"][0]["profile"].is_object());

    let r = sim.admin("POST", "/reset", None).await;
    assert_eq!(r.status, 200);
    let state = sim.admin("GET", "/state", None).await.body;
    assert_eq!(state["accounts"], json!([]));
    sim.api("GET", &format!("/accounts/{account}"), None)
        .await
        .assert_error(404, 1002);
    // Admin routes are not counted in the API statistics.
    let r = sim.admin("GET", "/stats", None).await;
    assert_eq!(r.body["total"], json!(1));
}

/// Finds a non-loopback address of this machine (no packet is sent).
fn non_loopback_ip() -> Option<std::net::IpAddr> {
    let socket = std::net::UdpSocket::bind("0.0.0.0:0").ok()?;
    socket.connect("10.255.255.255:1").ok()?;
    let ip = socket.local_addr().ok()?.ip();
    (!ip.is_loopback() && !ip.is_unspecified()).then_some(ip)
}

#[tokio::test]
async fn admin_endpoints_reject_non_loopback_peers() {
    let Some(ip) = non_loopback_ip() else {
        eprintln!("no non-loopback address; skipping");
        return;
    };
    let mut sim = Sim::start(&["--listen", "0.0.0.0:0"]);
    let port = sim
        .base
        .rsplit(':')
        .next()
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .to_string();
    sim.root = format!("http://{ip}:{port}");
    let r = sim.admin("GET", "/state", None).await;
    assert_eq!(r.status, 403);
    assert_eq!(r.body["success"], json!(false));
    // The API itself is reachable from there.
    let r = sim
        .send(
            Auth::Token(TOKEN),
            "GET",
            format!("{}/client/v4/accounts", sim.root),
            None,
        )
        .await
        .unwrap();
    r.assert_ok();
}

#[tokio::test]
async fn state_file_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("sim-state.json");
    let file_arg = file.to_str().unwrap().to_string();
    let (account, zone, api_key) = {
        let sim = Sim::start(&["--state", &file_arg]);
        let account = sim.create_account("persistent").await;
        let zone = sim.create_zone(&account, "persist-example.com").await;
        sim.api(
            "POST",
            &format!("/zones/{zone}/subscription"),
            Some(json!({ "rate_plan": { "id": "PARTNERS_PRO" } })),
        )
        .await
        .assert_ok();
        let user = sim
            .api("POST", "/users", Some(json!({ "email": "p@example.com" })))
            .await;
        let api_key = user.assert_ok()["api_key"].as_str().unwrap().to_string();
        (account, zone, api_key)
    };
    let saved: Value =
        serde_json::from_slice(&std::fs::read(&file).unwrap()).expect("state file is JSON");
    assert_eq!(saved["accounts"][0]["id"], json!(account));
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(leftovers.len(), 1, "no temporary files left behind");

    let sim = Sim::start(&["--state", &file_arg]);
    let r = sim.api("GET", &format!("/accounts/{account}"), None).await;
    assert_eq!(r.assert_ok()["name"], json!("persistent"));
    let r = sim
        .api("GET", &format!("/zones/{zone}/subscription"), None)
        .await;
    assert_eq!(r.assert_ok()["rate_plan"]["id"], json!("pro"));
    sim.api_as(Auth::Key("p@example.com", &api_key), "GET", "/user", None)
        .await
        .assert_ok();
    // Reset also rewrites the file.
    sim.admin("POST", "/reset", None).await;
    drop(sim);
    let sim = Sim::start(&["--state", &file_arg]);
    let r = sim.api("GET", "/accounts", None).await;
    assert_eq!(r.assert_ok(), &json!([]));
}

#[tokio::test]
async fn rate_limit_budget_per_credential() {
    let sim = Sim::start(&["--rate-limit", "3/60"]);
    for remaining in [2, 1, 0] {
        let r = sim.api("GET", "/accounts", None).await;
        r.assert_ok();
        let header = r.headers["ratelimit"].to_str().unwrap().to_string();
        assert!(
            header.starts_with(&format!("\"default\";r={remaining};t=")),
            "{header}"
        );
        assert_eq!(r.headers["ratelimit-policy"], "\"default\";q=3;w=60");
    }
    let r = sim.api("GET", "/accounts", None).await;
    r.assert_error(429, 971);
    let retry: u64 = r.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    // Another credential has its own budget.
    sim.api_as(Auth::Key(ADMIN_EMAIL, ADMIN_KEY), "GET", "/accounts", None)
        .await
        .assert_ok();
}

#[tokio::test]
async fn faults_status_and_delay() {
    let sim = Sim::start(&[]);
    let r = sim
        .admin(
            "POST",
            "/faults",
            Some(json!({ "seed": 42, "rules": [
                { "method": "POST", "path": "/accounts", "action": "status", "status": 429, "retry_after": 2, "count": 2 },
                { "method": "GET", "path": "/client/v4/accounts", "action": "delay", "delay_ms": 300, "count": 1 },
                { "method": "*", "path": "/zones", "action": "status", "status": 503, "count": 1 },
            ]})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["rules"].as_array().unwrap().len(), 3);

    for _ in 0..2 {
        let r = sim
            .api("POST", "/accounts", Some(json!({ "name": "f" })))
            .await;
        r.assert_error(429, 971);
        assert_eq!(r.headers["retry-after"], "2");
    }
    sim.api("POST", "/accounts", Some(json!({ "name": "f" })))
        .await
        .assert_ok();

    let started = Instant::now();
    sim.api("GET", "/accounts", None).await.assert_ok();
    assert!(started.elapsed() >= Duration::from_millis(300));

    let r = sim.api("GET", "/zones", None).await;
    r.assert_error(503, 10001);
    sim.api("GET", "/zones", None).await.assert_ok();

    let r = sim.admin("GET", "/faults", None).await;
    assert_eq!(r.body["seed"], json!(42));
    let fired: Vec<u64> = r.body["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["fired"].as_u64().unwrap())
        .collect();
    assert_eq!(fired, [2, 1, 1]);

    // Bad rules are rejected; DELETE clears.
    let r = sim
        .admin(
            "POST",
            "/faults",
            Some(json!({ "rules": [{ "path": "/acounts", "action": "drop" }] })),
        )
        .await;
    assert_eq!(r.status, 400);
    let r = sim
        .admin(
            "POST",
            "/faults",
            Some(json!({ "rules": [{ "path": "*", "action": "explode" }] })),
        )
        .await;
    assert_eq!(r.status, 400);
    let r = sim.admin("DELETE", "/faults", None).await;
    assert_eq!(r.body["rules"], json!([]));
}

#[tokio::test]
async fn faults_drop_and_commit_then_drop() {
    let sim = Sim::start(&[]);
    sim.admin(
        "POST",
        "/faults",
        Some(json!({ "rules": [
            { "method": "POST", "path": "/accounts", "action": "drop", "count": 1 },
            { "method": "POST", "path": "/accounts", "action": "commit_then_drop", "count": 1 },
        ]})),
    )
    .await;

    // drop: no response, nothing stored.
    let result = sim
        .send(
            Auth::Token(TOKEN),
            "POST",
            format!("{}/accounts", sim.base),
            Some(&json!({ "name": "dropped" })),
        )
        .await;
    assert!(result.is_err(), "drop must not produce a response");
    let state = sim.admin("GET", "/state", None).await.body;
    assert_eq!(state["accounts"], json!([]));

    // commit_then_drop: no response, but the account exists.
    let result = sim
        .send(
            Auth::Token(TOKEN),
            "POST",
            format!("{}/accounts", sim.base),
            Some(&json!({ "name": "committed" })),
        )
        .await;
    assert!(
        result.is_err(),
        "commit_then_drop must not produce a response"
    );
    let state = sim.admin("GET", "/state", None).await.body;
    assert_eq!(state["accounts"].as_array().unwrap().len(), 1);
    assert_eq!(state["accounts"][0]["name"], json!("committed"));

    // Rules are spent: back to normal.
    sim.api("POST", "/accounts", Some(json!({ "name": "normal" })))
        .await
        .assert_ok();
    let stats = sim.admin("GET", "/stats", None).await.body;
    assert_eq!(stats["requests"]["POST /accounts"], json!(3));
}

#[tokio::test]
async fn faults_probability_is_repeatable() {
    let sim = Sim::start(&[]);
    let rules = json!({ "seed": 7, "rules": [{ "method": "GET", "path": "/accounts", "action": "status", "status": 500, "probability": 0.5 }] });
    let mut runs = Vec::new();
    for _ in 0..2 {
        sim.admin("POST", "/faults", Some(rules.clone())).await;
        let mut pattern = Vec::new();
        for _ in 0..24 {
            pattern.push(sim.api("GET", "/accounts", None).await.status);
        }
        runs.push(pattern);
    }
    assert_eq!(runs[0], runs[1]);
    assert!(
        runs[0].contains(&500) && runs[0].contains(&200),
        "{:?}",
        runs[0]
    );
}
