"""The GPU check's figures (scripts/gpu-check.sh), read from what Overseer stored: the runs, their series, the
session's experiments, and nvidia-smi's own samples taken beside the runner. Writes the series as CSV and prints
a Markdown summary. Standard library only: the GPU machine has Python, and nothing can be installed there.
"""
import argparse
import csv
import json
import sqlite3
import statistics
import time


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("--db", required=True)
    p.add_argument("--doctor", required=True)
    p.add_argument("--samples", required=True, help="nvidia-smi samples: unix time, then the runner's query (core/gpu GPU_QUERY_FIELDS)")
    p.add_argument("--series", required=True, help="where to write every stored series as CSV")
    p.add_argument("--elapsed", type=int, default=None)
    p.add_argument("--exits", default="")
    return p.parse_args()


def fmt(v, digits=1):
    if v is None:
        return "—"
    if isinstance(v, float):
        return f"{v:.{digits}f}"
    return str(v)


def mean(xs):
    return statistics.fmean(xs) if xs else None


def read_samples(path):
    """nvidia-smi's rows (time, index, uuid, name, driver, memory.total, memory.used, utilization.gpu, power.draw)
    as (seconds, index, memory MiB, util %, power W); '[N/A]' fields become None."""
    rows = []
    try:
        with open(path) as f:
            for row in csv.reader(f):
                if len(row) < 9:
                    continue
                def num(s):
                    try:
                        return float(s.strip())
                    except ValueError:
                        return None
                rows.append((num(row[0]), int(num(row[1]) or 0), num(row[6]), num(row[7]), num(row[8])))
    except FileNotFoundError:
        pass
    return [r for r in rows if r[0] is not None]


def main():
    a = parse_args()
    doctor = json.load(open(a.doctor))
    facts, checks = doctor["facts"], {c["name"]: c for c in doctor["checks"]}
    db = sqlite3.connect(f"file:{a.db}?mode=ro", uri=True)
    db.row_factory = sqlite3.Row
    runs = db.execute("select * from runs order by id").fetchall()
    samples = read_samples(a.samples)

    # Every stored series, one row per point: the loss curves and the runner's gpu.* telemetry.
    with open(a.series, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["run_id", "series", "step", "t_ms", "value"])
        for r in db.execute("select run_id, series, step, t_ms, value from metric_points order by run_id, id"):
            w.writerow(list(r))

    out = []
    gpus = facts.get("gpus") or []
    cuda = facts.get("cuda") or {}
    out.append(f"# GPU check, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}\n")
    for g in gpus:
        out.append(f"- GPU {g['index']}: {g['name']}, driver {g['driver']}, {g['memoryTotalMb']} MiB")
    out.append(f"- PyTorch {cuda.get('torch', '—')} ({cuda.get('interpreter', '—')}), CUDA available: {cuda.get('available', cuda.get('error', '—'))}, devices: {cuda.get('devices', '—')}")
    out.append(f"- node {facts.get('node')}, {facts.get('git')}")
    for name in ("sandbox", "gpu in sandbox"):
        c = checks.get(name)
        if c:
            out.append(f"- {name}: {c['status']}: {c['detail']}")
    out.append(f"- exit codes: {a.exits or '—'}; the whole check took {fmt(a.elapsed)} s\n")

    out.append("## Runs\n")
    out.append("wall: the run's life as the runner saw it; outside: wall minus training_seconds (start-up, compilation, evaluation).")
    out.append("eval s: the trusted evaluation (evaluate.py and its two model servers), as the runner timed it; check Δ: the largest")
    out.append("log-probability difference between the scoring pass and the fresh server's causality check; reported: training's own val_bpb.")
    out.append("util and memory: the runner's stored gpu.* series against nvidia-smi's own samples over the run's time.\n")
    out.append("| run | by | commit | status | val_bpb | training s | wall s | outside s | steps | steps/s | tok/s | MFU % | peak VRAM MiB (script) | util % stored / smi | peak MiB stored / smi | points | eval s | check Δ | reported |")
    out.append("|" + "---|" * 19)
    for r in runs:
        s = {k: v.get("value") for k, v in json.loads(r["summary_json"] or "{}").items()}
        wall = (r["ended_at"] - r["started_at"]) / 1000 if r["ended_at"] and r["started_at"] else None
        train = s.get("training_seconds")
        steps = s.get("num_steps")
        tokens = s.get("total_tokens_M")
        stored = lambda series: [p[0] for p in db.execute("select value from metric_points where run_id = ? and series = ?", (r["id"], series))]
        util_stored, mem_stored = stored("gpu.util_percent"), stored("gpu.memory_mb")
        gpu = json.loads(r["gpu_json"] or "null")
        evaluation = json.loads(r["evaluation_json"] or "null") or {}
        window = [
            x for x in samples
            if r["started_at"] and r["ended_at"] and r["started_at"] / 1000 <= x[0] <= r["ended_at"] / 1000 and (gpu is None or x[1] == gpu["index"])
        ]
        util_smi = [x[3] for x in window if x[3] is not None]
        mem_smi = [x[2] for x in window if x[2] is not None]
        out.append("| " + " | ".join([
            str(r["id"]), r["origin"], (r["commit_sha"] or "")[:7], r["status"], fmt(r["metric_value"], 4),
            fmt(train), fmt(wall), fmt(wall - train if wall is not None and train is not None else None),
            fmt(steps), fmt(steps / train if steps and train else None, 2),
            fmt(tokens * 1e6 / train if tokens and train else None, 0), fmt(s.get("mfu_percent")), fmt(s.get("peak_vram_mb"), 0),
            f"{fmt(mean(util_stored))} / {fmt(mean(util_smi))}",
            f"{fmt(max(mem_stored, default=None), 0)} / {fmt(max(mem_smi, default=None), 0)}",
            str(r["point_count"]),
            fmt(evaluation["durationMs"] / 1000 if evaluation.get("durationMs") is not None else None, 2),
            str((evaluation.get("summary") or {}).get("check_max_diff", "—")),
            fmt(r["reported_metric"], 4),
        ]) + " |")

    # The noise: every finished run of the unchanged baseline (the single run and the session's baseline repeats).
    session = db.execute("select * from sessions order by id limit 1").fetchone()
    base = session["baseline_commit"] if session else (runs[0]["commit_sha"] if runs else None)
    values = [r["metric_value"] for r in runs if r["commit_sha"] == base and r["metric_value"] is not None]
    out.append("\n## Noise of the baseline\n")
    if len(values) >= 2:
        out.append(f"val_bpb over {len(values)} runs of the baseline: {', '.join(f'{v:.4f}' for v in values)}; mean {statistics.fmean(values):.4f}, σ {statistics.stdev(values):.4f}")
    else:
        out.append(f"fewer than two finished baseline runs ({len(values)}): no σ")
    if session and session["noise_sigma"] is not None:
        out.append(f"(the session's own σ, over its baseline runs: {session['noise_sigma']:.4f})")

    out.append("\n## The loop\n")
    if session:
        srun = [r for r in runs if r["origin"] == "session" and r["started_at"] and r["ended_at"]]
        if srun:
            span = (max(r["ended_at"] for r in srun) - min(r["started_at"] for r in srun)) / 1000
            busy = sum(r["ended_at"] - r["started_at"] for r in srun) / 1000
            gaps = [(b["started_at"] - a_["ended_at"]) / 1000 for a_, b in zip(srun, srun[1:])]
            out.append(f"- {len(srun)} runs in {span:.0f} s; a run was going {100 * busy / span:.0f}% of that time (one GPU, one run at a time)")
            if gaps:
                out.append(f"- gap between one run's end and the next one's start: median {statistics.median(gaps):.2f} s, max {max(gaps):.2f} s")
        out.append(f"- session {session['id']}: {session['status']}, {session['stop_reason'] or ''}\n")
        out.append("| # | title | status | val_bpb | reason |")
        out.append("|---|---|---|---|---|")
        for e in db.execute("select idx, title, status, metric_value, reason from experiments where session_id = ? order by idx", (session["id"],)):
            reason = (e["reason"] or "").splitlines()[0] if e["reason"] else ""
            out.append(f"| {e['idx']} | {e['title']} | {e['status']} | {fmt(e['metric_value'], 4)} | {reason} |")
    else:
        out.append("no session was stored: the loop did not start")
    print("\n".join(out))


if __name__ == "__main__":
    main()
