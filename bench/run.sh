#!/usr/bin/env bash
# Builds the release binaries and runs the benchmark (bench/bench.py), which
# prints a Markdown report on stdout. Arguments go to bench.py, e.g.
#   bench/run.sh --sizes 10,100 --mixed 0     # a quick pass
#   bench/run.sh --json /tmp/bench.json       # also keep the raw figures
set -euo pipefail
cd "$(dirname "$0")/.."
command -v terraform >/dev/null || { echo "error: terraform is not on the PATH" >&2; exit 1; }
command -v python3 >/dev/null || { echo "error: python3 is needed to run bench/bench.py" >&2; exit 1; }
unset TF_CLI_CONFIG_FILE TF_PLUGIN_CACHE_DIR TF_LOG TF_LOG_PROVIDER
export CHECKPOINT_DISABLE=1
cargo build --release --workspace --bins >&2
exec python3 bench/bench.py "$@"
