//! The end-to-end harness: a simulator on a free loopback port, a Terraform
//! working directory whose CLI configuration points `cftenant/cftenant` at
//! the provider binary cargo just built (never the network), and steps in
//! the shape of terraform-plugin-testing: config → apply → checks → plan is
//! empty → out-of-band changes → import → destroy → checks.

#![allow(dead_code)] // each test file uses the parts it needs

use serde_json::Value as Json;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

pub use cftenant_testing::{Sim, ADMIN_ROLE, TENANT, TOKEN};

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
            api: sim.base_url.clone(),
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

    /// Authenticates as the tenant administrator with email and global
    /// API key (`CLOUDFLARE_EMAIL`, `CLOUDFLARE_API_KEY`) instead of the
    /// harness's API token.
    pub fn use_global_key(&mut self) {
        self.env_remove("CLOUDFLARE_API_TOKEN");
        self.extra_env = vec![
            (
                "CLOUDFLARE_EMAIL".into(),
                cftenant_testing::ADMIN_EMAIL.into(),
            ),
            (
                "CLOUDFLARE_API_KEY".into(),
                cftenant_testing::ADMIN_KEY.into(),
            ),
        ];
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

    /// Replaces the configuration with this HCL, adding the shared provider
    /// block only when it declares none.
    pub fn write_config(&self, hcl: &str) {
        self.clear_config();
        if !hcl.contains("required_providers") {
            std::fs::write(
                self.dir.path().join("provider.tf"),
                std::fs::read_to_string(testdata("provider.tf")).unwrap(),
            )
            .unwrap();
        }
        std::fs::write(self.dir.path().join("main.tf"), hcl).unwrap();
    }

    /// Runs terraform with the environment every test uses: our CLI config
    /// (overriding any the machine has), no checkpoint calls, the simulator
    /// as API and its token as credentials.
    pub fn terraform(&self, args: &[&str]) -> Output {
        let mut cmd = Command::new(terraform_checked());
        cmd.args(args).current_dir(self.dir.path());
        for (k, _) in std::env::vars() {
            if k.starts_with("CLOUDFLARE_") || k.starts_with("CFTENANT_") || k.starts_with("TF_") {
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

    /// Runs terraform and insists on failure, with every needle in the
    /// output (and no panic).
    pub fn fails(&self, args: &[&str], needles: &[&str]) -> String {
        let out = self.terraform(args);
        let text = output_text(&out);
        assert!(
            !out.status.success(),
            "terraform {} succeeded:\n{text}",
            args.join(" ")
        );
        assert!(!text.contains("panicked"), "the provider panicked:\n{text}");
        for needle in needles {
            assert!(text.contains(needle), "no {needle:?} in:\n{text}");
        }
        text
    }

    pub fn apply(&self) -> String {
        self.ok(&["apply", "-auto-approve", "-input=false", "-no-color"])
    }

    /// `terraform apply -refresh=false`: planned from the state as it is.
    pub fn apply_without_refresh(&self) -> String {
        self.ok(&[
            "apply",
            "-refresh=false",
            "-auto-approve",
            "-input=false",
            "-no-color",
        ])
    }

    /// `terraform apply -refresh-only`: the state takes what the API holds.
    pub fn refresh(&self) -> String {
        self.ok(&[
            "apply",
            "-refresh-only",
            "-auto-approve",
            "-input=false",
            "-no-color",
        ])
    }

    /// `terraform plan -detailed-exitcode`: 0 = no changes, 2 = changes.
    pub fn plan(&self) -> (i32, String) {
        let out = self.terraform(&["plan", "-detailed-exitcode", "-input=false", "-no-color"]);
        let text = output_text(&out);
        assert!(!text.contains("panicked"), "the provider panicked:\n{text}");
        (out.status.code().unwrap_or(-1), text)
    }

    /// `plan -refresh=false` (what create/update returned equals what was
    /// planned), `plan` (what a read returns equals it too) and `plan
    /// -refresh-only` (a drift check finds no drift) are all empty.
    pub fn assert_plan_empty(&self) {
        self.assert_plans_empty(&["-refresh=false", "-refresh=true", "-refresh-only"]);
    }

    /// [`Self::assert_plan_empty`] without its refresh-only plan, for a
    /// state knowingly behind what a refresh would record: right after an
    /// import (which records no dependencies), or after an answer replayed
    /// from a recording that differs from what the simulator then reads.
    pub fn assert_config_plan_empty(&self) {
        self.assert_plans_empty(&["-refresh=false", "-refresh=true"]);
    }

    fn assert_plans_empty(&self, modes: &[&str]) {
        for &refresh in modes {
            let out = self.terraform(&[
                "plan",
                refresh,
                "-detailed-exitcode",
                "-input=false",
                "-no-color",
            ]);
            let text = output_text(&out);
            assert!(!text.contains("panicked"), "the provider panicked:\n{text}");
            assert_eq!(
                out.status.code(),
                Some(0),
                "expected an empty plan ({refresh}), got:\n{text}"
            );
        }
    }

    /// The planned changes, from `terraform show -json` of a saved plan.
    pub fn planned_changes(&self) -> PlannedChanges {
        let out = self.terraform(&["plan", "-input=false", "-no-color", "-out=harness.tfplan"]);
        assert!(
            out.status.success(),
            "terraform plan failed:\n{}",
            output_text(&out)
        );
        let plan = self.json(&["show", "-json", "-no-color", "harness.tfplan"]);
        let _ = std::fs::remove_file(self.dir.path().join("harness.tfplan"));
        PlannedChanges(
            plan["resource_changes"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .filter(|rc| rc["mode"] == "managed")
                .map(|rc| {
                    (
                        rc["address"].as_str().unwrap().to_string(),
                        rc["change"].clone(),
                    )
                })
                .collect(),
        )
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

    /// One resource's `id` in state.
    pub fn id_of(&self, address: &str) -> String {
        self.resource(address)["id"]
            .as_str()
            .unwrap_or_else(|| panic!("{address} has no id in the state"))
            .to_string()
    }

    pub fn outputs(&self) -> Json {
        self.json(&["output", "-json", "-no-color"])
    }

    /// Runs a terraform command that prints JSON on stdout, and parses it.
    pub fn json(&self, args: &[&str]) -> Json {
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

    /// [`Step::Vars`]: sets each, or unsets it where the value is `"null"`.
    pub fn set_vars(&mut self, vars: &[(&str, &str)]) {
        for (k, v) in vars {
            match *v {
                "null" => self.ws.vars.remove(*k),
                v => self.ws.vars.insert(k.to_string(), v.to_string()),
            };
        }
    }

    /// Destroys everything and checks the API no longer holds it
    /// ([`destroy_and_check`]).
    pub fn destroy(&self) {
        destroy_and_check(&self.ws, &self.sim);
    }
}

/// `terraform destroy`, then: the state is empty, and the simulator's whole
/// inventory is as the state says it should be ([`cftenant_testing::destroy`]):
/// every object the state held is gone (a zone subscription may be left on
/// the free plan; a service user stays, as Cloudflare cannot delete users),
/// every object it did not hold is still there unchanged, and nothing new
/// appeared. Each resource type's check is registered in
/// `testing/src/destroy.rs`; a type without one fails here, naming it.
pub fn destroy_and_check(ws: &Workspace, sim: &Sim) {
    let state = ws.state();
    let before = sim.inventory();
    ws.ok(&["destroy", "-auto-approve", "-input=false", "-no-color"]);
    assert!(ws.state().is_empty(), "state not empty after destroy");
    let after = sim.inventory();
    if let Err(problems) = cftenant_testing::destroy::check(&state, &before, &after) {
        panic!(
            "the destroy left the API otherwise than the state said it would:\n- {}",
            problems.join("\n- ")
        );
    }
}

/// Whether an imported object's attributes are those it had in state: the
/// same values, or spellings the schema declares equivalent (an import
/// holds the API's `business` where the configuration said `PARTNERS_BIZ`;
/// there is no configured spelling to keep).
pub fn same_attributes(address: &str, before: &Json, after: &Json) -> Result<(), String> {
    let resource_type = address
        .split('.')
        .find(|s| s.starts_with("cftenant_"))
        .unwrap_or_else(|| panic!("{address}: no resource type"));
    let schema = cftenant::provider::CftenantProvider::plugin().resources[resource_type]
        .schema()
        .clone();
    let (Some(b), Some(a)) = (before.as_object(), after.as_object()) else {
        return Err("not objects".into());
    };
    let mut differs = Vec::new();
    for (name, was) in b {
        let now = &a[name];
        let attribute = schema.attributes.iter().find(|x| x.name == name);
        // What the configuration sets is recorded by applies; an import has
        // no configuration to record (ImportStateVerifyIgnore, in effect).
        if attribute.is_some_and(|x| x.records_configuration) {
            continue;
        }
        let equivalent = match (was, now, attribute) {
            (Json::String(x), Json::String(y), Some(attr)) => {
                attr.equivalent.is_some_and(|same| same(x, y))
            }
            _ => false,
        };
        if was != now && !equivalent {
            differs.push(format!("{name}: {was} then {now}"));
        }
    }
    if differs.is_empty() && a.len() == b.len() {
        Ok(())
    } else {
        Err(differs.join("; "))
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
    /// Set these input variables (as `TF_VAR_*`) for the steps that
    /// follow; `"null"` unsets one, so that its default applies.
    Vars(&'static [(&'static str, &'static str)]),
    /// With the current configuration, the next plan must propose exactly
    /// these changes (by resource, from the JSON plan), with these totals
    /// (to add, to change, to destroy).
    Plans(Vec<Planned>, (usize, usize, usize)),
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

/// The changes of a saved plan: each managed resource's `change` object of
/// `terraform show -json`, by address.
#[derive(Debug)]
pub struct PlannedChanges(pub BTreeMap<String, Json>);

/// What a resource's actions amount to.
fn action_of(change: &Json) -> &'static str {
    let actions: Vec<&str> = change["actions"]
        .as_array()
        .map(|a| a.iter().filter_map(Json::as_str).collect())
        .unwrap_or_default();
    match actions.as_slice() {
        ["create"] => "create",
        ["update"] => "update",
        ["delete"] => "delete",
        ["delete", "create"] | ["create", "delete"] => "replace",
        ["no-op"] => "no-op",
        ["read"] => "read",
        _ => "unexpected",
    }
}

impl PlannedChanges {
    /// (to add, to change, to destroy), as Terraform counts them.
    pub fn totals(&self) -> (usize, usize, usize) {
        let mut t = (0, 0, 0);
        for change in self.0.values() {
            match action_of(change) {
                "create" => t.0 += 1,
                "update" => t.1 += 1,
                "delete" => t.2 += 1,
                "replace" => {
                    t.0 += 1;
                    t.2 += 1
                }
                _ => {}
            }
        }
        t
    }
}

/// One expected change: an action on a resource, and attribute values
/// before and after it (a path such as `component_values.0.value`).
pub struct Planned {
    address: &'static str,
    action: &'static str,
    attributes: Vec<(&'static str, Json, Json)>,
    replaced_by: Vec<&'static str>,
}

/// `action` is `create`, `update`, `replace` or `delete`.
pub fn planned(address: &'static str, action: &'static str) -> Planned {
    Planned {
        address,
        action,
        attributes: Vec::new(),
        replaced_by: Vec::new(),
    }
}

fn at<'a>(v: &'a Json, path: &str) -> &'a Json {
    path.split('.')
        .fold(v, |v, step| match step.parse::<usize>() {
            Ok(i) => &v[i],
            Err(_) => &v[step],
        })
}

impl Planned {
    /// The attribute goes from `before` to `after`.
    pub fn attr(mut self, path: &'static str, before: Json, after: Json) -> Planned {
        self.attributes.push((path, before, after));
        self
    }

    /// A replacement that this attribute forces.
    pub fn forced_by(mut self, attribute: &'static str) -> Planned {
        self.replaced_by.push(attribute);
        self
    }

    fn check(&self, n: usize, changes: &PlannedChanges) {
        let change = changes.0.get(self.address).unwrap_or_else(|| {
            panic!(
                "step {n}: {} is not in the plan: {changes:#?}",
                self.address
            )
        });
        assert_eq!(
            action_of(change),
            self.action,
            "step {n}: {}: {change:#}",
            self.address
        );
        for (path, before, after) in &self.attributes {
            assert_eq!(
                at(&change["before"], path),
                before,
                "step {n}: {}.{path} before",
                self.address
            );
            assert_eq!(
                at(&change["after"], path),
                after,
                "step {n}: {}.{path} after",
                self.address
            );
        }
        for attribute in &self.replaced_by {
            let paths = change["replace_paths"].to_string();
            assert!(
                paths.contains(&format!("\"{attribute}\"")),
                "step {n}: {} is not replaced because of {attribute}: {paths}",
                self.address
            );
        }
    }
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
                for refresh in ["-refresh=false", "-refresh=true"] {
                    let out = ctx.ws.terraform(&[
                        "plan",
                        refresh,
                        "-detailed-exitcode",
                        "-input=false",
                        "-no-color",
                    ]);
                    assert_eq!(
                        out.status.code(),
                        Some(0),
                        "step {n}: plan {refresh} after applying {config} is not empty:\n{}",
                        output_text(&out)
                    );
                }
                check(&mut ctx);
            }
            Step::UseConfig(config) => ctx.ws.use_config(config),
            Step::Vars(vars) => ctx.set_vars(vars),
            Step::Plans(expected, totals) => {
                let changes = ctx.ws.planned_changes();
                assert_eq!(
                    changes.totals(),
                    totals,
                    "step {n}: planned (add, change, destroy) differs: {changes:#?}"
                );
                for e in &expected {
                    e.check(n, &changes);
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
                    if let Err(differs) = same_attributes(address, &before, &after) {
                        panic!("step {n}: importing {address} ({id}) gives other attributes than create/read did: {differs}\nbefore: {before:#}\nafter: {after:#}");
                    }
                }
                let (code, text) = ctx.ws.plan();
                assert_eq!(
                    code, 0,
                    "step {n}: plan after importing {address} ({id}) is not empty:\n{text}"
                );
                check(&mut ctx);
            }
            Step::Destroy(check) => {
                ctx.destroy();
                check(&mut ctx);
            }
        }
    }
    // Every test ends destroyed, and checked.
    if !ctx.ws.state().is_empty() {
        ctx.destroy();
    }
}
