//! The API client and the create-or-adopt logic against the simulator
//! (in-process) with injected faults: what is retried, what is not, what a
//! stop does, and that a create whose answer was lost is adopted, not
//! duplicated.

use cftenant::client::{ApiError, Auth, Client, ClientConfig, ErrorKind, RetryPolicy, StopSignal};
use cftenant::resources::account::{Account, AccountResource};
use cftenant::resources::account_member::{AccountMember, AccountMemberResource};
use cftenant_testing::Sim;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tfplugin::resource::Resource;
use tracing::instrument::WithSubscriber;

/// How long a wait for something the test is sure will happen may take
/// before the test fails: far beyond what it takes on a loaded machine.
const DEADLINE: Duration = Duration::from_secs(60);

/// Polls the simulator's request counts (`GET /__sim/stats`) until
/// `reached`, giving the client's tasks the runtime in between; fails
/// after [`DEADLINE`], saying what it waited for and what was counted.
async fn wait_for_stats(sim: &Sim, what: &str, reached: impl Fn(&Value) -> bool) -> Value {
    let started = Instant::now();
    loop {
        let stats = sim.stats();
        if reached(&stats) {
            return stats;
        }
        assert!(
            started.elapsed() < DEADLINE,
            "waited {DEADLINE:?} for {what}; the simulator counted {stats}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Waits until the simulator has answered `n` requests of one `METHOD
/// /template` (at least; tests assert exact counts themselves).
async fn wait_for_requests(sim: &Sim, template: &str, n: u64) {
    let what = format!("{n} `{template}` request(s)");
    wait_for_stats(sim, &what, |stats| {
        stats["requests"][template].as_u64().unwrap_or(0) >= n
    })
    .await;
}

/// What the client logs, heard from the one task it is attached to (with
/// `.with_subscriber(heard.clone())`): for the moments only the client
/// knows, such as having taken a 429 in and waiting to retry ("retrying
/// API call", the line tests/e2e/logs.rs reads in the provider's log).
#[derive(Clone, Default)]
struct Heard(Arc<Mutex<Vec<String>>>);

impl Heard {
    fn count(&self, message: &str) -> usize {
        self.0
            .lock()
            .unwrap()
            .iter()
            .filter(|m| *m == message)
            .count()
    }

    /// Waits until the client has logged `message`; fails after [`DEADLINE`].
    async fn wait_for(&self, message: &str) {
        let started = Instant::now();
        while self.count(message) == 0 {
            assert!(
                started.elapsed() < DEADLINE,
                "waited {DEADLINE:?} for the client to log {message:?}; it logged {:?}",
                self.0.lock().unwrap()
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

impl tracing::Subscriber for Heard {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        struct Message(Option<String>);
        impl tracing::field::Visit for Message {
            fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
                if field.name() == "message" {
                    self.0 = Some(format!("{value:?}"));
                }
            }
        }
        let mut message = Message(None);
        event.record(&mut message);
        if let Some(message) = message.0 {
            self.0.lock().unwrap().push(message);
        }
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

/// A client of the simulator with quick retries.
fn client(sim: &Sim, max_retries: u32, stop: StopSignal) -> Client {
    client_for(
        sim.base_url.clone(),
        max_retries,
        Duration::from_secs(5),
        stop,
    )
}

fn account(name: &str) -> Account {
    Account {
        name: name.into(),
        account_type: Some("standard".into()),
        ..Default::default()
    }
}

#[tokio::test]
async fn rate_limited_get_is_retried_honouring_retry_after() {
    let sim = Sim::start(&[]);
    let client = client(&sim, 4, StopSignal::default());
    sim.faults(1, json!([{"method": "GET", "path": "/tenants/{tenant_id}", "action": "status", "status": 429, "retry_after": 1, "count": 2}]));
    let started = std::time::Instant::now();
    let tenant: Value = client
        .get("/tenants/7d0a0a5b2c1e4f3a9b8c6d5e4f3a2b1c")
        .await
        .unwrap();
    assert_eq!(tenant["tenant_tag"], "7d0a0a5b2c1e4f3a9b8c6d5e4f3a2b1c");
    assert_eq!(sim.requests("GET /tenants/{tenant_id}"), 3);
    assert!(
        started.elapsed() >= Duration::from_secs(2),
        "two Retry-After: 1 waits must be honoured"
    );
}

#[tokio::test]
async fn retries_are_bounded_and_the_error_names_request_and_code() {
    let sim = Sim::start(&[]);
    let client = client(&sim, 2, StopSignal::default());
    sim.faults(1, json!([{"method": "GET", "path": "/tenants/{tenant_id}", "action": "status", "status": 503, "count": 10}]));
    let err = client
        .get::<Value>("/tenants/7d0a0a5b2c1e4f3a9b8c6d5e4f3a2b1c")
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Server);
    assert_eq!(err.attempts, 3);
    assert_eq!(sim.requests("GET /tenants/{tenant_id}"), 3);
    let text = err.to_string();
    assert!(
        text.starts_with(
            "GET /tenants/7d0a0a5b2c1e4f3a9b8c6d5e4f3a2b1c: HTTP 503; Cloudflare error 10001"
        ),
        "{text}"
    );
    assert!(
        text.contains("(after 3 attempts, ") && text.ends_with(" s in all)"),
        "the whole call's attempts and duration: {text}"
    );
}

#[tokio::test]
async fn post_is_not_blindly_retried_after_a_server_error() {
    let sim = Sim::start(&[]);
    let client = client(&sim, 4, StopSignal::default());
    sim.faults(1, json!([{"method": "POST", "path": "/accounts", "action": "status", "status": 500, "count": 1}]));
    let err = client
        .post::<_, Value>("/accounts", &json!({"name": "x"}))
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Server);
    assert_eq!(sim.requests("POST /accounts"), 1);
    assert!(sim.objects("accounts").is_empty());
}

#[tokio::test]
async fn stop_cancels_a_long_retry_wait() {
    let sim = Sim::start(&[]);
    let stop = StopSignal::default();
    let client = client(&sim, 4, stop.clone());
    sim.faults(1, json!([{"method": "GET", "path": "/tenants/{tenant_id}", "action": "status", "status": 429, "retry_after": 200, "count": 5}]));
    let heard = Heard::default();
    let call = tokio::spawn(
        async move {
            client
                .get::<Value>("/tenants/7d0a0a5b2c1e4f3a9b8c6d5e4f3a2b1c")
                .await
        }
        .with_subscriber(heard.clone()),
    );
    // Turned away, and waiting out the 200 s Retry-After.
    wait_for_requests(&sim, "GET /tenants/{tenant_id}", 1).await;
    heard.wait_for("retrying API call").await;
    stop.stop();
    let result = tokio::time::timeout(Duration::from_secs(30), call)
        .await
        .expect("stop must end a 200 s wait")
        .unwrap();
    let err = result.unwrap_err();
    assert_eq!(err.kind, ErrorKind::Stopped);
    assert!(
        err.to_string().contains("stopped while waiting to retry"),
        "the wait, not a request, was stopped: {err}"
    );
    assert_eq!(
        sim.requests("GET /tenants/{tenant_id}"),
        1,
        "nothing is sent after the stop"
    );
}

#[tokio::test]
async fn create_whose_response_was_lost_is_adopted_not_duplicated() {
    let sim = Sim::start(&[]);
    let client = client(&sim, 4, StopSignal::default());
    sim.faults(
        1,
        json!([{"method": "POST", "path": "/accounts", "action": "commit_then_drop", "count": 1}]),
    );
    let created = AccountResource
        .create(&client, account("Lost Reply Ltd"))
        .await
        .unwrap_or_else(|f| panic!("{:?}", f.diags));
    let accounts = sim.objects("accounts");
    assert_eq!(accounts.len(), 1, "no duplicate: {accounts:?}");
    assert_eq!(created.id.as_deref(), accounts[0]["id"].as_str());
    assert_eq!(
        sim.requests("POST /accounts"),
        1,
        "adopted without sending the POST again"
    );
}

#[tokio::test]
async fn create_dropped_before_handling_is_sent_again() {
    let sim = Sim::start(&[]);
    let client = client(&sim, 4, StopSignal::default());
    sim.faults(
        1,
        json!([{"method": "POST", "path": "/accounts", "action": "drop", "count": 1}]),
    );
    let created = AccountResource
        .create(&client, account("Dropped Ltd"))
        .await
        .unwrap_or_else(|f| panic!("{:?}", f.diags));
    let accounts = sim.objects("accounts");
    assert_eq!(accounts.len(), 1);
    assert_eq!(created.id.as_deref(), accounts[0]["id"].as_str());
    assert_eq!(sim.requests("POST /accounts"), 2);
}

#[tokio::test]
async fn ambiguous_lost_create_says_what_to_import() {
    let sim = Sim::start(&[]);
    let client = client(&sim, 4, StopSignal::default());
    // Two accounts of the name made a moment before: within the clock
    // tolerance, they cannot be told apart from the one the lost POST made.
    for _ in 0..2 {
        let _: Value = client
            .post("/accounts", &json!({"name": "Twin Co"}))
            .await
            .unwrap();
    }
    sim.faults(
        1,
        json!([{"method": "POST", "path": "/accounts", "action": "commit_then_drop", "count": 1}]),
    );
    let Err(failure) = AccountResource.create(&client, account("Twin Co")).await else {
        panic!("an ambiguous lookup must not guess which account is ours");
    };
    let d = &failure.diags.0[0];
    assert!(
        d.summary
            .contains("Cannot tell whether account \"Twin Co\" was created"),
        "{}",
        d.summary
    );
    let accounts = sim.objects("accounts");
    assert_eq!(accounts.len(), 3);
    for a in accounts {
        let id = a["id"].as_str().unwrap();
        assert!(
            d.detail
                .contains(&format!("terraform import cftenant_account.<name> {id}")),
            "{}",
            d.detail
        );
    }
}

/// Moves the simulated server's clock ahead: what exists now was made
/// `seconds` ago, as far as the server (and so any `created_on`) can tell.
fn advance_server_clock(sim: &Sim, seconds: i64) {
    sim.admin("POST", "/clock", Some(json!({ "offset_seconds": seconds })));
}

#[tokio::test]
async fn a_dropped_create_never_adopts_an_account_that_was_there_before() {
    let sim = Sim::start(&[]);
    let client = client(&sim, 4, StopSignal::default());
    let existing: Value = client
        .post("/accounts", &json!({"name": "Adopt Co"}))
        .await
        .unwrap();
    advance_server_clock(&sim, 3600);
    sim.faults(
        1,
        json!([{"method": "POST", "path": "/accounts", "action": "drop", "count": 1}]),
    );
    let created = AccountResource
        .create(&client, account("Adopt Co"))
        .await
        .unwrap_or_else(|f| panic!("{:?}", f.diags));
    assert_ne!(
        created.id.as_deref(),
        existing["id"].as_str(),
        "the account that existed before the create was adopted"
    );
    let accounts = sim.objects("accounts");
    assert_eq!(accounts.len(), 2, "the POST is sent again: {accounts:?}");
    assert!(accounts.iter().any(|a| a["id"] == existing["id"]));
    assert_eq!(sim.requests("POST /accounts"), 3);
}

/// The window in which a same-named object is taken for the one a lost
/// POST made is at most the clocks' tolerance plus the `Date` header's
/// second: an object about 3 s older than the POST, by the server's clock,
/// is outside it.
#[tokio::test]
async fn an_account_made_3_s_before_the_create_is_never_adopted() {
    let sim = Sim::start(&[]);
    let client = client(&sim, 4, StopSignal::default());
    let existing: Value = client
        .post("/accounts", &json!({"name": "Three Seconds Co"}))
        .await
        .unwrap();
    advance_server_clock(&sim, 3);
    sim.faults(
        1,
        json!([{"method": "POST", "path": "/accounts", "action": "drop", "count": 1}]),
    );
    let created = AccountResource
        .create(&client, account("Three Seconds Co"))
        .await
        .unwrap_or_else(|f| panic!("{:?}", f.diags));
    assert_ne!(
        created.id.as_deref(),
        existing["id"].as_str(),
        "an account made 3 s before the create was adopted"
    );
    assert_eq!(sim.objects("accounts").len(), 2, "the POST is sent again");
    assert_eq!(sim.requests("POST /accounts"), 3);
}

/// An object made half a second before the POST left cannot be told from
/// the one the POST made: it is adopted (the documented window), or the
/// create stops and names the import. It is never duplicated silently.
#[tokio::test]
async fn an_account_made_half_a_second_before_is_adopted_or_reported() {
    let sim = Sim::start(&[]);
    let client = client(&sim, 4, StopSignal::default());
    let existing: Value = client
        .post("/accounts", &json!({"name": "Half Second Co"}))
        .await
        .unwrap();
    // On purpose, not a wait for anything: the account must be half a
    // second old when the create is sent. This age is what the test is about.
    tokio::time::sleep(Duration::from_millis(500)).await;
    sim.faults(
        1,
        json!([{"method": "POST", "path": "/accounts", "action": "drop", "count": 1}]),
    );
    let id = existing["id"].as_str().unwrap();
    match AccountResource
        .create(&client, account("Half Second Co"))
        .await
    {
        Ok(adopted) => assert_eq!(adopted.id.as_deref(), Some(id)),
        Err(f) => {
            let d = &f.diags.0[0];
            assert!(d.summary.contains("Cannot tell whether"), "{}", d.summary);
            assert!(
                d.detail
                    .contains(&format!("terraform import cftenant_account.<name> {id}")),
                "{}",
                d.detail
            );
        }
    }
    assert_eq!(sim.objects("accounts").len(), 1, "no second account");
    assert_eq!(
        sim.requests("POST /accounts"),
        2,
        "the one dropped POST only"
    );
}

#[tokio::test]
async fn a_lost_answer_is_adopted_by_the_servers_clock_not_ours() {
    // The server's clock is a day behind ours: judged on our clock, the
    // account the lost POST made would look a day old and be refused.
    let sim = Sim::start(&[]);
    advance_server_clock(&sim, -86_400);
    let client = client(&sim, 4, StopSignal::default());
    sim.faults(
        1,
        json!([{"method": "POST", "path": "/accounts", "action": "commit_then_drop", "count": 1}]),
    );
    let created = AccountResource
        .create(&client, account("Behind Ltd"))
        .await
        .unwrap_or_else(|f| panic!("{:?}", f.diags));
    let accounts = sim.objects("accounts");
    assert_eq!(accounts.len(), 1, "{accounts:?}");
    assert_eq!(created.id.as_deref(), accounts[0]["id"].as_str());
    assert_eq!(sim.requests("POST /accounts"), 1);
}

#[tokio::test]
async fn a_member_without_creation_time_is_never_adopted() {
    let sim = Sim::start(&[]);
    let client = client(&sim, 4, StopSignal::default());
    let account: Value = client
        .post("/accounts", &json!({"name": "Members Co"}))
        .await
        .unwrap();
    let account_id = account["id"].as_str().unwrap().to_string();
    let members_path = format!("/accounts/{account_id}/members");
    let existing: Value = client
        .post(
            &members_path,
            &json!({"email": "ada@example.com", "roles": ["05784afa30c1afe1440e79d9351c7430"]}),
        )
        .await
        .unwrap();
    sim.faults(1, json!([{"method": "POST", "path": "/accounts/{account_id}/members", "action": "drop", "count": 1}]));
    let member = AccountMember {
        account_id: account_id.clone(),
        email: "Ada@Example.com".into(),
        roles: Some(vec!["05784afa30c1afe1440e79d9351c7430".into()]),
        ..Default::default()
    };
    let Err(failure) = AccountMemberResource.create(&client, member).await else {
        panic!("a member that may have been there before must not be adopted");
    };
    let d = &failure.diags.0[0];
    let import = format!(
        "terraform import cftenant_account_member.<name> {account_id}/{}",
        existing["id"].as_str().unwrap()
    );
    assert!(d.detail.contains(&import), "{}", d.detail);
    assert!(d.detail.contains("no creation time"), "{}", d.detail);
}

/// An endpoint that accepts connections and never answers (a black hole
/// behind a load balancer, a hung proxy), counting the requests it was sent
/// and the connections closed on it.
struct BlackHole {
    url: String,
    requests: Arc<AtomicUsize>,
    closed: Arc<AtomicUsize>,
}

async fn black_hole() -> BlackHole {
    use tokio::io::AsyncReadExt;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let requests = Arc::new(AtomicUsize::new(0));
    let closed = Arc::new(AtomicUsize::new(0));
    let (counted, ended) = (requests.clone(), closed.clone());
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let (counted, ended) = (counted.clone(), ended.clone());
            tokio::spawn(async move {
                // Read what comes, answer nothing; a request is counted once
                // its head is in, the connection once the client closes it.
                let mut head = Vec::new();
                let mut buf = [0u8; 4096];
                while let Ok(n @ 1..) = stream.read(&mut buf).await {
                    let had = head.windows(4).any(|w| w == b"\r\n\r\n");
                    head.extend_from_slice(&buf[..n]);
                    if !had && head.windows(4).any(|w| w == b"\r\n\r\n") {
                        counted.fetch_add(1, Ordering::SeqCst);
                    }
                }
                ended.fetch_add(1, Ordering::SeqCst);
            });
        }
    });
    BlackHole {
        url: format!("http://127.0.0.1:{port}/client/v4"),
        requests,
        closed,
    }
}

/// Waits until `counter` reaches `n`; fails after [`DEADLINE`] naming `what`.
async fn wait_for_count(counter: &AtomicUsize, n: usize, what: &str) {
    let started = Instant::now();
    while counter.load(Ordering::SeqCst) < n {
        assert!(
            started.elapsed() < DEADLINE,
            "waited {DEADLINE:?} for {what}: {} of {n}",
            counter.load(Ordering::SeqCst)
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

fn client_for(base_url: String, max_retries: u32, timeout: Duration, stop: StopSignal) -> Client {
    Client::new(config_for(base_url, max_retries, timeout), stop).unwrap()
}

fn config_for(base_url: String, max_retries: u32, timeout: Duration) -> ClientConfig {
    ClientConfig {
        base_url,
        user_agent: cftenant::client::user_agent("1.11.0", None),
        auth: Auth::Token("sim-token".into()),
        auth_from: "`CFTENANT_API_TOKEN`".into(),
        retry: RetryPolicy {
            max_retries,
            base: Duration::from_millis(10),
            cap: Duration::from_millis(50),
            max_wait: Duration::from_secs(300),
        },
        request_timeout: timeout,
        coalesce_reads: true,
    }
}

#[tokio::test]
async fn a_black_holed_endpoint_says_it_timed_out_and_how_long_the_call_took() {
    tfplugin::install_crypto_provider();
    let client = client_for(
        black_hole().await.url,
        2,
        Duration::from_secs(1),
        StopSignal::default(),
    );
    let err = client.get::<Value>("/accounts").await.unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("timed out after 1 s (request_timeout_seconds)"),
        "{text}"
    );
    assert!(
        text.contains("(after 3 attempts, ") && text.ends_with(" s in all)"),
        "the whole call is bounded in the message: {text}"
    );
    let advice = err.advice().unwrap();
    assert!(advice.contains("request_timeout_seconds"), "{advice}");
}

#[tokio::test]
async fn stop_cancels_a_request_in_flight() {
    tfplugin::install_crypto_provider();
    let stop = StopSignal::default();
    let hole = black_hole().await;
    let client = client_for(hole.url.clone(), 4, Duration::from_secs(600), stop.clone());
    let call = tokio::spawn(async move { client.get::<Value>("/accounts").await });
    // The request is in flight: sent, and never to be answered.
    wait_for_count(&hole.requests, 1, "the request to reach the black hole").await;
    stop.stop();
    let result = tokio::time::timeout(Duration::from_secs(60), call)
        .await
        .expect("stop must not wait for the 600 s request in flight")
        .unwrap();
    let err = result.unwrap_err();
    assert_eq!(err.kind, ErrorKind::Stopped);
    assert_eq!(err.attempts, 1, "{err}");
    // The request was given up: its connection closed, nothing sent again.
    wait_for_count(&hole.closed, 1, "the stopped request's connection to close").await;
    assert_eq!(
        hole.requests.load(Ordering::SeqCst),
        1,
        "sent again after the stop"
    );
}

/// Ctrl-C while a create's answer trickles in: the POST runs to its
/// timeout, and the lookup after it is not cut short by the stop, so the
/// account it made is adopted rather than left out of the state.
#[tokio::test]
async fn a_create_stopped_while_its_answer_is_lost_is_still_adopted() {
    let sim = Sim::start(&[]);
    let stop = StopSignal::default();
    let client = client_for(
        sim.base_url.clone(),
        4,
        Duration::from_secs(2),
        stop.clone(),
    );
    sim.faults(
        1,
        json!([{"method": "POST", "path": "/accounts", "action": "respond", "commit": true,
                "raw_body": " ", "endless": true, "chunk_delay_ms": 500,
                "headers": {"Content-Type": "application/json"}, "count": 1}]),
    );
    let create = tokio::spawn(async move {
        AccountResource
            .create(&client, account("Stopped Midway Ltd"))
            .await
    });
    wait_for_requests(&sim, "POST /accounts", 1).await;
    stop.stop();
    let created = tokio::time::timeout(Duration::from_secs(60), create)
        .await
        .expect("the POST and its lookup are bounded by their timeouts")
        .unwrap()
        .unwrap_or_else(|f| panic!("{:?}", f.diags));
    let accounts = sim.objects("accounts");
    assert_eq!(accounts.len(), 1, "{accounts:?}");
    assert_eq!(created.id.as_deref(), accounts[0]["id"].as_str());
    assert_eq!(sim.requests("POST /accounts"), 1, "not sent again");
}

/// One request turned away (429) holds back every other request for its
/// `Retry-After`, once: the others are not refused, and burn no retries.
/// `n` requests (`GET /user`) in flight at once.
fn spawn_gets(client: &Client, n: usize) -> Vec<tokio::task::JoinHandle<Result<Value, ApiError>>> {
    (0..n)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.get::<Value>("/user").await })
        })
        .collect()
}

#[tokio::test]
async fn a_429_holds_back_every_request_once() {
    let sim = Sim::start(&[]);
    let client = client(&sim, 4, StopSignal::default());
    // Warm up the connection pool, then the first GET is turned away.
    client.get::<Value>("/user").await.unwrap();
    sim.faults(1, json!([{"method": "GET", "path": "/user", "action": "status", "status": 429, "retry_after": 2, "count": 1}]));
    let heard = Heard::default();
    let first = {
        let client = client.clone();
        tokio::spawn(
            async move { client.get::<Value>("/user").await }.with_subscriber(heard.clone()),
        )
    };
    // The first is turned away, and the client has taken the 429 in.
    wait_for_requests(&sim, "GET /user", 2).await;
    heard.wait_for("retrying API call").await;
    let started = std::time::Instant::now();
    for other in spawn_gets(&client, 5) {
        other.await.unwrap().expect("held back, then answered");
    }
    assert!(
        started.elapsed() >= Duration::from_millis(1500),
        "the others waited for the Retry-After: {:?}",
        started.elapsed()
    );
    first.await.unwrap().expect("retried after the wait");
    let fired = sim.admin("GET", "/faults", None)["rules"][0]["fired"].clone();
    assert_eq!(fired, 1, "only the first request was turned away");
    assert_eq!(sim.requests("GET /user"), 1 + 1 + 1 + 5);
}

/// A `Retry-After` beyond what the provider waits fails at once, saying so.
#[tokio::test]
async fn a_retry_after_beyond_the_longest_wait_is_an_error_that_says_so() {
    let sim = Sim::start(&[]);
    let client = client(&sim, 4, StopSignal::default());
    sim.faults(1, json!([{"method": "GET", "path": "/user", "action": "status", "status": 429, "retry_after": 600, "count": 1}]));
    let err = client.get::<Value>("/user").await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::RateLimited);
    assert_eq!(err.attempts, 1, "not retried");
    // The next request is held back by the same 600 s: refused unsent.
    let next = client.get::<Value>("/user").await.unwrap_err();
    assert_eq!(next.kind, ErrorKind::RateLimited);
    assert!(
        next.to_string()
            .contains("longer than the provider waits (300 s)"),
        "{next}"
    );
    assert_eq!(sim.requests("GET /user"), 1);
}

/// The `Ratelimit` header paces requests: once what is left of the window
/// is in flight, the next waits for the window to reset instead of being
/// turned away.
#[tokio::test]
async fn the_announced_budget_is_not_overrun() {
    let sim = Sim::start(&["--rate-limit", "4/2"]);
    let client = client(&sim, 0, StopSignal::default());
    let started = std::time::Instant::now();
    for _ in 0..3 {
        for call in spawn_gets(&client, 3) {
            call.await.unwrap().expect("paced, never turned away");
        }
    }
    let exchanges = sim.admin("GET", "/exchanges", None);
    let turned_away = exchanges["exchanges"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["status"] == 429)
        .count();
    assert_eq!(turned_away, 0, "no request was turned away");
    assert!(
        started.elapsed() >= Duration::from_secs(2),
        "nine requests at four per two seconds wait for a reset: {:?}",
        started.elapsed()
    );
}

const ADMIN_ROLE: &str = "05784afa30c1afe1440e79d9351c7430";

/// `n` accounts with one member each, made through the API: `(account id,
/// member id)`.
async fn accounts_with_a_member(client: &Client, n: usize) -> Vec<(String, String)> {
    let mut estate = Vec::new();
    for i in 0..n {
        let account: Value = client
            .post("/accounts", &json!({"name": format!("Ahead {i}")}))
            .await
            .unwrap();
        let account_id = account["id"].as_str().unwrap().to_string();
        let member: Value = client
            .post(
                &format!("/accounts/{account_id}/members"),
                &json!({"email": format!("ops{i}@example.com"), "roles": [ADMIN_ROLE]}),
            )
            .await
            .unwrap();
        estate.push((account_id, member["id"].as_str().unwrap().to_string()));
    }
    estate
}

/// A client of a new provider process (nothing read yet).
fn fresh_client(sim: &Sim, coalesce_reads: bool) -> Client {
    let mut config = config_for(sim.base_url.clone(), 4, Duration::from_secs(5));
    config.coalesce_reads = coalesce_reads;
    Client::new(config, StopSignal::default()).unwrap()
}

async fn read_account(client: &Client, id: &str) {
    let state = Account {
        id: Some(id.into()),
        ..account("Ahead")
    };
    let read = AccountResource.read(client, state).await;
    assert!(matches!(read, Ok(Some(_))), "account {id} reads");
}

async fn read_member(client: &Client, account_id: &str, id: &str) -> Option<AccountMember> {
    let state = AccountMember {
        id: Some(id.into()),
        account_id: account_id.into(),
        email: "ops@example.com".into(),
        roles: Some(vec![ADMIN_ROLE.into()]),
        ..Default::default()
    };
    match AccountMemberResource.read(client, state).await {
        Ok(read) => read,
        Err(e) => panic!("member {id} reads: {:?}", e.diags),
    }
}

/// A simulator with `n` accounts of one member each, and the client of a new
/// provider process that has read the accounts (as a plan reads them before
/// their members).
async fn accounts_read(n: usize) -> (Sim, Vec<(String, String)>, Client) {
    let sim = Sim::start(&[]);
    let estate = accounts_with_a_member(&client(&sim, 4, StopSignal::default()), n).await;
    let client = fresh_client(&sim, true);
    for (account, _) in &estate {
        read_account(&client, account).await;
    }
    (sim, estate, client)
}

/// Member reads made by the simulator: (one by one, whole lists).
fn member_requests(sim: &Sim) -> (u64, u64) {
    (
        sim.requests("GET /accounts/{account_id}/members/{member_id}"),
        sim.requests("GET /accounts/{account_id}/members"),
    )
}

/// Once the members of one account are read, the members of the next
/// account read are fetched ahead, and answer its read exactly as a single
/// GET would: one request per account either way.
#[tokio::test]
async fn members_read_ahead_answer_their_reads_as_single_reads_do() {
    let (sim, estate, client) = accounts_read(8).await;
    let one_by_one = fresh_client(&sim, false);
    let mut expected = Vec::new();
    for (account, member) in &estate {
        expected.push(read_member(&one_by_one, account, member).await);
    }
    let (singles, lists) = member_requests(&sim);
    assert_eq!((singles, lists), (8, 0));

    let mut got = Vec::new();
    for (account, member) in &estate {
        got.push(read_member(&client, account, member).await);
    }
    assert_eq!(got, expected);
    let (singles_now, lists_now) = member_requests(&sim);
    assert_eq!(
        (singles_now - singles, lists_now - lists),
        (3, 5),
        "one request per account: the first alone, then two read ahead, then one more per two reads"
    );
}

/// Reads ahead are bounded by the reads they follow: two, plus one for
/// every two reads. With two accounts' members read, three more accounts'
/// lists were fetched (for nothing, here), no more.
#[tokio::test]
async fn reads_ahead_are_two_plus_one_per_two_reads() {
    let (sim, estate, client) = accounts_read(8).await;
    for (account, member) in [&estate[0], &estate[7]] {
        assert!(read_member(&client, account, member).await.is_some());
    }
    // Reads ahead run in the background: wait for the three,
    wait_for_stats(&sim, "three lists of members read ahead", |stats| {
        stats["requests"]["GET /accounts/{account_id}/members"]
            .as_u64()
            .unwrap_or(0)
            >= 3
    })
    .await;
    // then a while longer for any beyond them: an absence cannot be waited
    // for, so this is the one pause that is not a wait for a count.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(member_requests(&sim), (2, 3));
}

/// A write forgets what was read ahead: the read after it asks again and
/// sees the write.
#[tokio::test]
async fn a_write_forgets_what_was_read_ahead() {
    let (sim, estate, client) = accounts_read(3).await;
    let (first_account, first_member) = &estate[0];
    read_member(&client, first_account, first_member).await;
    // The members of the second account are being read ahead; now a write.
    let (account, member) = &estate[1];
    let other_role = "1bdae932431dce82aa4498b71c2d9e1a";
    let _: Value = client
        .put(
            &format!("/accounts/{account}/members/{member}"),
            &json!({"roles": [{"id": other_role}]}),
        )
        .await
        .unwrap();
    let singles = member_requests(&sim).0;
    let got = read_member(&client, account, member).await;
    assert_eq!(member_requests(&sim).0, singles + 1, "asked again");
    assert_eq!(
        got,
        read_member(&fresh_client(&sim, false), account, member).await
    );
    assert_eq!(got.unwrap().roles, Some(vec![other_role.to_string()]));
}

/// A read ahead that fails is dropped: the read asks for itself and gets
/// what a single GET gives.
#[tokio::test]
async fn a_failed_read_ahead_leaves_the_read_to_ask_itself() {
    let (sim, estate, client) = accounts_read(3).await;
    sim.faults(1, json!([{"method": "GET", "path": "/accounts/{account_id}/members", "action": "status", "status": 500}]));
    let one_by_one = fresh_client(&sim, false);
    for (account, member) in &estate {
        let got = read_member(&client, account, member).await;
        assert!(got.is_some(), "member {member} reads");
        assert_eq!(got, read_member(&one_by_one, account, member).await);
    }
    let (singles, lists) = member_requests(&sim);
    assert_eq!(
        singles,
        3 + 3,
        "each read asked for itself, as did the one-by-one client"
    );
    assert!(lists > 0, "lists were read ahead, and failed");
}
