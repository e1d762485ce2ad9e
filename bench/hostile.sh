#!/usr/bin/env bash
# Builds the release binaries and measures the hostile-API cases
# (bench/hostile.py): outcome, requests, wall time and the provider's peak
# RSS for each, as a Markdown table on stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v terraform >/dev/null || { echo "error: terraform is not on the PATH" >&2; exit 1; }
command -v python3 >/dev/null || { echo "error: python3 is needed to run bench/hostile.py" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "error: GNU time (/usr/bin/time, Debian package time) is needed to read peak RSS" >&2; exit 1; }
unset TF_CLI_CONFIG_FILE TF_PLUGIN_CACHE_DIR TF_LOG TF_LOG_PROVIDER
export CHECKPOINT_DISABLE=1
cargo build --release --workspace --bins >&2
exec python3 bench/hostile.py "$@"
