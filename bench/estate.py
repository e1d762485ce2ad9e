#!/usr/bin/env python3
"""A partner's estate under Cloudflare's budget: one state under one
credential, against K states each run under its customers' own service users.

Run through bench/estate.sh, which builds the release binaries first.

Each customer is an account, a service user, the service user's membership
of the account (Administrator, accepted), a zone and the zone's rate plan.
Two layouts of the same N customers, each against a simulator of its own
with a request budget per credential (--rate-limit; Cloudflare's is 1,200
requests per 5 minutes per user):

- one: a single root module and state, every resource under the tenant
  administrator's global key (the service users' own reads, GET /user, are
  made with their own keys whatever the layout);
- split: the recipe of docs/guides/one-service-user-per-customer.md,
  section 4. A tenant state (accounts, service users, memberships) under the
  tenant administrator, whose outputs configure K customer states; each
  holds N/K customers, one provider alias per customer configured from its
  service user, calling the customer module (zone and rate plan) through
  it. The K states run in parallel.

For each layout: terraform apply, then a no-change terraform plan
(-detailed-exitcode 0), both timed. The split plan runs the tenant state and
the K customer states at once (none reads the others' state). Figures: wall
time, API requests and 429s (the simulator's /__sim/stats), by credential,
and Terraform's peak RSS (/usr/bin/time -v; for the split layout, the
largest single terraform process and the sum over the processes that ran at
once). The simulator is restarted on its state file before each timed plan:
a fresh window for every credential.

Only the standard library is used. Terraform never touches the network: a
CLI config with dev_overrides and disable_checkpoint, CHECKPOINT_DISABLE=1.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import PROVIDER, Sim, cli_config, loadavg, log, machine  # noqa: E402

ADMIN_EMAIL = "sim@example.com"
ADMIN_KEY = "sim-key"
ADMINISTRATOR_ROLE = "05784afa30c1afe1440e79d9351c7430"
TIME = "/usr/bin/time"

TERRAFORM_BLOCK = """terraform {
  required_providers {
    cftenant = { source = "cftenant/cftenant" }
  }
}
"""


def customers(n: int) -> list[str]:
    return [f"c{i:04d}" for i in range(n)]


# --------------------------------------------------------------------------
# The configurations


def tenant_resources(n: int) -> str:
    """Accounts, service users and memberships: the tenant administrator's."""
    return f"""
locals {{
  customers = toset([for i in range({n}) : format("c%04d", i)])
}}

resource "cftenant_account" "c" {{
  for_each = local.customers
  name     = "estate-${{each.key}}"
}}

resource "cftenant_service_user" "c" {{
  for_each = local.customers
  email    = "automation-${{each.key}}@estate-example.com"
}}

resource "cftenant_account_member" "c" {{
  for_each   = local.customers
  account_id = cftenant_account.c[each.key].id
  email      = cftenant_service_user.c[each.key].email
  roles      = ["{ADMINISTRATOR_ROLE}"]
  status     = "accepted"
}}
"""


def one_state(n: int) -> str:
    return TERRAFORM_BLOCK + '\nprovider "cftenant" {}\n' + tenant_resources(n) + """
resource "cftenant_zone" "c" {
  for_each   = local.customers
  account_id = cftenant_account.c[each.key].id
  name       = "${each.key}-estate-example.com"
}

resource "cftenant_zone_subscription" "c" {
  for_each     = local.customers
  zone_id      = cftenant_zone.c[each.key].id
  rate_plan_id = "PARTNERS_PRO"
}
"""


def tenant_state(n: int) -> str:
    return TERRAFORM_BLOCK + '\nprovider "cftenant" {}\n' + tenant_resources(n) + """
output "customers" {
  value = {
    for k, a in cftenant_account.c : k => {
      account_id = a.id
      email      = cftenant_service_user.c[k].email
    }
  }
  # Only known once the memberships exist: the customer states act through them.
  depends_on = [cftenant_account_member.c]
}

output "api_keys" {
  value     = { for k, u in cftenant_service_user.c : k => u.api_key }
  sensitive = true
}
"""


CUSTOMER_MODULE = TERRAFORM_BLOCK + """
variable "account_id" {
  type = string
}

variable "domain" {
  type = string
}

resource "cftenant_zone" "primary" {
  account_id = var.account_id
  name       = var.domain
}

resource "cftenant_zone_subscription" "primary" {
  zone_id      = cftenant_zone.primary.id
  rate_plan_id = "PARTNERS_PRO"
}
"""


def customer_state(keys: list[str]) -> str:
    """One provider alias per customer, configured from its service user,
    and the customer module called through it."""
    out = TERRAFORM_BLOCK + """
variable "customers" {
  type = map(object({ account_id = string, email = string }))
}

variable "api_keys" {
  type      = map(string)
  sensitive = true
}
"""
    for k in keys:
        out += f"""
provider "cftenant" {{
  alias   = "{k}"
  email   = var.customers["{k}"].email
  api_key = var.api_keys["{k}"]
}}

module "{k}" {{
  source     = "../../modules/customer"
  providers  = {{ cftenant = cftenant.{k} }}
  account_id = var.customers["{k}"].account_id
  domain     = "{k}-estate-example.com"
}}
"""
    return out


def write(path: Path, text: str):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


# --------------------------------------------------------------------------
# Running terraform


class Run:
    """One terraform process under /usr/bin/time -v."""

    def __init__(self, cwd: Path, args: list[str], env: dict, work: Path):
        self.cwd, self.args = cwd, args
        self.timefile = work / f"time-{time.monotonic_ns()}"
        self.log = work / f"out-{time.monotonic_ns()}"
        self.proc = subprocess.Popen(
            [TIME, "-v", "-o", str(self.timefile), "terraform", *args, "-no-color"],
            cwd=cwd, env=env, stdout=open(self.log, "wb"), stderr=subprocess.STDOUT)

    def wait(self) -> int:
        """Waits; returns Terraform's peak RSS in kB."""
        code = self.proc.wait()
        if code != 0:
            sys.stderr.write(self.log.read_text(errors="replace")[-4000:])
            raise SystemExit(f"terraform {' '.join(self.args)} in {self.cwd} exited {code}")
        m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", self.timefile.read_text())
        if not m:
            raise SystemExit(f"no peak RSS in {self.timefile}")
        return int(m.group(1))


def run_all(runs_of) -> dict:
    """Starts the runs `runs_of()` makes at once, waits for all of them;
    wall time from the first start to the last end."""
    t0 = time.perf_counter()
    runs = runs_of()
    peaks = [r.wait() for r in runs]
    return {"wall_s": time.perf_counter() - t0, "rss_max_kb": max(peaks), "rss_sum_kb": sum(peaks),
            "processes": len(peaks)}


class Estate:
    def __init__(self, args, work: Path):
        self.args, self.work = args, work
        release = args.repo / "target" / "release"
        self.sim_bin = release / "cftenant-sim"
        self.cli = work / "terraform.tfrc"
        cli_config(self.cli, release)
        self.sim = None

    def start_sim(self, state_file: Path):
        self.sim = Sim(self.sim_bin, self.work / "sim.log", [
            "--state", str(state_file), "--rate-limit", self.args.budget,
            "--strict-auth", "--allow-auto-accept-invites"])

    def stop_sim(self):
        self.sim.stop()
        self.sim = None

    def env(self) -> dict:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TF_", "CLOUDFLARE_", "CFTENANT_", "PLUGIN_"))}
        env.update({
            "TF_CLI_CONFIG_FILE": str(self.cli),
            "CHECKPOINT_DISABLE": "1",
            "TF_IN_AUTOMATION": "1",
            # The tenant administrator, as the guide advises: email and
            # global key. The customers' providers set their own.
            "CLOUDFLARE_EMAIL": ADMIN_EMAIL,
            "CLOUDFLARE_API_KEY": ADMIN_KEY,
            "CLOUDFLARE_BASE_URL": self.sim.api,
        })
        return env

    def tf(self, d: Path, *args) -> Run:
        return Run(d, list(args), self.env(), self.work)

    def apply_args(self):
        return ["apply", "-auto-approve", "-input=false", f"-parallelism={self.args.parallelism}"]

    def plan_args(self):
        # -detailed-exitcode: 0 = no changes; 2 would be a perpetual diff.
        return ["plan", "-detailed-exitcode", "-input=false", f"-parallelism={self.args.parallelism}"]

    def requests(self) -> dict:
        s = self.sim.admin("GET", "/__sim/stats")
        callers = s.get("callers", {})
        users = [v for k, v in callers.items() if k.startswith("service user")]
        return {"total": s["total"], "429": s.get("statuses", {}).get("429", 0),
                "admin": callers.get("tenant admin", 0),
                "service_users": sum(users), "max_per_service_user": max(users, default=0)}

    def measured(self, what: str, runs_of) -> dict:
        self.sim.reset_stats()
        out = run_all(runs_of)
        out.update(self.requests())
        log(f"{what}: {out['wall_s']:.1f} s, {out['total']} requests ({out['admin']} as the tenant admin, "
            f"{out['429']} answered 429), terraform peak RSS {out['rss_max_kb'] / 1024:.0f} MB "
            f"({out['processes']} processes, {out['rss_sum_kb'] / 1024:.0f} MB together)")
        return out

    def one(self) -> dict:
        n = self.args.customers
        d = self.work / "one"
        write(d / "main.tf", one_state(n))
        state = self.work / "one-sim.json"
        self.start_sim(state)
        try:
            apply = self.measured(f"one state, apply of {n} customers", lambda: [self.tf(d, *self.apply_args())])
        finally:
            self.stop_sim()
        self.start_sim(state)
        try:
            plan = self.measured(f"one state, no-change plan of {n} customers",
                                 lambda: [self.tf(d, *self.plan_args())])
        finally:
            self.stop_sim()
        return {"apply": apply, "plan": plan}

    def split(self) -> dict:
        n, k = self.args.customers, self.args.states
        keys = customers(n)
        groups = [keys[i::k] for i in range(k)]
        root = self.work / "split"
        tenant = root / "tenant"
        write(tenant / "main.tf", tenant_state(n))
        write(root / "modules" / "customer" / "main.tf", CUSTOMER_MODULE)
        dirs = [root / "customers" / f"group-{i:02d}" for i in range(k)]
        for d, group in zip(dirs, groups):
            write(d / "main.tf", customer_state(group))
        state = self.work / "split-sim.json"

        self.start_sim(state)
        try:
            # Module installation (no provider installation: dev_overrides).
            run_all(lambda: [self.tf(d, "get") for d in dirs])
            t0 = time.perf_counter()
            tenant_apply = self.measured(f"split, the tenant state's apply ({n} customers)",
                                         lambda: [self.tf(tenant, *self.apply_args())])
            # The tenant state's outputs configure the customer states.
            out = subprocess.run(["terraform", "output", "-json"], cwd=tenant, env=self.env(),
                                 check=True, capture_output=True).stdout
            outputs = json.loads(out)
            for d, group in zip(dirs, groups):
                (d / "terraform.tfvars.json").write_text(json.dumps({
                    "customers": {c: outputs["customers"]["value"][c] for c in group},
                    "api_keys": {c: outputs["api_keys"]["value"][c] for c in group},
                }))
            customers_apply = self.measured(f"split, the {k} customer states' applies at once",
                                            lambda: [self.tf(d, *self.apply_args()) for d in dirs])
            apply = {"wall_s": time.perf_counter() - t0,
                     "rss_max_kb": max(tenant_apply["rss_max_kb"], customers_apply["rss_max_kb"]),
                     "rss_sum_kb": max(tenant_apply["rss_sum_kb"], customers_apply["rss_sum_kb"]),
                     "processes": 1 + customers_apply["processes"]}
            for key in ("total", "429", "admin", "service_users"):
                apply[key] = tenant_apply[key] + customers_apply[key]
            apply["max_per_service_user"] = max(tenant_apply["max_per_service_user"],
                                                customers_apply["max_per_service_user"])
        finally:
            self.stop_sim()
        self.start_sim(state)
        try:
            plan = self.measured(f"split into {k}, no-change plan (the tenant state and the {k} customer states at once)",
                                 lambda: [self.tf(d, *self.plan_args()) for d in [tenant, *dirs]])
        finally:
            self.stop_sim()
        # Each state's plan alone, as it runs day to day: the tenant state's
        # and one customer state's.
        self.start_sim(state)
        try:
            tenant_plan = self.measured("split, the tenant state's plan alone",
                                        lambda: [self.tf(tenant, *self.plan_args())])
            customer_plan = self.measured("split, one customer state's plan alone",
                                          lambda: [self.tf(dirs[0], *self.plan_args())])
        finally:
            self.stop_sim()
        return {"apply": apply, "plan": plan, "tenant_apply": tenant_apply, "customers_apply": customers_apply,
                "tenant_plan": tenant_plan, "customer_plan": customer_plan}


def mb(kb) -> str:
    return f"{kb / 1024:.0f} MB"


def report(res: dict) -> str:
    a, m = res["args"], res["machine"]
    n, k = a["customers"], a["states"]
    one, split = res["one"], res["split"]
    lines = [
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['mem_gib']} GiB; {m['terraform']}; {m['rustc']}.",
        f"Load average before / after: {res['load_before']} / {res['load_after']}. "
        f"Wall time of the run: {res['total_s'] / 60:.1f} min.",
        "",
        f"{n} customers, {5 * n} resources (each an account, a service user, its membership, a zone and the "
        f"zone's rate plan); budget {a['budget']} per credential; -parallelism={a['parallelism']}.",
        "",
        "| layout | apply | requests (as the tenant admin) | 429s | no-change plan | requests (as the tenant admin) "
        "| 429s | Terraform peak RSS, apply / plan |",
        "|---|---|---|---|---|---|---|---|",
        f"| one state, the tenant admin's key | {one['apply']['wall_s']:.1f} s | {one['apply']['total']} "
        f"({one['apply']['admin']}) | {one['apply']['429']} | {one['plan']['wall_s']:.1f} s | {one['plan']['total']} "
        f"({one['plan']['admin']}) | {one['plan']['429']} | {mb(one['apply']['rss_max_kb'])} / "
        f"{mb(one['plan']['rss_max_kb'])} |",
        f"| the tenant state, then {k} customer states in parallel, each customer under its own service user "
        f"| {split['apply']['wall_s']:.1f} s | {split['apply']['total']} ({split['apply']['admin']}) "
        f"| {split['apply']['429']} | {split['plan']['wall_s']:.1f} s | {split['plan']['total']} "
        f"({split['plan']['admin']}) | {split['plan']['429']} | {mb(split['apply']['rss_max_kb'])} / "
        f"{mb(split['plan']['rss_max_kb'])} the largest process; {mb(split['plan']['rss_sum_kb'])} for the "
        f"{split['plan']['processes']} plans at once |",
        "",
        "The split layout's parts:",
        "",
        "| part | wall time | requests | as the tenant admin | as one service user, at most | 429s "
        "| Terraform peak RSS |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, r in [
        (f"the tenant state's apply ({3 * n} resources)", split["tenant_apply"]),
        (f"the {k} customer states' applies, at once ({2 * n // k} resources or so each)", split["customers_apply"]),
        (f"the tenant state's plan alone", split["tenant_plan"]),
        (f"one customer state's plan alone ({len(customers(n)[::k])} customers)", split["customer_plan"]),
        (f"the tenant state's and the {k} customer states' plans, at once", split["plan"]),
    ]:
        rss = mb(r["rss_max_kb"]) if r["processes"] == 1 else \
            f"{mb(r['rss_max_kb'])} the largest; {mb(r['rss_sum_kb'])} together"
        lines.append(f"| {name} | {r['wall_s']:.1f} s | {r['total']} | {r['admin']} | "
                     f"{r['max_per_service_user']} | {r['429']} | {rss} |")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repo", type=Path, default=Path(__file__).resolve().parent.parent)
    ap.add_argument("--customers", type=int, default=40, help="N, customers in the estate")
    ap.add_argument("--states", type=int, default=4, help="K, customer states of the split layout")
    ap.add_argument("--budget", help="the simulator's --rate-limit, per credential (default: Cloudflare's "
                    "1200/300 scaled to N as to 1,000 customers, with a 10 s window: 1.2 N per 10 s)")
    ap.add_argument("--parallelism", type=int, default=10, help="terraform -parallelism")
    ap.add_argument("--json", type=Path, help="also write the raw results here")
    ap.add_argument("--keep", action="store_true", help="keep the working directory")
    args = ap.parse_args()
    if args.customers < 1 or not 1 <= args.states <= args.customers:
        raise SystemExit("--customers must be at least 1, and --states between 1 and --customers")
    args.budget = args.budget or f"{max(1, round(1.2 * args.customers))}/10"
    for b in (args.repo / "target" / "release" / PROVIDER, args.repo / "target" / "release" / "cftenant-sim"):
        if not b.exists():
            raise SystemExit(f"{b} is missing: run bench/estate.sh (it builds the release binaries)")
    if not shutil.which("terraform"):
        raise SystemExit("terraform is not on the PATH")
    if not Path(TIME).exists():
        raise SystemExit(f"GNU time ({TIME}, Debian package time) is needed to read Terraform's peak RSS")

    work = Path(tempfile.mkdtemp(prefix="cftenant-estate-"))
    started = time.perf_counter()
    res = {"machine": machine(), "load_before": loadavg(),
           "args": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()}}
    log(f"working in {work}; {args.customers} customers, {args.states} customer states, budget {args.budget}")
    estate = Estate(args, work)
    try:
        res["one"] = estate.one()
        res["split"] = estate.split()
    finally:
        if estate.sim:
            estate.stop_sim()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    res["load_after"] = loadavg()
    res["total_s"] = time.perf_counter() - started
    if args.json:
        args.json.write_text(json.dumps(res, indent=2))
    print(report(res))


if __name__ == "__main__":
    main()
