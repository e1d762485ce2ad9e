#!/usr/bin/env bash
# Builds the release binaries and measures a partner's estate under a
# per-credential budget (bench/estate.py): one state under one credential
# against K states, each under its customers' own service users, run in
# parallel. Prints a Markdown table on stdout. Arguments go to estate.py, e.g.
#   bash bench/estate.sh                                  # 40 customers, 4 states
#   bash bench/estate.sh --customers 100 --states 10 --json /tmp/estate.json
set -euo pipefail
cd "$(dirname "$0")/.."
command -v terraform >/dev/null || { echo "error: terraform is not on the PATH" >&2; exit 1; }
command -v python3 >/dev/null || { echo "error: python3 is needed to run bench/estate.py" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "error: GNU time (/usr/bin/time, Debian package time) is needed to read Terraform's peak RSS" >&2; exit 1; }
unset TF_CLI_CONFIG_FILE TF_PLUGIN_CACHE_DIR TF_LOG TF_LOG_PROVIDER
export CHECKPOINT_DISABLE=1
cargo build --release -p terraform-provider-cftenant -p cftenant-sim --bins >&2
exec python3 bench/estate.py "$@"
