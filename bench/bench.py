#!/usr/bin/env python3
"""Benchmarks terraform-provider-cftenant against Terraform's own floor.

Run through bench/run.sh, which builds the release binaries first. Measures,
each as a median of several runs:

- start-up of the provider binary: spawn -> handshake line on stdout, with
  and without PLUGIN_CLIENT_CERT (AutoMTLS), and its peak RSS at idle;
- terraform apply / no-change plan (refresh included) / update / destroy of N
  cftenant_account resources against cftenant-sim, interleaved with the same
  operations on N built-in terraform_data resources (no provider process:
  the floor), for N = 10, 100, 500, plus a mixed set at N = 500 (accounts,
  zones, zone subscriptions, account subscriptions) against a terraform_data
  graph of the same shape;
- the same operations through the protocol floor: a provider that does
  nothing (bench/floor), on the same plugin framework with the same schemas,
  so the cost splits into what any plugin pays Terraform (floor vs
  terraform_data) and what our work costs (ours vs floor);
- a partner's estate: N customers of an account, a member, a zone and a
  zone subscription each, and a no-change plan with latency added to every
  request, with and without Cloudflare's budget (--rate-limit 1200/300), and
  reading one by one (CFTENANT_COALESCE_READS=0) for comparison: wall time,
  requests, 429s, and the floor requests x latency / parallelism;
- the provider's peak RSS during each operation at N = 500 (a separate,
  untimed pass through a /usr/bin/time wrapper);
- API requests per resource per operation, from the simulator's /__sim/stats;
- the simulator's own throughput for GET /zones/{id} on loopback.

Only the standard library is used. Terraform never touches the network: a
CLI config with dev_overrides and disable_checkpoint, CHECKPOINT_DISABLE=1.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import platform
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

MAGIC_COOKIE = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2"
TOKEN = "sim-token"
PROVIDER = "terraform-provider-cftenant"


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def median(xs):
    return statistics.median(xs) if xs else float("nan")


def spread(xs):
    """(min, max) as a fraction of the median, to show the noise."""
    if not xs:
        return float("nan")
    m = median(xs)
    return (max(xs) - min(xs)) / m if m else float("nan")


# --------------------------------------------------------------------------
# The simulator


class Sim:
    def __init__(self, binary: Path, logfile: Path, extra=()):
        self.proc = subprocess.Popen(
            [str(binary), "--listen", "127.0.0.1:0", *extra],
            stdout=subprocess.PIPE,
            stderr=open(logfile, "wb"),
            env={**os.environ, "RUST_LOG": "warn"},
        )
        line = self.proc.stdout.readline().decode().strip()
        prefix = "cftenant-sim listening on "
        if not line.startswith(prefix):
            raise SystemExit(f"unexpected simulator banner: {line!r}")
        self.api = line[len(prefix):]
        self.root = self.api[: -len("/client/v4")]
        host_port = self.root[len("http://"):]
        self.host, port = host_port.split(":")
        self.port = int(port)

    def admin(self, method: str, path: str, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.root + path, data=data, method=method, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req) as r:
            return json.loads(r.read())

    def api_call(self, method: str, path: str, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(
            self.api + path, data=data, method=method,
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {TOKEN}"},
        )
        with urllib.request.urlopen(req) as r:
            return json.loads(r.read())["result"]

    def reset_stats(self):
        self.admin("POST", "/__sim/stats/reset")

    def stats(self) -> dict:
        return self.admin("GET", "/__sim/stats")["requests"]

    def totals(self) -> tuple[int, int]:
        """(requests answered, of which 429) since the last reset."""
        s = self.admin("GET", "/__sim/stats")
        return s["total"], s.get("statuses", {}).get("429", 0)

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()


# --------------------------------------------------------------------------
# Start-up


def make_client_cert(work: Path) -> str | None:
    """A P-521 self-signed certificate, like the one Terraform's go-plugin
    sends in PLUGIN_CLIENT_CERT. Needs the openssl CLI."""
    if not shutil.which("openssl"):
        return None
    key, crt = work / "client.key", work / "client.pem"
    r = subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-521", "-nodes",
         "-keyout", str(key), "-out", str(crt), "-days", "1", "-subj", "/O=HashiCorp/CN=localhost"],
        capture_output=True,
    )
    return crt.read_text() if r.returncode == 0 else None


def proc_status(pid: int) -> dict:
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        k, _, v = line.partition(":")
        if k in ("VmHWM", "VmRSS"):
            out[k] = int(v.split()[0])  # kB
    return out


def one_startup(argv, env, idle_s: float):
    """Seconds from spawn to the first stdout line, and the peak RSS (kB)
    after idling idle_s seconds."""
    t0 = time.perf_counter()
    p = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    line = p.stdout.readline()
    t1 = time.perf_counter()
    rss = None
    if idle_s > 0:
        time.sleep(idle_s)
        try:
            rss = proc_status(p.pid)
        except FileNotFoundError:
            rss = None
    p.kill()
    p.wait()
    p.stdout.close()
    return t1 - t0, line.decode(errors="replace").strip(), rss


def bench_startup(provider: Path, cert_pem: str | None, runs: int) -> dict:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("TF_", "PLUGIN_"))}
    base.update({"TF_PLUGIN_MAGIC_COOKIE": MAGIC_COOKIE, "PLUGIN_PROTOCOL_VERSIONS": "6",
                 "PLUGIN_MIN_PORT": "10000", "PLUGIN_MAX_PORT": "25000"})
    variants = {"no_tls": base}
    if cert_pem:
        variants["auto_mtls"] = {**base, "PLUGIN_CLIENT_CERT": cert_pem}
    out = {}
    # The cost of spawning anything from this harness, to subtract mentally.
    echo = shutil.which("echo") or "/bin/echo"
    spawn = [one_startup([echo, "1|6|unix|x|grpc|"], base, 0)[0] for _ in range(runs)]
    out["spawn_floor_ms"] = median(spawn) * 1000
    for name, env in variants.items():
        times, hwm, rss = [], [], []
        for i in range(runs):
            t, line, status = one_startup([str(provider)], env, 0.15 if i < 5 else 0)
            if not line.startswith("1|6|unix|"):
                raise SystemExit(f"bad handshake line from the provider: {line!r}")
            times.append(t)
            if status:
                hwm.append(status["VmHWM"])
                rss.append(status["VmRSS"])
        out[name] = {
            "median_ms": median(times) * 1000,
            "min_ms": min(times) * 1000,
            "p90_ms": sorted(times)[int(0.9 * (len(times) - 1))] * 1000,
            "idle_peak_rss_kb": max(hwm) if hwm else None,
            "idle_rss_kb": median(rss) if rss else None,
            "runs": runs,
        }
        log(f"startup {name}: median {out[name]['median_ms']:.2f} ms, idle peak RSS {out[name]['idle_peak_rss_kb']} kB")
    return out


# --------------------------------------------------------------------------
# Terraform configurations


PROVIDER_TF = """terraform {
  required_providers {
    cftenant = { source = "cftenant/cftenant" }
  }
}

provider "cftenant" {}
"""

VARS_TF = """variable "suffix" {
  type    = string
  default = ""
}

variable "paused" {
  type    = bool
  default = false
}

variable "zone_plan" {
  type    = string
  default = "PARTNERS_PRO"
}

variable "frequency" {
  type    = string
  default = "monthly"
}
"""


def mixed_shape(n: int):
    """How a mixed set of n resources splits: accounts, zones, zone
    subscriptions, account subscriptions (100/150/150/100 at n = 500)."""
    a = n // 5
    z = (3 * n) // 10
    return a, z, z, n - a - 2 * z


def config(kind: str, n: int, ours: bool) -> str:
    if kind == "accounts":
        if ours:
            return PROVIDER_TF + VARS_TF + f"""
resource "cftenant_account" "a" {{
  count = {n}
  name  = "bench-${{count.index}}${{var.suffix}}"
}}
"""
        return VARS_TF + f"""
resource "terraform_data" "a" {{
  count = {n}
  input = "bench-${{count.index}}${{var.suffix}}"
}}
"""
    a, z, zs, s = mixed_shape(n)
    if ours:
        return PROVIDER_TF + VARS_TF + f"""
resource "cftenant_account" "a" {{
  count = {a}
  name  = "bench-${{count.index}}${{var.suffix}}"
}}

resource "cftenant_zone" "z" {{
  count      = {z}
  account_id = cftenant_account.a[count.index % {a}].id
  name       = "z${{count.index}}.bench-example.com"
  paused     = var.paused
}}

resource "cftenant_zone_subscription" "zs" {{
  count        = {zs}
  zone_id      = cftenant_zone.z[count.index].id
  rate_plan_id = var.zone_plan
}}

resource "cftenant_account_subscription" "s" {{
  count        = {s}
  account_id   = cftenant_account.a[count.index % {a}].id
  rate_plan_id = "WORKERS_PAID"
  frequency    = var.frequency
}}
"""
    # The floor: the same graph, each node a terraform_data whose input
    # depends on its parent's id, updated by the same variables.
    return VARS_TF + f"""
resource "terraform_data" "a" {{
  count = {a}
  input = "bench-${{count.index}}${{var.suffix}}"
}}

resource "terraform_data" "z" {{
  count = {z}
  input = {{ account = terraform_data.a[count.index % {a}].id, name = "z${{count.index}}.bench-example.com", paused = var.paused }}
}}

resource "terraform_data" "zs" {{
  count = {zs}
  input = {{ zone = terraform_data.z[count.index].id, plan = var.zone_plan }}
}}

resource "terraform_data" "s" {{
  count = {s}
  input = {{ account = terraform_data.a[count.index % {a}].id, plan = "WORKERS_PAID", frequency = var.frequency }}
}}
"""


UPDATE_VARS = ["-var", "suffix=-renamed", "-var", "paused=true", "-var", "zone_plan=PARTNERS_BIZ", "-var", "frequency=yearly"]


class Terraform:
    def __init__(self, work: Path, cli_config: Path, sim: Sim, extra_env=None):
        self.work = work
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("TF_", "CLOUDFLARE_", "PLUGIN_"))}
        self.env.update({
            "TF_CLI_CONFIG_FILE": str(cli_config),
            "CHECKPOINT_DISABLE": "1",
            "TF_IN_AUTOMATION": "1",
            "CLOUDFLARE_API_TOKEN": TOKEN,
            "CLOUDFLARE_BASE_URL": sim.api,
        })
        self.env.update(extra_env or {})

    def run(self, args, expect=(0,)) -> float:
        """Runs terraform; returns its wall time and leaves in self.last_cpu the
        CPU seconds of terraform and every process it waited for (the
        provider processes included, the simulator not)."""
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        r = subprocess.run(["terraform", *args, "-input=false", "-no-color"], cwd=self.work, env=self.env,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        dt = time.perf_counter() - t0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        self.last_cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        if r.returncode not in expect:
            sys.stderr.write(r.stdout.decode(errors="replace")[-4000:])
            raise SystemExit(f"terraform {' '.join(args)} in {self.work} exited {r.returncode}")
        return dt

    def apply(self, extra=()):
        return self.run(["apply", "-auto-approve", *extra])

    def plan(self):
        # -detailed-exitcode: 0 = no changes; 2 would mean a perpetual diff.
        return self.run(["plan", "-detailed-exitcode"], expect=(0,))

    def destroy(self):
        return self.run(["destroy", "-auto-approve"])


def write_dir(d: Path, text: str):
    if d.exists():
        shutil.rmtree(d)
    d.mkdir(parents=True)
    (d / "main.tf").write_text(text)


def cli_config(path: Path, provider_dir: Path):
    path.write_text(
        "provider_installation {\n  dev_overrides {\n"
        f'    "cftenant/cftenant" = "{provider_dir}"\n'
        "  }\n}\ndisable_checkpoint = true\n"
    )


# Which resource type a request path template belongs to.
def classify(key: str):
    method, _, path = key.partition(" ")
    if path.startswith("/zones/{zone_id}/subscription"):
        t = "cftenant_zone_subscription"
    elif path.startswith("/zones"):
        t = "cftenant_zone"
    elif "/subscriptions" in path:
        t = "cftenant_account_subscription"
    elif path.startswith("/accounts"):
        t = "cftenant_account"
    else:
        t = "other"
    return t, method


def per_resource(stats: dict, counts: dict) -> dict:
    """{type: {"total": requests/resource, "by": {"GET /x": requests/resource}}}"""
    out = {}
    for key, n in stats.items():
        t, _ = classify(key)
        entry = out.setdefault(t, {"total": 0.0, "by": {}})
        denom = counts.get(t) or 1
        entry["total"] += n / denom
        entry["by"][key] = n / denom
    return out


def bench_terraform(kind: str, n: int, reps: int, sim: Sim, work: Path, cli: Path, protocol_cli: Path) -> dict:
    """ours: the provider; protocol: the do-nothing provider with the same
    schemas and configuration; floor: terraform_data, no provider at all."""
    ours_dir, protocol_dir, floor_dir = (work / f"{kind}-{n}-{side}" for side in ("ours", "protocol", "floor"))
    write_dir(ours_dir, config(kind, n, True))
    write_dir(protocol_dir, config(kind, n, True))
    write_dir(floor_dir, config(kind, n, False))
    tf = {"ours": Terraform(ours_dir, cli, sim), "protocol": Terraform(protocol_dir, protocol_cli, sim),
          "floor": Terraform(floor_dir, cli, sim)}
    if kind == "accounts":
        counts = {"cftenant_account": n}
    else:
        a, z, zs, s = mixed_shape(n)
        counts = {"cftenant_account": a, "cftenant_zone": z, "cftenant_zone_subscription": zs, "cftenant_account_subscription": s}
    sim.admin("POST", "/__sim/reset")
    ops = ["apply", "plan", "update", "destroy"]
    times = {side: {op: [] for op in ops} for side in tf}
    cpu = {side: {op: [] for op in ops} for side in tf}
    requests = {op: [] for op in ops}
    for rep in range(reps):
        # Rotate who goes first, so drift in machine load hits all three.
        sides = ["ours", "protocol", "floor"]
        order = sides[rep % 3:] + sides[:rep % 3]
        for op in ops:
            for side in order:
                t = tf[side]
                if side == "ours":
                    sim.reset_stats()
                if op == "apply":
                    dt = t.apply()
                elif op == "plan":
                    dt = t.plan()
                elif op == "update":
                    dt = t.apply(UPDATE_VARS)
                else:
                    dt = t.destroy()
                times[side][op].append(dt)
                cpu[side][op].append(t.last_cpu)
                if side == "ours":
                    requests[op].append(sim.stats())
        state = sim.admin("GET", "/__sim/state")
        left = sum(len(v) for k, v in state.items() if isinstance(v, list) and k != "users")
        if left:
            raise SystemExit(f"{left} objects left in the simulator after destroy ({kind}, N={n})")
        log(f"{kind} N={n} rep {rep + 1}/{reps} (ours/protocol/terraform_data): " + ", ".join(
            f"{op} {times['ours'][op][-1]:.2f}/{times['protocol'][op][-1]:.2f}/{times['floor'][op][-1]:.2f}s" for op in ops))
    result = {"kind": kind, "n": n, "reps": reps, "counts": counts, "ops": {}}
    for op in ops:
        o, p, f = times["ours"][op], times["protocol"][op], times["floor"][op]
        # Request counts are deterministic; take the first rep's, check the rest agree.
        same = all(r == requests[op][0] for r in requests[op])
        result["ops"][op] = {
            "ours_s": median(o), "floor_s": median(f), "ratio": median(o) / median(f),
            "protocol_s": median(p), "ours_vs_protocol": median(o) / median(p),
            "protocol_vs_floor": median(p) / median(f), "protocol_all": p, "protocol_spread": spread(p),
            "ours_cpu_s": median(cpu["ours"][op]), "floor_cpu_s": median(cpu["floor"][op]),
            "ours_all": o, "floor_all": f, "ours_spread": spread(o), "floor_spread": spread(f),
            "requests": requests[op][0], "requests_stable": same,
            "per_resource": per_resource(requests[op][0], counts),
        }
    return result


def bench_rss(kind: str, n: int, sim: Sim, work: Path, provider: Path) -> dict:
    """One untimed apply / plan / update / destroy with the provider wrapped in
    /usr/bin/time, which records each provider process's peak RSS."""
    time_bin = shutil.which("time", path="/usr/bin") or "/usr/bin/time"
    if not Path(time_bin).exists():
        return {"error": "/usr/bin/time not found"}
    wrap_dir, rss_dir = work / "wrapper", work / "rss"
    wrap_dir.mkdir(exist_ok=True)
    rss_dir.mkdir(exist_ok=True)
    wrapper = wrap_dir / PROVIDER
    # exec: /usr/bin/time becomes the process Terraform talks to and waits
    # for; it passes stdout (the handshake) through and writes the child's
    # maximum resident set size (kB) and CPU seconds to its own file.
    wrapper.write_text(f'#!/bin/sh\nexec {time_bin} -o "{rss_dir}/$$.$(date +%s%N)" -f "%M %e %U %S" {provider} "$@"\n')
    wrapper.chmod(0o755)
    cli = work / "wrapper.tfrc"
    cli_config(cli, wrap_dir)
    d = work / f"rss-{kind}-{n}"
    write_dir(d, config(kind, n, True))
    tf = Terraform(d, cli, sim)
    sim.admin("POST", "/__sim/reset")
    out = {}
    for op, fn in [("apply", tf.apply), ("plan", tf.plan), ("update", lambda: tf.apply(UPDATE_VARS)), ("destroy", tf.destroy)]:
        for f in rss_dir.iterdir():
            f.unlink()
        fn()
        peaks, cpu = [], 0.0
        for f in sorted(rss_dir.iterdir()):
            lines = f.read_text().splitlines()
            # The last line is ours ("Command exited with ..." may precede it).
            parts = lines[-1].split() if lines else []
            if len(parts) == 4:
                peaks.append(int(parts[0]))
                cpu += float(parts[2]) + float(parts[3])
        out[op] = {"processes": len(peaks), "peak_rss_kb": max(peaks) if peaks else None, "all_kb": peaks, "cpu_s": cpu}
        log(f"RSS {kind} N={n} {op}: {len(peaks)} provider processes, peak {out[op]['peak_rss_kb']} kB, CPU {cpu:.2f} s")
    return out



# --------------------------------------------------------------------------
# A partner's estate under Cloudflare's budget


def estate_config(n: int) -> str:
    return PROVIDER_TF + f"""
locals {{
  customers = {{ for i in range({n}) : format("c%04d", i) => i }}
}}

resource "cftenant_account" "c" {{
  for_each = local.customers
  name     = "estate-${{each.key}}"
}}

resource "cftenant_account_member" "m" {{
  for_each   = local.customers
  account_id = cftenant_account.c[each.key].id
  email      = "admin-${{each.key}}@estate-example.com"
  roles      = ["05784afa30c1afe1440e79d9351c7430"]
}}

resource "cftenant_zone" "z" {{
  for_each   = local.customers
  account_id = cftenant_account.c[each.key].id
  name       = "${{each.key}}-estate-example.com"
}}

resource "cftenant_zone_subscription" "s" {{
  for_each     = local.customers
  zone_id      = cftenant_zone.z[each.key].id
  rate_plan_id = "PARTNERS_PRO"
}}
"""


ESTATE_VARIANTS = [
    # (name, simulator flags, provider environment)
    ("one by one, no budget", [], {"CFTENANT_COALESCE_READS": "0"}),
    ("coalesced, no budget", [], {}),
    ("coalesced, budget 1200/300", ["--rate-limit", "1200/300"], {}),
]
SLOW_VARIANT = ("one by one, budget 1200/300", ["--rate-limit", "1200/300"], {"CFTENANT_COALESCE_READS": "0"})


def bench_estate(n: int, latency_ms: int, reps: int, parallelism: int, slow: bool,
                 sim_bin: Path, work: Path, cli: Path) -> dict:
    """Creates the estate once (no latency, no budget), then times a
    no-change plan of it per variant, each against a simulator started
    afresh on the estate's state file (a fresh rate-limit window) with
    `latency_ms` added to every request."""
    d = work / f"estate-{n}"
    write_dir(d, estate_config(n))
    state_file = work / f"estate-{n}.json"
    sim = Sim(sim_bin, work / "estate-sim.log", ["--state", str(state_file)])
    try:
        t = Terraform(d, cli, sim)
        dt = t.run(["apply", "-auto-approve", f"-parallelism={parallelism}"])
        log(f"estate N={n}: created {4 * n} resources in {dt:.1f} s")
    finally:
        sim.stop()
    variants = ESTATE_VARIANTS + ([SLOW_VARIANT] if slow else [])
    runs = {name: [] for name, _, _ in variants}
    for rep in range(reps):
        order = variants if rep % 2 == 0 else list(reversed(variants))
        for name, flags, env in order:
            sim = Sim(sim_bin, work / "estate-sim.log", ["--state", str(state_file), *flags])
            try:
                sim.admin("POST", "/__sim/faults", {"seed": 1, "rules": [
                    {"method": "*", "path": "*", "action": "delay", "delay_ms": latency_ms}]})
                sim.reset_stats()
                t = Terraform(d, cli, sim, env)
                wall = t.run(["plan", "-detailed-exitcode", f"-parallelism={parallelism}"], expect=(0,))
                requests, turned_away = sim.totals()
            finally:
                sim.stop()
            floor = requests * latency_ms / 1000 / parallelism
            runs[name].append({"wall_s": wall, "requests": requests, "429": turned_away, "floor_s": floor})
            log(f"estate N={n} {name}: {wall:.1f} s, {requests} requests ({turned_away} answered 429), "
                f"floor {floor:.1f} s")
    out = {"n": n, "resources": 4 * n, "latency_ms": latency_ms, "parallelism": parallelism, "reps": reps, "variants": {}}
    for name, rs in runs.items():
        walls = [r["wall_s"] for r in rs]
        out["variants"][name] = {
            "wall_s": median(walls), "wall_all": walls,
            "requests": rs[0]["requests"], "requests_all": [r["requests"] for r in rs],
            "429": max(r["429"] for r in rs), "floor_s": rs[0]["floor_s"],
            "wall_vs_floor": median(walls) / rs[0]["floor_s"] if rs[0]["floor_s"] else None,
        }
    return out

# --------------------------------------------------------------------------
# Simulator throughput


def _load_worker(args):
    host, port, path, seconds = args
    conn = http.client.HTTPConnection(host, port)
    headers = {"Authorization": f"Bearer {TOKEN}"}
    n = 0
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        conn.request("GET", path, headers=headers)
        r = conn.getresponse()
        r.read()
        if r.status != 200:
            raise RuntimeError(f"GET {path}: {r.status}")
        n += 1
    conn.close()
    return n


def bench_sim(sim: Sim, seconds: float, clients: int) -> dict:
    sim.admin("POST", "/__sim/reset")
    account = sim.api_call("POST", "/accounts", {"name": "throughput", "type": "standard"})
    zone = sim.api_call("POST", "/zones", {"name": "throughput-bench.com", "account": {"id": account["id"]}, "type": "full"})
    path = f"/client/v4/zones/{zone['id']}"
    out = {}
    for c in sorted({1, clients}):
        cpu0 = sim.cpu_seconds()
        t0 = time.perf_counter()
        with multiprocessing.Pool(c) as pool:
            counts = pool.map(_load_worker, [(sim.host, sim.port, path, seconds)] * c)
        wall = time.perf_counter() - t0
        cpu = sim.cpu_seconds() - cpu0
        total = sum(counts)
        out[f"clients_{c}"] = {
            "requests": total, "wall_s": wall, "req_per_s": total / wall,
            "sim_cpu_s": cpu, "sim_cpu_us_per_req": cpu / total * 1e6,
            "sim_req_per_cpu_s": total / cpu if cpu else None,
        }
        log(f"sim GET /zones/{{id}} with {c} keep-alive client(s): {total / wall:.0f} req/s, "
            f"{cpu / total * 1e6:.0f} us simulator CPU per request")
    sim.admin("POST", "/__sim/reset")
    return out


# --------------------------------------------------------------------------
# Report


def machine() -> dict:
    cpu = "?"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
    tf = subprocess.run(["terraform", "version"], capture_output=True, text=True, env={**os.environ, "CHECKPOINT_DISABLE": "1"}).stdout.splitlines()[0]
    rustc = subprocess.run(["rustc", "--version"], capture_output=True, text=True).stdout.strip()
    return {"cpu": cpu, "cores": os.cpu_count(), "mem_gib": round(mem_kb / 1024 / 1024, 1),
            "kernel": platform.release(), "terraform": tf, "rustc": rustc, "python": platform.python_version()}


def loadavg() -> str:
    return Path("/proc/loadavg").read_text().split(" ", 3)[:3].__str__()


def fmt_requests(pr: dict, types) -> str:
    cells = []
    for t in types:
        e = pr.get(t)
        if not e:
            cells.append("0")
            continue
        detail = ", ".join(f"{k} {v:g}" for k, v in sorted(e["by"].items()))
        cells.append(f"{e['total']:g} ({detail})")
    return " | ".join(cells)


def report(res: dict) -> str:
    L = []
    m = res["machine"]
    L.append(f"Machine: {m['cpu']}, {m['cores']} cores, {m['mem_gib']} GiB, Linux {m['kernel']}; {m['terraform']}; {m['rustc']}.")
    L.append(f"Load average before / after: {res['load_before']} / {res['load_after']}. Wall time of the run: {res['wall_s'] / 60:.1f} min.")
    L.append("")
    s = res.get("startup")
    if s:
        L.append("### Start-up (spawn -> handshake line), median of %d" % s["no_tls"]["runs"])
        L.append("")
        L.append("| variant | median | min | p90 | peak RSS at idle |")
        L.append("|---|---|---|---|---|")
        for name in ("no_tls", "auto_mtls"):
            if name in s:
                v = s[name]
                L.append(f"| {name} | {v['median_ms']:.2f} ms | {v['min_ms']:.2f} ms | {v['p90_ms']:.2f} ms | {v['idle_peak_rss_kb'] / 1024:.1f} MB |")
        L.append(f"| (spawning /bin/echo from the harness) | {s['spawn_floor_ms']:.2f} ms | | | |")
        L.append("")
    L.append("### Terraform wall time: ours, the protocol floor, and terraform_data (medians)")
    L.append("")
    L.append("The protocol floor is a provider that does nothing (bench/floor) on the same plugin framework with the same")
    L.append("schemas: ours ÷ protocol is what our work costs, protocol ÷ terraform_data what any plugin pays Terraform.")
    L.append("")
    L.append("| set | N | reps | " + " | ".join(f"{op} ours | {op} protocol | {op} terraform_data | ours ÷ protocol | protocol ÷ terraform_data" for op in ("apply", "plan")) + " |")
    L.append("|---|---|---|" + "---|" * 10)
    for r in res["terraform"]:
        cells = [r["kind"], str(r["n"]), str(r["reps"])]
        for op in ("apply", "plan"):
            o = r["ops"][op]
            cells += [f"{o['ours_s']:.2f} s", f"{o['protocol_s']:.2f} s", f"{o['floor_s']:.2f} s",
                      f"{o['ours_vs_protocol']:.2f}", f"{o['protocol_vs_floor']:.2f}"]
        L.append("| " + " | ".join(cells) + " |")
    L.append("")
    L.append("All four operations, ours vs terraform_data (medians):")
    L.append("")
    L.append("| set | N | reps | apply ours | apply floor | ratio | plan ours | plan floor | ratio | update ours | update floor | ratio | destroy ours | destroy floor | ratio |")
    L.append("|---|---|---|" + "---|" * 12)
    for r in res["terraform"]:
        cells = [r["kind"], str(r["n"]), str(r["reps"])]
        for op in ("apply", "plan", "update", "destroy"):
            o = r["ops"][op]
            cells += [f"{o['ours_s']:.2f} s", f"{o['floor_s']:.2f} s", f"{o['ratio']:.2f}"]
        L.append("| " + " | ".join(cells) + " |")
    L.append("")
    L.append("Spread (max - min) / median across reps, ours / floor:")
    L.append("")
    for r in res["terraform"]:
        L.append(f"- {r['kind']} N={r['n']}: " + ", ".join(
            f"{op} {r['ops'][op]['ours_spread'] * 100:.0f}% / {r['ops'][op]['floor_spread'] * 100:.0f}%" for op in ("apply", "plan", "update", "destroy")))
    L.append("")
    L.append("CPU seconds of terraform plus the provider processes it ran (medians; the simulator not included):")
    L.append("")
    L.append("| set | N | " + " | ".join(f"{op} ours | {op} floor" for op in ("apply", "plan", "update", "destroy")) + " |")
    L.append("|---|---|" + "---|" * 8)
    for r in res["terraform"]:
        cells = [r["kind"], str(r["n"])]
        for op in ("apply", "plan", "update", "destroy"):
            o = r["ops"][op]
            cells += [f"{o['ours_cpu_s']:.2f} s", f"{o['floor_cpu_s']:.2f} s"]
        L.append("| " + " | ".join(cells) + " |")
    L.append("")
    fit = res.get("scaling")
    if fit:
        L.append("### Scaling: least-squares fit t = a + b*N over the accounts sets")
        L.append("")
        L.append("| op | ours a | ours b (ms / resource) | floor a | floor b (ms / resource) | extra per resource |")
        L.append("|---|---|---|---|---|---|")
        for op, v in fit.items():
            L.append(f"| {op} | {v['ours_a']:.2f} s | {v['ours_b'] * 1000:.2f} | {v['floor_a']:.2f} s | {v['floor_b'] * 1000:.2f} | {(v['ours_b'] - v['floor_b']) * 1000:+.2f} ms |")
        L.append("")
    L.append("### API requests per resource per operation (from /__sim/stats)")
    L.append("")
    for r in res["terraform"]:
        types = list(r["counts"].keys())
        L.append(f"{r['kind']} N={r['n']} (" + ", ".join(f"{t.removeprefix('cftenant_')}: {c}" for t, c in r["counts"].items()) + ")")
        L.append("")
        L.append("| op | " + " | ".join(types) + " | stable across reps |")
        L.append("|---|" + "---|" * (len(types) + 1))
        for op in ("apply", "plan", "update", "destroy"):
            o = r["ops"][op]
            other = o["per_resource"].get("other")
            extra = f" (+ other: {other['by']})" if other else ""
            L.append(f"| {op} | " + fmt_requests(o["per_resource"], types) + f" | {'yes' if o['requests_stable'] else 'NO'}{extra} |")
        L.append("")
    est = res.get("estate")
    if est:
        L.append(f"### A partner's estate: a no-change plan of {est['n']} customers ({est['resources']} resources), "
                 f"{est['latency_ms']} ms added to every request, -parallelism={est['parallelism']}")
        L.append("")
        L.append("Each customer is an account, a member, a zone and a zone subscription. The floor is requests × latency ÷ parallelism.")
        L.append(f"Medians of {est['reps']} runs, each against a simulator started afresh (a fresh rate-limit window).")
        L.append("")
        L.append("| reads | wall time | requests | answered 429 | floor for those requests | wall ÷ floor |")
        L.append("|---|---|---|---|---|---|")
        for name, v in est["variants"].items():
            ratio = f"{v['wall_vs_floor']:.2f}" if v["wall_vs_floor"] else "-"
            L.append(f"| {name} | {v['wall_s']:.1f} s | {v['requests']} | {v['429']} | {v['floor_s']:.1f} s | {ratio} |")
        L.append("")
    rss = res.get("rss")
    if rss:
        L.append("### Provider peak RSS and CPU time (untimed pass through /usr/bin/time)")
        L.append("")
        L.append("| set | op | provider processes | peak RSS | provider CPU (user + sys, all processes) |")
        L.append("|---|---|---|---|---|")
        for key, ops in rss.items():
            for op, v in ops.items():
                if isinstance(v, dict) and v.get("peak_rss_kb"):
                    L.append(f"| {key} | {op} | {v['processes']} | {v['peak_rss_kb'] / 1024:.1f} MB | {v['cpu_s']:.2f} s |")
        L.append("")
    thr = res.get("sim_throughput")
    if thr:
        L.append("### Simulator throughput, GET /zones/{id} over keep-alive HTTP/1.1 on loopback")
        L.append("")
        L.append("| clients | req/s | simulator CPU per request | requests per simulator CPU-second |")
        L.append("|---|---|---|---|")
        for k, v in thr.items():
            L.append(f"| {k.split('_')[1]} | {v['req_per_s']:.0f} | {v['sim_cpu_us_per_req']:.0f} µs | {v['sim_req_per_cpu_s']:.0f} |")
        L.append("")
    return "\n".join(L)


def fit_scaling(results) -> dict:
    rows = [r for r in results if r["kind"] == "accounts"]
    if len(rows) < 2:
        return {}
    out = {}
    for op in ("apply", "plan", "update", "destroy"):
        v = {}
        for side in ("ours", "floor"):
            xs = [r["n"] for r in rows]
            ys = [r["ops"][op][f"{side}_s"] for r in rows]
            mx, my = statistics.fmean(xs), statistics.fmean(ys)
            b = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
            v[f"{side}_a"], v[f"{side}_b"] = my - b * mx, b
        out[op] = v
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repo", type=Path, default=Path(__file__).resolve().parent.parent)
    ap.add_argument("--sizes", default="10,100,500", help="N for the accounts sets")
    ap.add_argument("--mixed", type=int, default=500, help="N of the mixed set (0 = skip)")
    ap.add_argument("--reps-small", type=int, default=5, help="repetitions for N < 500")
    ap.add_argument("--reps-large", type=int, default=3, help="repetitions for N >= 500")
    ap.add_argument("--startup-runs", type=int, default=50)
    ap.add_argument("--sim-seconds", type=float, default=3.0)
    ap.add_argument("--estate", type=int, default=400, help="customers in the estate (0 = skip)")
    ap.add_argument("--estate-latency-ms", type=int, default=150)
    ap.add_argument("--estate-reps", type=int, default=2)
    ap.add_argument("--estate-slow", action="store_true",
                    help="also plan the estate one by one under the budget (about 5 minutes a run)")
    ap.add_argument("--skip", default="", help="comma list of: startup,terraform,estate,rss,sim")
    ap.add_argument("--json", type=Path, help="also write the raw results here")
    ap.add_argument("--keep", action="store_true", help="keep the working directory")
    args = ap.parse_args()
    skip = set(filter(None, args.skip.split(",")))

    release = args.repo / "target" / "release"
    provider, sim_bin = release / PROVIDER, release / "cftenant-sim"
    floor_bin = release / "terraform-provider-cftenant-floor"
    for b in (provider, sim_bin, floor_bin):
        if not b.exists():
            raise SystemExit(f"{b} is missing: run bench/run.sh (it builds the release binaries)")
    if not shutil.which("terraform"):
        raise SystemExit("terraform is not on the PATH")

    work = Path(tempfile.mkdtemp(prefix="cftenant-bench-"))
    started = time.perf_counter()
    res = {"machine": machine(), "load_before": loadavg(), "args": {k: str(v) for k, v in vars(args).items()}}
    log(f"working in {work}; load {res['load_before']}")
    sim = Sim(sim_bin, work / "sim.log")
    try:
        if "startup" not in skip:
            res["startup"] = bench_startup(provider, make_client_cert(work), args.startup_runs)
        cli = work / "terraform.tfrc"
        cli_config(cli, release)
        # Terraform runs the override directory's terraform-provider-cftenant:
        # there, that is the do-nothing provider.
        protocol_dir = work / "protocol-floor"
        protocol_dir.mkdir()
        (protocol_dir / PROVIDER).symlink_to(floor_bin)
        protocol_cli = work / "protocol.tfrc"
        cli_config(protocol_cli, protocol_dir)
        if "terraform" not in skip:
            res["terraform"] = []
            sets = [("accounts", int(n)) for n in args.sizes.split(",") if n]
            if args.mixed:
                sets.append(("mixed", args.mixed))
            for kind, n in sets:
                reps = args.reps_large if n >= 500 else args.reps_small
                res["terraform"].append(bench_terraform(kind, n, reps, sim, work, cli, protocol_cli))
            res["scaling"] = fit_scaling(res["terraform"])
        if "estate" not in skip and args.estate:
            res["estate"] = bench_estate(args.estate, args.estate_latency_ms, args.estate_reps, 10,
                                         args.estate_slow, sim_bin, work, cli)
        if "rss" not in skip:
            res["rss"] = {}
            big = max([int(n) for n in args.sizes.split(",") if n] or [500])
            res["rss"][f"accounts N={big}"] = bench_rss("accounts", big, sim, work, provider)
            if args.mixed:
                res["rss"][f"mixed N={args.mixed}"] = bench_rss("mixed", args.mixed, sim, work, provider)
        if "sim" not in skip:
            res["sim_throughput"] = bench_sim(sim, args.sim_seconds, 2)
    finally:
        sim.stop()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        if args.json:
            # Also when a later part failed: what was measured is kept.
            args.json.write_text(json.dumps(res, indent=2))
    res["load_after"] = loadavg()
    res["wall_s"] = time.perf_counter() - started
    res.setdefault("terraform", [])
    if args.json:
        args.json.write_text(json.dumps(res, indent=2))
    print(report(res))


if __name__ == "__main__":
    main()
