//! The end-to-end harness: a simulator on a free loopback port, a Terraform
//! working directory whose CLI configuration points `cftenant/cftenant` at
//! the provider binary cargo just built (never the network), and steps in
//! the shape of terraform-plugin-testing: config → apply → checks → plan is
//! empty → out-of-band changes → import → destroy → checks.

#![allow(dead_code)] // each test file uses the parts it needs

use serde_json::Value as Json;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::OnceLock;

pub const TOKEN: &str = "sim-token";
pub const TENANT: &str = "7d0a0a5b2c1e4f3a9b8c6d5e4f3a2b1c";
pub const ADMIN_ROLE: &str = "05784afa30c1afe1440e79d9351c7430";

/// A running `cftenant-sim`, killed when dropped.
pub struct Sim {
    child: Child,
    /// e.g. `http://127.0.0.1:40123/client/v4`
    pub api: String,
    /// e.g. `http://127.0.0.1:40123`
    pub root: String,
    http: reqwest::blocking::Client,
}

impl Sim {
    pub fn start(extra_args: &[&str]) -> Sim {
        Sim::start_on("127.0.0.1:0", extra_args)
    }

    /// Starts the simulator on a given address, e.g. to restart it on the
    /// port an earlier one used (`Sim::port`).
    pub fn start_on(listen: &str, extra_args: &[&str]) -> Sim {
        let mut child = Command::new(env!("CARGO_BIN_EXE_cftenant-sim"))
            .args(["--listen", listen])
            .args(extra_args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start cftenant-sim");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("sim stdout"))
            .read_line(&mut line)
            .expect("read sim banner");
        let api = line
            .trim()
            .strip_prefix("cftenant-sim listening on ")
            .unwrap_or_else(|| panic!("unexpected simulator banner: {line:?}"))
            .to_string();
        let root = api.trim_end_matches("/client/v4").to_string();
        // reqwest is built without a default rustls crypto provider.
        cftenant::install_crypto_provider();
        Sim {
            child,
            api,
            root,
            http: reqwest::blocking::Client::new(),
        }
    }

    /// The port the simulator listens on.
    pub fn port(&self) -> u16 {
        self.root
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("no port in {}", self.root))
    }

    /// Calls an admin endpoint (`/__sim/...`, e.g. `POST /__sim/faults`) and
    /// returns its JSON. Panics unless it answers 2xx.
    pub fn admin(&self, method: &str, path: &str, body: Option<Json>) -> Json {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut req = self
            .http
            .request(method.clone(), format!("{}/__sim{}", self.root, path));
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req
            .send()
            .unwrap_or_else(|e| panic!("{method} /__sim{path}: {e}"));
        let status = resp.status();
        let json: Json = resp
            .json()
            .unwrap_or_else(|e| panic!("{method} /__sim{path}: {e}"));
        assert!(
            status.is_success(),
            "{method} /__sim{path} answered {status}: {json}"
        );
        json
    }

    /// Everything the simulator stores (`GET /__sim/state`).
    pub fn state(&self) -> Json {
        self.http
            .get(format!("{}/__sim/state", self.root))
            .send()
            .and_then(|r| r.json())
            .expect("sim state")
    }

    /// Objects of one kind in the simulator (`accounts`, `zones`, …).
    pub fn objects(&self, kind: &str) -> Vec<Json> {
        self.state()[kind].as_array().cloned().unwrap_or_default()
    }

    pub fn object(&self, kind: &str, id: &str) -> Option<Json> {
        self.objects(kind).into_iter().find(|o| o["id"] == id)
    }

    /// Request counts by method and path template (`GET /__sim/stats`).
    pub fn stats(&self) -> Json {
        self.http
            .get(format!("{}/__sim/stats", self.root))
            .send()
            .and_then(|r| r.json())
            .expect("sim stats")
    }

    /// Calls the simulated API directly, as something outside Terraform
    /// would. Panics unless the API answers with success.
    pub fn api(&self, method: &str, path: &str, body: Option<Json>) -> Json {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut req = self
            .http
            .request(method.clone(), format!("{}{}", self.api, path))
            .bearer_auth(TOKEN);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp: Json = req.send().and_then(|r| r.json()).expect("sim API call");
        assert_eq!(resp["success"], true, "{method} {path} failed: {resp}");
        resp["result"].clone()
    }
}

impl Sim {
    /// Kills the simulator with SIGKILL (no clean shutdown, like a crash)
    /// and reaps it; returns how it ended. Dropping it afterwards is harmless.
    pub fn kill9(&mut self) -> std::process::ExitStatus {
        let _ = self.child.kill(); // SIGKILL on Unix
        self.child.wait().expect("reap cftenant-sim")
    }

    /// The simulator's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn terraform_checked() -> &'static str {
    static CHECK: OnceLock<()> = OnceLock::new();
    CHECK.get_or_init(|| {
        let ok = Command::new("terraform").arg("version").output().map(|o| o.status.success()).unwrap_or(false);
        assert!(ok, "the end-to-end tests need the `terraform` CLI (1.11) on the PATH; install it (e.g. with .ci/run) and run again");
    });
    "terraform"
}

pub fn testdata(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/e2e/testdata")
        .join(name)
}

/// A Terraform working directory bound to one simulator.
pub struct Workspace {
    pub dir: tempfile::TempDir,
    cli_config: PathBuf,
    api: String,
    pub vars: BTreeMap<String, String>,
    pub extra_env: Vec<(String, String)>,
    /// Variables removed from terraform's environment after everything
    /// above is set (e.g. the harness's own CLOUDFLARE_API_TOKEN).
    removed_env: Vec<String>,
}

impl Workspace {
    pub fn new(sim: &Sim) -> Workspace {
        let dir = tempfile::Builder::new()
            .prefix("cftenant-e2e-")
            .tempdir()
            .unwrap();
        let provider_dir = Path::new(env!("CARGO_BIN_EXE_terraform-provider-cftenant"))
            .parent()
            .unwrap()
            .to_path_buf();
        let cli_config = dir.path().join("terraform.tfrc");
        std::fs::write(
            &cli_config,
            format!(
                "provider_installation {{\n  dev_overrides {{\n    \"cftenant/cftenant\" = {:?}\n  }}\n}}\ndisable_checkpoint = true\n",
                provider_dir.display().to_string()
            ),
        )
        .unwrap();
        Workspace {
            dir,
            cli_config,
            api: sim.api.clone(),
            vars: BTreeMap::new(),
            extra_env: Vec::new(),
            removed_env: Vec::new(),
        }
    }

    /// Runs terraform without this environment variable, even one the
    /// harness sets itself (e.g. `CLOUDFLARE_API_TOKEN`); `env_restore` undoes it.
    pub fn env_remove(&mut self, name: &str) {
        self.removed_env.push(name.to_string());
    }

    pub fn env_restore(&mut self, name: &str) {
        self.removed_env.retain(|n| n != name);
    }

    /// Replaces the configuration with a file from tests/e2e/testdata (plus
    /// the shared provider block).
    pub fn use_config(&self, name: &str) {
        let hcl = std::fs::read_to_string(testdata(name))
            .unwrap_or_else(|e| panic!("testdata/{name}: {e}"));
        self.write_config(&hcl);
    }

    /// Replaces the configuration with the `.tf` files of a directory of the
    /// repository (e.g. an example), adding the shared provider block only
    /// when the directory declares none.
    pub fn use_dir(&self, dir: &Path) {
        self.clear_config();
        let mut declares_provider = false;
        for entry in std::fs::read_dir(dir).unwrap() {
            let p = entry.unwrap().path();
            if p.extension().is_some_and(|e| e == "tf") {
                let hcl = std::fs::read_to_string(&p).unwrap();
                declares_provider |= hcl.contains("required_providers");
                std::fs::write(self.dir.path().join(p.file_name().unwrap()), hcl).unwrap();
            }
        }
        if !declares_provider {
            std::fs::write(
                self.dir.path().join("provider.tf"),
                std::fs::read_to_string(testdata("provider.tf")).unwrap(),
            )
            .unwrap();
        }
    }

    fn clear_config(&self) {
        for entry in std::fs::read_dir(self.dir.path()).unwrap() {
            let p = entry.unwrap().path();
            if p.extension().is_some_and(|e| e == "tf") {
                std::fs::remove_file(p).unwrap();
            }
        }
    }

    /// Replaces the configuration with these files (name, content), without
    /// the shared provider block: for configurations that declare their own.
    pub fn write_files(&self, files: &[(&str, &str)]) {
        self.clear_config();
        for (name, content) in files {
            std::fs::write(self.dir.path().join(name), content).unwrap();
        }
    }

    pub fn write_config(&self, hcl: &str) {
        self.clear_config();
        std::fs::write(
            self.dir.path().join("provider.tf"),
            std::fs::read_to_string(testdata("provider.tf")).unwrap(),
        )
        .unwrap();
        std::fs::write(self.dir.path().join("main.tf"), hcl).unwrap();
    }

    /// Runs terraform with the environment every test uses: our CLI config
    /// (overriding any the machine has), no checkpoint calls, the simulator
    /// as API and its token as credentials.
    pub fn terraform(&self, args: &[&str]) -> Output {
        let mut cmd = Command::new(terraform_checked());
        cmd.args(args).current_dir(self.dir.path());
        for (k, _) in std::env::vars() {
            if k.starts_with("CLOUDFLARE_") || k.starts_with("TF_") {
                cmd.env_remove(k);
            }
        }
        cmd.env("TF_CLI_CONFIG_FILE", &self.cli_config)
            .env("CHECKPOINT_DISABLE", "1")
            .env("TF_IN_AUTOMATION", "1")
            .env("CLOUDFLARE_API_TOKEN", TOKEN)
            .env("CLOUDFLARE_BASE_URL", &self.api);
        for (k, v) in &self.vars {
            cmd.env(format!("TF_VAR_{k}"), v);
        }
        for (k, v) in &self.extra_env {
            cmd.env(k, v);
        }
        for k in &self.removed_env {
            cmd.env_remove(k);
        }
        cmd.output().expect("run terraform")
    }

    /// Runs terraform and insists on success.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.terraform(args);
        let text = output_text(&out);
        assert!(
            out.status.success(),
            "terraform {} failed:\n{text}",
            args.join(" ")
        );
        assert!(!text.contains("panicked"), "the provider panicked:\n{text}");
        text
    }

    pub fn apply(&self) -> String {
        self.ok(&["apply", "-auto-approve", "-input=false", "-no-color"])
    }

    /// `terraform plan -detailed-exitcode`: 0 = no changes, 2 = changes.
    pub fn plan(&self) -> (i32, String) {
        let out = self.terraform(&["plan", "-detailed-exitcode", "-input=false", "-no-color"]);
        let text = output_text(&out);
        assert!(!text.contains("panicked"), "the provider panicked:\n{text}");
        (out.status.code().unwrap_or(-1), text)
    }

    pub fn assert_plan_empty(&self) {
        let (code, text) = self.plan();
        assert_eq!(code, 0, "expected an empty plan, got:\n{text}");
    }

    /// The state's resources, by address, as `terraform show -json` gives them.
    pub fn state(&self) -> BTreeMap<String, Json> {
        let show = self.json(&["show", "-json", "-no-color"]);
        let mut out = BTreeMap::new();
        let mut modules = vec![show["values"]["root_module"].clone()];
        while let Some(m) = modules.pop() {
            for r in m["resources"].as_array().cloned().unwrap_or_default() {
                out.insert(
                    r["address"].as_str().unwrap().to_string(),
                    r["values"].clone(),
                );
            }
            modules.extend(m["child_modules"].as_array().cloned().unwrap_or_default());
        }
        out
    }

    /// One resource's attributes in state.
    pub fn resource(&self, address: &str) -> Json {
        self.state()
            .remove(address)
            .unwrap_or_else(|| panic!("{address} is not in the state"))
    }

    pub fn outputs(&self) -> Json {
        self.json(&["output", "-json", "-no-color"])
    }

    /// Runs a terraform command that prints JSON on stdout, and parses it.
    fn json(&self, args: &[&str]) -> Json {
        let out = self.terraform(args);
        assert!(
            out.status.success(),
            "terraform {} failed:\n{}",
            args.join(" "),
            output_text(&out)
        );
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "terraform {}: {e}\n{}",
                args.join(" "),
                String::from_utf8_lossy(&out.stdout)
            )
        })
    }
}

/// Terraform's output with its line wrapping undone (runs of whitespace
/// become one space), so checks can look for whole sentences.
pub fn output_text(out: &Output) -> String {
    let raw = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    raw.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The shared test context: a simulator, a workspace, and ids tests remember.
pub struct Ctx {
    pub sim: Sim,
    pub ws: Workspace,
}

impl Ctx {
    pub fn new() -> Ctx {
        Ctx::with_sim_args(&[])
    }

    pub fn with_sim_args(args: &[&str]) -> Ctx {
        let sim = Sim::start(args);
        let ws = Workspace::new(&sim);
        Ctx { sim, ws }
    }

    pub fn set_var(&mut self, k: &str, v: &str) {
        self.ws.vars.insert(k.to_string(), v.to_string());
    }
}

pub type Check = Box<dyn Fn(&mut Ctx)>;

/// One step of a resource test.
pub enum Step {
    /// Use this testdata configuration, apply it, check, and require that a
    /// second plan is empty.
    Apply(&'static str, Check),
    /// Switch to this configuration without applying it.
    UseConfig(&'static str),
    /// With the current configuration, the next plan must propose changes
    /// whose text contains all of these (e.g. "will be created").
    PlanShows(&'static [&'static str]),
    /// With this configuration, plan must fail naming all of these.
    PlanFails(&'static str, &'static [&'static str]),
    /// With this configuration, apply must fail naming all of these.
    ApplyFails(&'static str, &'static [&'static str]),
    /// Change things behind Terraform's back (drift), or prepare ids.
    OutOfBand(Check),
    /// Forget ADDRESS from the state and `terraform import ADDRESS ID` it:
    /// the imported attributes must equal the forgotten ones (when there
    /// were any) and the plan afterwards must be empty; then check.
    Import {
        address: &'static str,
        id: Box<dyn Fn(&Ctx) -> String>,
        check: Check,
    },
    /// `terraform destroy`, then check (the simulator must be empty of it).
    Destroy(Check),
}

pub fn check(f: impl Fn(&mut Ctx) + 'static) -> Check {
    Box::new(f)
}

/// Runs the steps in order against a fresh simulator and workspace.
pub fn run(steps: Vec<Step>) {
    run_with(Ctx::new(), steps)
}

pub fn run_with(mut ctx: Ctx, steps: Vec<Step>) {
    for (i, step) in steps.into_iter().enumerate() {
        let n = i + 1;
        match step {
            Step::Apply(config, check) => {
                ctx.ws.use_config(config);
                ctx.ws.apply();
                let (code, text) = ctx.ws.plan();
                assert_eq!(
                    code, 0,
                    "step {n}: plan after applying {config} is not empty:\n{text}"
                );
                check(&mut ctx);
            }
            Step::UseConfig(config) => ctx.ws.use_config(config),
            Step::PlanShows(needles) => {
                let (code, text) = ctx.ws.plan();
                assert_eq!(
                    code, 2,
                    "step {n}: expected changes, got exit code {code}:\n{text}"
                );
                for needle in needles {
                    assert!(
                        text.contains(needle),
                        "step {n}: plan does not mention {needle:?}:\n{text}"
                    );
                }
            }
            Step::PlanFails(config, needles) => {
                ctx.ws.use_config(config);
                let (code, text) = ctx.ws.plan();
                assert_eq!(
                    code, 1,
                    "step {n}: expected {config} to fail at plan, got exit code {code}:\n{text}"
                );
                for needle in needles {
                    assert!(
                        text.contains(needle),
                        "step {n}: the error does not mention {needle:?}:\n{text}"
                    );
                }
            }
            Step::ApplyFails(config, needles) => {
                ctx.ws.use_config(config);
                let out =
                    ctx.ws
                        .terraform(&["apply", "-auto-approve", "-input=false", "-no-color"]);
                let text = output_text(&out);
                assert!(
                    !out.status.success(),
                    "step {n}: expected applying {config} to fail:\n{text}"
                );
                assert!(
                    !text.contains("panicked"),
                    "step {n}: the provider panicked:\n{text}"
                );
                for needle in needles {
                    assert!(
                        text.contains(needle),
                        "step {n}: the error does not mention {needle:?}:\n{text}"
                    );
                }
            }
            Step::OutOfBand(f) => f(&mut ctx),
            Step::Import { address, id, check } => {
                let id = id(&ctx);
                // Like ImportStateVerify: forget the object, import it by id,
                // and require the same attributes and an empty plan.
                let before = ctx.ws.state().remove(address);
                if before.is_some() {
                    ctx.ws.ok(&["state", "rm", "-no-color", address]);
                }
                ctx.ws
                    .ok(&["import", "-input=false", "-no-color", address, &id]);
                if let Some(before) = before {
                    let after = ctx.ws.resource(address);
                    assert_eq!(after, before, "step {n}: importing {address} ({id}) gives other attributes than create/read did");
                }
                let (code, text) = ctx.ws.plan();
                assert_eq!(
                    code, 0,
                    "step {n}: plan after importing {address} ({id}) is not empty:\n{text}"
                );
                check(&mut ctx);
            }
            Step::Destroy(check) => {
                ctx.ws
                    .ok(&["destroy", "-auto-approve", "-input=false", "-no-color"]);
                assert!(
                    ctx.ws.state().is_empty(),
                    "step {n}: state not empty after destroy"
                );
                check(&mut ctx);
            }
        }
    }
}
