//! Connections: the header read timeout, the bound on open connections, and
//! where the simulator may listen with its default credentials.

use crate::*;
use std::io::{Read, Write};
use std::net::TcpStream;

/// Opens `n` connections that each send half a request head and then nothing.
fn idle_connections(addr: &str, n: usize) -> Vec<TcpStream> {
    (0..n)
        .map(|i| {
            let mut stream =
                TcpStream::connect(addr).unwrap_or_else(|e| panic!("idle connection {i}: {e}"));
            stream
                .write_all(b"GET /client/v4/user HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Wait")
                .unwrap();
            stream
        })
        .collect()
}

/// A well-behaved client: one request on a new connection, with a deadline.
fn answered_within(root: &str, deadline: Duration) -> Result<u16, String> {
    let root = root.to_string();
    std::thread::spawn(move || {
        let client = reqwest::blocking::Client::builder()
            .timeout(deadline)
            .build()
            .map_err(|e| e.to_string())?;
        let resp = client
            .get(format!("{root}/client/v4/user"))
            .bearer_auth(TOKEN)
            .send()
            .map_err(|e| e.to_string())?;
        Ok(resp.status().as_u16())
    })
    .join()
    .expect("client thread")
}

/// Whether the server closes `stream` (end of file, after any answer) within
/// `deadline`.
fn closed_within(stream: &mut TcpStream, deadline: Duration) -> bool {
    stream.set_read_timeout(Some(deadline)).unwrap();
    let mut buf = Vec::new();
    match stream.read_to_end(&mut buf) {
        Ok(_) => true,
        Err(e) => matches!(
            e.kind(),
            std::io::ErrorKind::ConnectionReset | std::io::ErrorKind::ConnectionAborted
        ),
    }
}

#[test]
fn a_connection_without_a_complete_request_head_is_closed_after_the_timeout() {
    let sim = Proc::start(&["--header-read-timeout-ms", "300"]);
    let started = Instant::now();
    let mut half = idle_connections(&sim.addr(), 1).remove(0);
    let mut silent = TcpStream::connect(sim.addr()).unwrap();
    assert!(closed_within(&mut half, Duration::from_secs(5)));
    assert!(closed_within(&mut silent, Duration::from_secs(5)));
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(250) && waited < Duration::from_secs(4),
        "closed after {waited:?}"
    );

    // A kept-alive connection idle after its answer gets the same time for its
    // next request.
    let mut kept = TcpStream::connect(sim.addr()).unwrap();
    kept.write_all(
        format!("GET /client/v4/user HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TOKEN}\r\n\r\n")
            .as_bytes(),
    )
    .unwrap();
    let started = Instant::now();
    assert!(closed_within(&mut kept, Duration::from_secs(5)));
    assert!(started.elapsed() < Duration::from_secs(4));
}

#[test]
fn the_header_read_timeout_is_ten_seconds_by_default() {
    let sim = Sim::start(&[]);
    let mut half = idle_connections(&sim_addr(&sim), 1).remove(0);
    assert!(
        !closed_within(&mut half, Duration::from_secs(2)),
        "closed too early"
    );
    assert!(closed_within(&mut half, Duration::from_secs(12)));
}

#[test]
fn many_idle_connections_do_not_keep_a_client_out() {
    let sim = Sim::start(&[]);
    let idle = idle_connections(&sim_addr(&sim), 500);
    assert_eq!(answered_within(&sim.root, Duration::from_secs(3)), Ok(200));
    drop(idle);
}

/// Beyond `--max-connections`, the connections that have waited longest for
/// a request are closed to make room.
#[test]
fn beyond_the_connection_limit_the_longest_waiting_make_room() {
    let sim = Proc::start(&["--max-connections", "50"]);
    let mut idle = idle_connections(&sim.addr(), 200);
    assert_eq!(answered_within(&sim.root, Duration::from_secs(3)), Ok(200));
    // The oldest went first.
    assert!(closed_within(&mut idle[0], Duration::from_secs(3)));
}

/// At the limit, every open connection stays until another arrives; then
/// the one that has waited longest makes room.
#[test]
fn at_the_connection_limit_room_is_made_only_when_another_arrives() {
    let sim = Proc::start(&["--max-connections", "2"]);
    let mut idle = idle_connections(&sim.addr(), 2);
    assert!(!closed_within(&mut idle[0], Duration::from_millis(500)));
    assert!(!closed_within(&mut idle[1], Duration::from_millis(200)));
    assert_eq!(answered_within(&sim.root, Duration::from_secs(3)), Ok(200));
    assert!(closed_within(&mut idle[0], Duration::from_secs(3)));
}

/// Out of file descriptors (what 20,000 half-open connections do to a
/// default `ulimit -n`), the simulator closes the connections that have
/// waited longest instead of failing to accept.
#[cfg(unix)]
#[test]
fn out_of_file_descriptors_the_longest_waiting_make_room() {
    let sim = Proc::start_with_fd_limit(64, &[]);
    let mut idle = idle_connections(&sim.addr(), 300);
    assert_eq!(answered_within(&sim.root, Duration::from_secs(3)), Ok(200));
    assert!(closed_within(&mut idle[0], Duration::from_secs(3)));
}

#[test]
fn a_non_loopback_address_with_the_default_credentials_is_refused() {
    for (listen, extra) in [
        ("0.0.0.0:0", &[][..]),
        ("0.0.0.0:0", &["--api-token", "own-token"][..]),
        ("[::]:0", &["--auth-key", "own-key"][..]),
    ] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_cftenant-sim"))
            .args(["--listen", listen])
            .args(extra)
            .env_remove("CFTENANT_SIM_LISTEN")
            .env_remove("CFTENANT_SIM_STATE")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("start cftenant-sim");
        let started = Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            if started.elapsed() > Duration::from_secs(10) {
                let _ = child.kill();
                let _ = child.wait();
                panic!("--listen {listen} {extra:?}: the simulator started");
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let output = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!status.success(), "{listen} {extra:?}");
        assert!(output.stdout.is_empty(), "no banner");
        assert!(
            stderr.contains(&format!("--listen {listen} is not a loopback address"))
                && stderr.contains("--api-token TOKEN and --auth-key KEY"),
            "{stderr}"
        );
    }
}
