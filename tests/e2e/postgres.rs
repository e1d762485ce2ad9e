//! A throwaway PostgreSQL server for Terraform's `pg` state backend: a fresh
//! cluster in a temporary directory, listening on 127.0.0.1 only, with trust
//! authentication, stopped and deleted when dropped.

use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub struct Postgres {
    /// Holds `data/` (the cluster), the server log and its unix socket.
    dir: tempfile::TempDir,
    bin: PathBuf,
    /// Who runs the server: PostgreSQL refuses to run as root.
    run_as: Option<(u32, u32)>,
    pub port: u16,
}

impl Postgres {
    pub fn start() -> Postgres {
        let bin = find_bin_dir();
        let run_as = unprivileged_user();
        let dir = tempfile::Builder::new()
            .prefix("cftenant-pg-")
            .tempdir()
            .unwrap();
        if let Some((uid, gid)) = run_as {
            std::os::unix::fs::chown(dir.path(), Some(uid), Some(gid)).unwrap();
        }
        let mut pg = Postgres {
            dir,
            bin,
            run_as,
            port: 0,
        };
        let data = pg.data_dir();
        let initdb = pg.run(
            "initdb",
            &[
                "-D",
                &data,
                "-U",
                "postgres",
                "--auth=trust",
                "--no-sync",
                "-E",
                "UTF8",
                "--no-locale",
            ],
        );
        assert!(
            initdb.status.success(),
            "initdb failed:\n{}{}",
            String::from_utf8_lossy(&initdb.stdout),
            String::from_utf8_lossy(&initdb.stderr)
        );
        // The free port is only free until someone else takes it: try a few.
        for _ in 0..3 {
            pg.port = free_port();
            let options = format!(
                "-c listen_addresses=127.0.0.1 -p {} -c unix_socket_directories={} -c fsync=off",
                pg.port,
                pg.dir.path().display()
            );
            let log = pg.dir.path().join("postgres.log").display().to_string();
            let started = pg.run(
                "pg_ctl",
                &[
                    "-D", &data, "-l", &log, "-w", "-t", "60", "-o", &options, "start",
                ],
            );
            if started.status.success() {
                return pg;
            }
        }
        panic!(
            "PostgreSQL did not start; its log:\n{}",
            std::fs::read_to_string(pg.dir.path().join("postgres.log")).unwrap_or_default()
        );
    }

    /// The connection string for the `pg` backend (`conn_str` / `PG_CONN_STR`).
    pub fn conn_str(&self) -> String {
        format!(
            "postgres://postgres@127.0.0.1:{}/postgres?sslmode=disable",
            self.port
        )
    }

    fn data_dir(&self) -> String {
        self.dir.path().join("data").display().to_string()
    }

    fn run(&self, tool: &str, args: &[&str]) -> Output {
        let mut cmd = Command::new(self.bin.join(tool));
        cmd.args(args)
            .current_dir(self.dir.path())
            .env("LC_ALL", "C");
        if let Some((uid, gid)) = self.run_as {
            cmd.uid(uid).gid(gid);
        }
        cmd.output()
            .unwrap_or_else(|e| panic!("run {}: {e}", self.bin.join(tool).display()))
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let data = self.data_dir();
        let _ = self.run("pg_ctl", &["-D", &data, "-m", "immediate", "-w", "stop"]);
    }
}

/// The directory holding `initdb` and `pg_ctl`: on the PATH, else the newest
/// /usr/lib/postgresql/<version>/bin (Debian installs them only there).
fn find_bin_dir() -> PathBuf {
    let has_tools = |dir: &Path| dir.join("initdb").is_file() && dir.join("pg_ctl").is_file();
    let on_path = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default();
    if let Some(dir) = on_path.into_iter().find(|d| has_tools(d)) {
        return dir;
    }
    let mut debian: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| Some((e.file_name().to_str()?.parse().ok()?, e.path().join("bin"))))
        .filter(|(_, bin)| has_tools(bin))
        .collect();
    debian.sort();
    match debian.pop() {
        Some((_, bin)) => bin,
        None => panic!(
            "the team workflow test needs PostgreSQL's `initdb` and `pg_ctl` (on the PATH or in /usr/lib/postgresql/<version>/bin); \
             install PostgreSQL (e.g. `apt-get install -y postgresql`, as .ci/run does) and run again"
        ),
    }
}

/// When running as root (as here and in CI): the uid and gid of the
/// `postgres` user if there is one, else of `nobody`.
fn unprivileged_user() -> Option<(u32, u32)> {
    let uid = Command::new("id").arg("-u").output().expect("run id -u");
    if String::from_utf8_lossy(&uid.stdout).trim() != "0" {
        return None;
    }
    let passwd = std::fs::read_to_string("/etc/passwd").expect("read /etc/passwd");
    let ids = |name: &str| {
        passwd.lines().find_map(|line| {
            let fields: Vec<&str> = line.split(':').collect();
            (fields.len() > 3 && fields[0] == name)
                .then(|| (fields[2].parse().ok(), fields[3].parse().ok()))
        })
    };
    match ids("postgres").or_else(|| ids("nobody")) {
        Some((Some(uid), Some(gid))) => Some((uid, gid)),
        _ => panic!("running as root, and neither a `postgres` nor a `nobody` user exists to run PostgreSQL as (it refuses to run as root)"),
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}
