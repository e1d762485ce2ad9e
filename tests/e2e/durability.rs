//! Simulator durability with `--state FILE`: the simulator is killed with
//! SIGKILL while writes are in flight, and
//!
//! - the state file is a whole JSON document every time (the old state or
//!   the new one, never half of one), and every write the simulator
//!   acknowledged before the kill is in it;
//! - a simulator restarted on the same port with the same file loads it,
//!   and an apply cut off by the kill converges: re-applied (at most twice,
//!   running the import the provider advises where a create that lost its
//!   answer cannot tell whether it made its object), every object in the simulator is tracked by exactly one resource in
//!   state, nothing is missing or duplicated, and a final plan is empty.

use crate::faults::reconcile;
use crate::harness::*;
use serde_json::{json, Value as Json};
use std::collections::{BTreeMap, BTreeSet};
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// testdata/faults has six resources per customer.
const CUSTOMERS: usize = 12;
const RESOURCES_PER_CUSTOMER: usize = 6;
const MAX_REAPPLIES: usize = 2;
/// The object lists of the state file that Terraform resources create.
const KINDS: &[&str] = &[
    "accounts",
    "members",
    "zones",
    "zone_subscriptions",
    "account_subscriptions",
];

/// Reads and parses the state file; any failure (missing, torn, not the
/// simulator's shape) is an error.
fn read_state_file(path: &Path) -> Result<Json, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("reading {}: {e}", path.display()))?;
    let json: Json = serde_json::from_slice(&bytes).map_err(|e| {
        format!(
            "{} is not whole JSON ({} bytes): {e}",
            path.display(),
            bytes.len()
        )
    })?;
    if !json["format_version"].is_u64() || !json["tenant"].is_object() {
        return Err(format!(
            "{} is JSON but not a simulator state",
            path.display()
        ));
    }
    for kind in KINDS.iter().chain(&["users"]) {
        if !json[kind].is_array() {
            return Err(format!("{} has no {kind} list", path.display()));
        }
    }
    Ok(json)
}

fn count_objects(state: &Json) -> usize {
    KINDS
        .iter()
        .map(|k| state[k].as_array().map_or(0, Vec::len))
        .sum()
}

/// The simulator's temporary files next to the state file
/// (`.FILE.tmp-<pid>`), with the pid each belongs to.
fn temp_files(state_file: &Path) -> Vec<(PathBuf, u32)> {
    let prefix = format!(
        ".{}.tmp-",
        state_file.file_name().unwrap().to_string_lossy()
    );
    let mut found = Vec::new();
    for entry in std::fs::read_dir(state_file.parent().unwrap()).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if let Some(pid) = name.strip_prefix(&prefix) {
            let pid = pid
                .parse()
                .unwrap_or_else(|_| panic!("unexpected temporary file {name}"));
            found.push((path, pid));
        }
    }
    found
}

/// After a kill: the state file is whole, and the only temporary file that
/// may be left is the killed simulator's own unfinished write (never read:
/// the rename is the commit point). Earlier ones were removed on restart.
fn check_after_kill(state_file: &Path, killed_pid: u32) -> Json {
    let state = read_state_file(state_file)
        .unwrap_or_else(|e| panic!("after kill -9 of {killed_pid}: {e}"));
    for (path, pid) in temp_files(state_file) {
        assert_eq!(
            pid,
            killed_pid,
            "{} survived a restart of the simulator",
            path.display()
        );
    }
    state
}

/// A (re)started, idle simulator: no temporary file at all, neither its
/// own nor one a killed simulator left half-written.
fn check_no_temp_files(state_file: &Path, when: &str) {
    let left = temp_files(state_file);
    assert!(left.is_empty(), "{when}: temporary files left: {left:?}");
}

fn assert_killed(status: std::process::ExitStatus) {
    assert_eq!(
        status.signal(),
        Some(9),
        "the simulator was not killed by SIGKILL: {status:?}"
    );
}

#[test]
fn durability_kill9_mid_apply_then_restart_converges() {
    let started = Instant::now();
    let dir = tempfile::Builder::new()
        .prefix("cftenant-durability-")
        .tempdir()
        .unwrap();
    let file = dir.path().join("sim-state.json");
    let file_arg = file.display().to_string();
    let mut sim = Sim::start(&["--state", &file_arg]);
    let port = sim.port();
    let first_pid = sim.pid();
    let mut ws = Workspace::new(&sim);
    ws.use_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/e2e/testdata/faults"));
    ws.vars.insert("customers".into(), CUSTOMERS.to_string());
    // Enough retries (with backoff) to outlast the restart.
    ws.vars.insert("max_retries".into(), "10".into());
    let expected = CUSTOMERS * RESOURCES_PER_CUSTOMER;
    assert!(expected >= 60);
    // Slow every request down a little so that the apply is surely still
    // running when the kill comes. Faults are not persisted: the restarted
    // simulator has none.
    sim.admin(
        "POST",
        "/faults",
        Some(json!({"rules": [{"method": "*", "path": "*", "action": "delay", "delay_ms": 60}]})),
    );
    let log_dir = tempfile::tempdir().unwrap();
    let log = |n: usize| log_dir.path().join(format!("apply-{n}.log"));
    ws.extra_env = vec![
        ("TF_LOG_PROVIDER".into(), "debug".into()),
        ("TF_LOG_PATH".into(), log(0).display().to_string()),
    ];

    let mut polls = 0;
    let (at_kill, first_apply) = std::thread::scope(|s| {
        let ws = &ws;
        let apply = s.spawn(move || {
            ws.terraform(&[
                "apply",
                "-auto-approve",
                "-input=false",
                "-no-color",
                "-parallelism=10",
            ])
        });
        // Watch the file fill up; every read must find a whole document.
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            assert!(
                !apply.is_finished(),
                "the apply ended before the simulator could be killed ({} objects created)",
                read_state_file(&file)
                    .map(|s| count_objects(&s))
                    .unwrap_or(0)
            );
            assert!(
                Instant::now() < deadline,
                "the apply made no progress in 120 s"
            );
            let state = read_state_file(&file).unwrap_or_else(|e| panic!("while applying: {e}"));
            polls += 1;
            if count_objects(&state) >= expected / 3 {
                break;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        // A killed simulator is not checked when dropped: what it exchanged
        // until now is checked against Cloudflare's definition here.
        assert_conforms(&sim);
        assert_killed(sim.kill9());
        let at_kill = check_after_kill(&file, first_pid);
        // Restart right away, while the apply still retries.
        sim = Sim::start_on(&format!("127.0.0.1:{port}"), &["--state", &file_arg]);
        (at_kill, apply.join().expect("apply thread"))
    });
    let killed_with = count_objects(&at_kill);
    assert!(
        killed_with > 0 && killed_with < expected,
        "killed with {killed_with} of {expected} objects: not mid-apply"
    );
    assert_eq!(sim.port(), port);
    // The restarted simulator loaded the file, and so can anyone: it is
    // whole, and it still is after the restart wrote it again.
    let reloaded = read_state_file(&file).unwrap();
    assert!(
        count_objects(&reloaded) >= killed_with,
        "objects lost over the restart: {} < {killed_with}",
        count_objects(&reloaded)
    );
    check_no_temp_files(&file, "after the restart");

    let first_ok = first_apply.status.success();
    let text = output_text(&first_apply);
    assert!(!text.contains("panicked"), "the provider panicked:\n{text}");
    let mut applies = 1;
    let mut converged = first_ok;
    let mut last = text;
    let mut imported = Vec::new();
    let errors_of = |text: &str| -> String {
        text.find("Error: ")
            .map(|i| text[i..].chars().take(4000).collect())
            .unwrap_or_default()
    };
    let mut errors = Vec::new();
    while !converged && applies <= MAX_REAPPLIES {
        // What a user does next: where the provider could not tell whether
        // a create that lost its answer made the object (members and
        // account subscriptions carry no creation time), it names the
        // import that settles it.
        for (address, id) in imports_advised(&last) {
            ws.ok(&["import", "-input=false", "-no-color", &address, &id]);
            imported.push(address);
        }
        ws.extra_env = vec![
            ("TF_LOG_PROVIDER".into(), "debug".into()),
            ("TF_LOG_PATH".into(), log(applies).display().to_string()),
        ];
        let out = ws.terraform(&[
            "apply",
            "-auto-approve",
            "-input=false",
            "-no-color",
            "-parallelism=10",
        ]);
        applies += 1;
        errors.push(errors_of(&last));
        last = output_text(&out);
        assert!(!last.contains("panicked"), "the provider panicked:\n{last}");
        converged = out.status.success();
    }
    ws.extra_env.clear();
    // Only requests in flight at the kill can have lost their answers.
    assert!(
        imported.len() <= 10,
        "more imports advised than requests in flight: {imported:?}"
    );
    let adoptions: usize = (0..applies)
        .map(|n| crate::faults::count_log_lines(&log(n), "adopted"))
        .sum();
    let retries: usize = (0..applies)
        .map(|n| crate::faults::count_log_lines(&log(n), "retrying API call"))
        .sum();
    // The kill did interrupt the apply: requests it had in flight failed
    // and were retried, or their objects were adopted.
    assert!(
        retries + adoptions >= 1,
        "the provider never noticed the kill (no retry, no adoption in its logs)"
    );
    assert!(
        converged,
        "not converged after {applies} applies (imported {imported:?}); the earlier ones said:\n{}\nthe last one said:\n{}",
        errors.join("\n---\n"),
        errors_of(&last)
    );

    let state = ws.state();
    let inventory = sim.state();
    let r = reconcile(&state, &inventory);
    assert_eq!(
        r.resources,
        expected,
        "{:?}",
        state.keys().collect::<Vec<_>>()
    );
    assert!(
        r.is_exact(),
        "state and simulator differ after the kill: {r:#?}"
    );
    assert_eq!(
        inventory["accounts"].as_array().unwrap().len(),
        CUSTOMERS,
        "every account in the simulator is tracked exactly once"
    );
    let (code, plan) = ws.plan();
    assert_eq!(code, 0, "a plan after converging must be empty:\n{plan}");
    // What the simulator holds in memory is what its file says.
    let on_disk = read_state_file(&file).unwrap();
    for kind in KINDS {
        assert_eq!(
            on_disk[kind].as_array().unwrap().len(),
            inventory[kind].as_array().unwrap().len(),
            "{kind}: the state file and the running simulator differ"
        );
    }
    destroy_and_check(&ws, &sim);
    println!(
        "durability: resources={expected} killed_with={killed_with} polls={polls} first_apply_ok={first_ok} applies={applies} retries={retries} adoptions={adoptions} imported={imported:?} elapsed={:.1}s",
        started.elapsed().as_secs_f64()
    );
}

/// The imports an apply's output says would settle a create that could not
/// tell whether it made its object: (address, import id) for every
/// "Cannot tell whether" error naming one candidate.
fn imports_advised(output: &str) -> Vec<(String, String)> {
    output
        .split("Error: ")
        .filter(|error| error.starts_with("Cannot tell whether"))
        .filter_map(|error| {
            let address = error.split(" with ").nth(1)?.split(',').next()?;
            let command = error
                .split("`terraform import ")
                .nth(1)?
                .split('`')
                .next()?;
            let (_, id) = command.split_once(' ')?;
            (!error.contains("` or `")).then(|| (address.to_string(), id.to_string()))
        })
        .collect()
}

/// One writer's view of the accounts it created: what the simulator
/// acknowledged, and the one request it may have had in flight at the kill.
#[derive(Default)]
struct Acked {
    /// Account id → the last name the simulator acknowledged for it.
    names: BTreeMap<String, String>,
    /// Names sent without an answer (at most one per writer and round).
    unanswered: BTreeSet<String>,
}

/// Creates accounts and renames them as fast as it can until the
/// simulator stops answering or `stop` is set.
fn writer(api: &str, round: usize, w: usize, stop: &AtomicBool, acked: &Mutex<Acked>) {
    let http = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let call = |method: reqwest::Method, path: &str, body: Json| -> Option<Json> {
        let resp = http
            .request(method, format!("{api}{path}"))
            .bearer_auth(TOKEN)
            .json(&body)
            .send()
            .ok()?;
        let json: Json = resp.json().ok()?;
        assert_eq!(json["success"], true, "{path}: {json}");
        Some(json["result"].clone())
    };
    let mut mine: Vec<String> = Vec::new();
    let mut i = 0;
    while !stop.load(Ordering::Relaxed) {
        i += 1;
        let (method, path, name) = if i % 3 == 0 && !mine.is_empty() {
            let id = mine[i % mine.len()].clone();
            (
                reqwest::Method::PUT,
                format!("/accounts/{id}"),
                format!("burst r{round} w{w} renamed {i}"),
            )
        } else {
            (
                reqwest::Method::POST,
                "/accounts".to_string(),
                format!("burst r{round} w{w} n{i}"),
            )
        };
        match call(method, &path, json!({ "name": name })) {
            Some(result) => {
                let id = result["id"].as_str().expect("account id").to_string();
                if path == "/accounts" {
                    mine.push(id.clone());
                }
                acked.lock().unwrap().names.insert(id, name);
            }
            None => {
                acked.lock().unwrap().unanswered.insert(name);
                return;
            }
        }
    }
}

#[test]
fn durability_state_file_is_whole_after_every_kill9_in_a_write_burst() {
    const ROUNDS: usize = 6;
    const WRITERS: usize = 8;
    let started = Instant::now();
    let dir = tempfile::Builder::new()
        .prefix("cftenant-durability-burst-")
        .tempdir()
        .unwrap();
    let file = dir.path().join("sim-state.json");
    let file_arg = file.display().to_string();
    let acked = Mutex::new(Acked::default());
    let mut port = 0;
    let mut killed_pids = Vec::new();
    let mut torn_temp_files = 0;
    let mut temp_files_left = 0;
    for round in 0..ROUNDS {
        let mut sim = Sim::start_on(&format!("127.0.0.1:{port}"), &["--state", &file_arg]);
        port = sim.port();
        // It loaded everything acknowledged before the last kill.
        let loaded: BTreeMap<String, String> = sim
            .objects("accounts")
            .iter()
            .map(|a| {
                (
                    a["id"].as_str().unwrap().to_string(),
                    a["name"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        check_no_temp_files(&file, &format!("round {round}: after restart"));
        {
            let mut acked = acked.lock().unwrap();
            check_names(&loaded, &acked, &format!("round {round}: after restart"));
            // A rename in flight at the kill may have committed: from now
            // on, what was loaded is what the simulator acknowledges.
            for (id, name) in acked.names.iter_mut() {
                name.clone_from(&loaded[id]);
            }
            acked.unanswered.clear();
        }
        let before = acked.lock().unwrap().names.len();

        let stop = AtomicBool::new(false);
        let api = sim.base_url.clone();
        std::thread::scope(|s| {
            for w in 0..WRITERS {
                let (api, stop, acked) = (&api, &stop, &acked);
                s.spawn(move || writer(api, round, w, stop, acked));
            }
            // Kill once the burst is well under way, at a different point
            // in every round.
            let deadline = Instant::now() + Duration::from_secs(30);
            while acked.lock().unwrap().names.len() < before + 20 + 7 * round {
                assert!(
                    Instant::now() < deadline,
                    "round {round}: the burst stalled"
                );
                std::thread::sleep(Duration::from_millis(2));
            }
            assert_conforms(&sim);
            assert_killed(sim.kill9());
            stop.store(true, Ordering::Relaxed);
        });
        killed_pids.push(sim.pid());
        drop(sim);

        let state = check_after_kill(&file, *killed_pids.last().unwrap());
        let left = temp_files(&file);
        temp_files_left += left.len();
        torn_temp_files += left
            .iter()
            .filter(|(p, _)| {
                serde_json::from_slice::<Json>(&std::fs::read(p).unwrap_or_default()).is_err()
            })
            .count();
        let on_disk: BTreeMap<String, String> = state["accounts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| {
                (
                    a["id"].as_str().unwrap().to_string(),
                    a["name"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        check_names(
            &on_disk,
            &acked.lock().unwrap(),
            &format!("round {round}: after kill -9"),
        );
    }
    // A last restart loads the file the last kill left.
    let sim = Sim::start_on(&format!("127.0.0.1:{port}"), &["--state", &file_arg]);
    let total = sim.objects("accounts").len();
    let acked_total = acked.lock().unwrap().names.len();
    assert!(total >= acked_total, "{total} < {acked_total}");
    check_no_temp_files(&file, "after the last restart");
    println!(
        "durability burst: rounds={ROUNDS} writers={WRITERS} accounts acknowledged={acked_total} in file={total} kills that left a temporary file={temp_files_left} (torn: {torn_temp_files}) elapsed={:.1}s",
        started.elapsed().as_secs_f64()
    );
}

/// Every acknowledged account is there, under its last acknowledged name
/// or the name of a rename that was in flight at the kill (committed, but
/// its answer lost).
fn check_names(found: &BTreeMap<String, String>, acked: &Acked, when: &str) {
    for (id, name) in &acked.names {
        let Some(has) = found.get(id) else {
            panic!("{when}: account {id} ({name:?}) was acknowledged but is not in the state file");
        };
        assert!(
            has == name || acked.unanswered.contains(has),
            "{when}: account {id} is {has:?}, but the last acknowledged name was {name:?}"
        );
    }
}

/// What `sim` exchanged so far conforms to Cloudflare's definition (and it
/// exchanged something).
fn assert_conforms(sim: &Sim) {
    let report = sim.conformance();
    assert!(
        report.exchanges > 0,
        "nothing was exchanged before the kill"
    );
    assert!(
        report.violations.is_empty(),
        "before the kill: {}\n{:#?}",
        report.summary(),
        report.violations
    );
}
