#!/bin/sh
# The dashboard and the runner for the e2e tests: `overseer start` on a fresh data folder and port 3100.
set -e
cd "$(dirname "$0")/.."
export OVERSEER_DATA_DIR="$PWD/.tmp/e2e-data" OVERSEER_PORT=3100 NEXT_TELEMETRY_DISABLED=1
rm -rf "$OVERSEER_DATA_DIR"
exec bin/overseer start
