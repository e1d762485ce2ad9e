#!/usr/bin/env python3
"""The hostile-API cases, measured: for each, what the provider did under
real Terraform (outcome and the first line of its error), how many requests
the API answered, how long the plan took, and the provider process's peak
resident memory (GNU time's %M, kB). The test suite (tests/e2e/hostile.rs)
proves the outcomes; memory is measured here, not in a test.

Run through bench/hostile.sh, which builds the release binaries. Standard
library only; Terraform never touches the network.

    bench/hostile.sh                 # Markdown on stdout
    bench/hostile.sh --provider-dir /path/to/other/build   # another build
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

TOKEN = "sim-token"
PROVIDER = "terraform-provider-cftenant"
TENANT = "7d0a0a5b2c1e4f3a9b8c6d5e4f3a2b1c"
CHUNK = "x" * 65536

PROVIDER_TF = """terraform {
  required_providers {
    cftenant = { source = "cftenant/cftenant" }
  }
}
provider "cftenant" {
  max_retries             = 1
  request_timeout_seconds = 5
}
"""

ACCOUNT = 'resource "cftenant_account" "a" {\n  name = "Hostile Co"\n}\n'
TENANT_ACCOUNTS = f'data "cftenant_tenant_accounts" "all" {{\n  tenant_id = "{TENANT}"\n}}\n'


def page(total_pages, total_count=None):
    items = [{"account_tag": f"{i:032x}", "account_pubname": f"Account {i}", "account_type": "standard"} for i in range(50)]
    # No `page`: a client cannot tell the answer is always the first page.
    info = {"per_page": 50, "count": 50, "total_pages": total_pages}
    if total_count is not None:
        info["total_count"] = total_count
    return {"success": True, "errors": [], "messages": [], "result": items, "result_info": info}


# (name, configuration, rule or None, the request template the rule answers)
CASES = [
    ("a 100 MB body", ACCOUNT, {"method": "GET", "path": "/accounts/{account_id}", "raw_body": CHUNK, "repeat": 1600}),
    ("a 500 MB body", ACCOUNT, {"method": "GET", "path": "/accounts/{account_id}", "raw_body": CHUNK, "repeat": 8000}),
    ("a body that never ends", ACCOUNT, {"method": "GET", "path": "/accounts/{account_id}", "raw_body": CHUNK, "endless": True}),
    ("a body that trickles forever", ACCOUNT, {"method": "GET", "path": "/accounts/{account_id}", "raw_body": "{", "endless": True, "chunk_delay_ms": 500}),
    ("a 307 to another origin", ACCOUNT, {"method": "GET", "path": "/accounts/{account_id}", "status": 307, "headers": {"Location": "http://127.0.0.1:9/client/v4/accounts/x"}}),
    ("Retry-After: ten years", ACCOUNT, {"method": "GET", "path": "/accounts/{account_id}", "status": 429, "headers": {"Retry-After": "315360000"}, "body": {"success": False, "errors": [{"code": 971, "message": "Please wait"}], "messages": [], "result": None}}),
    ("Ratelimit t=2^64-1 on a good answer", ACCOUNT, {"method": "GET", "path": "/accounts/{account_id}", "commit": True, "headers": {"Ratelimit": '"default";r=0;t=18446744073709551615'}, "body": {"success": True, "errors": [], "messages": [], "result": "RESULT"}, "substitute": {"RESULT": "/result"}}),
    ("an HTML page with 200", ACCOUNT, {"method": "GET", "path": "/accounts/{account_id}", "raw_body": "<html>Welcome</html>", "headers": {"Content-Type": "text/html"}}),
    ("JSON nested 100 000 deep", ACCOUNT, {"method": "GET", "path": "/accounts/{account_id}", "raw_body": '{"success":true,"result":' + "[" * 100000 + "]" * 100000 + "}"}),
    ("success: true with errors", ACCOUNT, {"method": "GET", "path": "/accounts/{account_id}", "body": {"success": True, "errors": [{"code": 1000, "message": "x"}], "messages": [], "result": {}}}),
    ("10^18 pages, every one full", TENANT_ACCOUNTS, {"method": "GET", "path": "/tenants/{tenant_id}/accounts", "body": page(10**18)}),
    ("the same page again", TENANT_ACCOUNTS, {"method": "GET", "path": "/tenants/{tenant_id}/accounts", "body": page(5)}),
]


class Sim:
    def __init__(self, binary: Path):
        self.proc = subprocess.Popen([str(binary), "--listen", "127.0.0.1:0"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        line = self.proc.stdout.readline().decode().strip()
        self.api = line.rsplit(" ", 1)[-1]
        self.root = self.api[: -len("/client/v4")]

    def admin(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.root + path, data=data, method=method, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req) as r:
            return json.loads(r.read())

    def total(self):
        return self.admin("GET", "/__sim/stats")["total"]

    def stop(self):
        self.proc.terminate()
        self.proc.wait(5)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--provider-dir", type=Path, default=Path("target/release"))
    ap.add_argument("--sim", type=Path, default=Path("target/release/cftenant-sim"))
    ap.add_argument("--timeout", type=float, default=120.0, help="seconds a plan may take before it is stopped")
    args = ap.parse_args()
    provider = (args.provider_dir / PROVIDER).resolve()
    work = Path(tempfile.mkdtemp(prefix="cftenant-hostile-"))
    rss_dir = work / "rss"
    rss_dir.mkdir()
    wrap_dir = work / "wrapper"
    wrap_dir.mkdir()
    wrapper = wrap_dir / PROVIDER
    wrapper.write_text(f'#!/bin/sh\nexec /usr/bin/time -o "{rss_dir}/$$" -f "%M" {provider} "$@"\n')
    wrapper.chmod(0o755)
    cli = work / "cli.tfrc"
    cli.write_text(f'provider_installation {{\n  dev_overrides {{\n    "cftenant/cftenant" = "{wrap_dir}"\n  }}\n}}\ndisable_checkpoint = true\n')
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TF_", "CLOUDFLARE_"))}
    env.update(TF_CLI_CONFIG_FILE=str(cli), CHECKPOINT_DISABLE="1", CLOUDFLARE_API_TOKEN=TOKEN)
    sim = Sim(args.sim.resolve())
    env["CLOUDFLARE_BASE_URL"] = sim.api
    rows = []
    try:
        for name, config, rule in CASES:
            d = work / name.replace(" ", "_").replace("/", "_")
            d.mkdir()
            (d / "main.tf").write_text(PROVIDER_TF + config)
            sim.admin("DELETE", "/__sim/faults")
            if config is ACCOUNT:
                subprocess.run(["terraform", "apply", "-auto-approve", "-input=false", "-no-color"], cwd=d, env=env, capture_output=True, check=True)
            for f in rss_dir.iterdir():
                f.unlink()
            sim.admin("POST", "/__sim/faults", {"rules": [{**rule, "action": "respond"}]})
            before = sim.total()
            t0 = time.monotonic()
            try:
                out = subprocess.run(["terraform", "plan", "-input=false", "-no-color"], cwd=d, env=env, capture_output=True, text=True, timeout=args.timeout)
                timed_out = False
            except subprocess.TimeoutExpired as e:
                out = subprocess.CompletedProcess(e.cmd, -1, (e.stdout or b"").decode(errors="replace"), (e.stderr or b"").decode(errors="replace"))
                timed_out = True
                subprocess.run(["pkill", "-f", str(provider)])
            took = time.monotonic() - t0
            requests = sim.total() - before
            text = " ".join((out.stdout + out.stderr).split())
            # The request and what went wrong (`GET /path: HTTP 502; …`), or
            # the summary where there is no request (a crash).
            error = ""
            if "Error: " in text:
                after = text.split("Error: ", 1)[1]
                start = min((after.find(m) for m in ("GET /", "POST /") if m in after), default=-1)
                error = after[start:] if start >= 0 else after
            error = error.replace("|", "/")
            peaks = [int(f.read_text().split()[-1]) for f in rss_dir.iterdir() if f.read_text().split()]
            peak = max(peaks) if peaks else None
            outcome = "plan failed" if out.returncode else "plan succeeded"
            if timed_out:
                outcome = f"still running after {args.timeout:.0f} s: stopped"
            if "panicked" in text or "plugin exited" in text:
                outcome = "CRASHED"
            rows.append((name, outcome, error[:150], requests, took, peak))
            print(f"{name}: {outcome}, {requests} requests, {took:.1f} s, peak RSS {peak} kB", file=sys.stderr)
            sim.admin("DELETE", "/__sim/faults")
            if config is ACCOUNT:
                subprocess.run(["terraform", "destroy", "-auto-approve", "-input=false", "-no-color"], cwd=d, env=env, capture_output=True)
    finally:
        sim.stop()
    print("| case | outcome | the error | requests | plan wall time | provider peak RSS |")
    print("|---|---|---|---|---|---|")
    for name, outcome, error, requests, took, peak in rows:
        peak_s = f"{peak / 1024:.1f} MB" if peak else "-"
        print(f"| {name} | {outcome} | {error} | {requests} | {took:.1f} s | {peak_s} |")


if __name__ == "__main__":
    main()
