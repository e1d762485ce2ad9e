#!/usr/bin/env bash
# The quickstart: builds the provider and the simulator, starts the simulator
# on a free loopback port, applies examples/quickstart with the real terraform
# CLI, shows the outputs, proves a second plan is empty, destroys, and checks
# the simulator is empty again. Nothing touches the network.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

command -v terraform >/dev/null || { echo "error: terraform is not on the PATH" >&2; exit 1; }

echo "==> building"
cargo build --quiet --workspace --bins
bin="$repo/target/debug"

work=$(mktemp -d)
sim_pid=""
cleanup() {
  [ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "==> starting the simulator"
"$bin/cftenant-sim" --listen 127.0.0.1:0 --strict-auth >"$work/sim.out" 2>"$work/sim.log" &
sim_pid=$!
for _ in $(seq 1 100); do
  [ -s "$work/sim.out" ] && break
  sleep 0.05
done
api=$(head -n1 "$work/sim.out" | sed 's/^cftenant-sim listening on //')
root=${api%/client/v4}
echo "    $api"

# Terraform finds the provider through a dev override and never the network.
cat >"$work/terraform.tfrc" <<TFRC
provider_installation {
  dev_overrides {
    "cftenant/cftenant" = "$bin"
  }
}
disable_checkpoint = true
TFRC
export TF_CLI_CONFIG_FILE="$work/terraform.tfrc" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1
# The tenant administrator's email and global API key, as for real tenant
# provisioning (the simulator's defaults).
export CLOUDFLARE_BASE_URL="$api" CLOUDFLARE_EMAIL=sim@example.com CLOUDFLARE_API_KEY=sim-key
unset CLOUDFLARE_API_TOKEN

cp examples/quickstart/*.tf "$work/"
cd "$work"

echo "==> terraform apply"
terraform apply -auto-approve -input=false -no-color | grep -v '^$'
echo "==> outputs"
terraform output -no-color
echo "==> second plan (must be empty)"
set +e
terraform plan -detailed-exitcode -input=false -no-color >"$work/plan.txt" 2>&1
code=$?
set -e
if [ "$code" -ne 0 ]; then
  cat "$work/plan.txt"
  echo "error: the second plan is not empty (exit code $code)" >&2
  exit 1
fi
echo "    no changes"
echo "==> terraform destroy"
terraform destroy -auto-approve -input=false -no-color | tail -n 1
# Service users stay: Cloudflare has no API to delete users (the provider
# warns about it on destroy). Everything else must be gone.
left=$(curl -sf "$root/__sim/state" | python3 -c 'import json,sys; s=json.load(sys.stdin); print(sum(len(v) for k,v in s.items() if isinstance(v,list) and k != "users"))')
if [ "$left" != "0" ]; then
  echo "error: $left objects left in the simulator after destroy" >&2
  exit 1
fi
echo "==> done: the simulator holds no accounts, members, zones or subscriptions any more"
echo "    (the service user remains: Cloudflare cannot delete users)"
