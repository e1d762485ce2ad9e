#!/usr/bin/env bash
# Runs every test: unit tests, the simulator's API tests, and the end-to-end
# tests that drive the real terraform CLI against the provider and the
# simulator on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
unset TF_CLI_CONFIG_FILE TF_PLUGIN_CACHE_DIR
export CHECKPOINT_DISABLE=1
cargo test --workspace --all-targets "$@"
