/**
 * `overseer start` (the runner daemon and the web process it supervises, as `npm start` runs them) on a data
 * folder and database of the benchmark's own, and what the benchmarks ask of it: readiness, a tRPC query's
 * time and size, the processes' memory.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import type { Db } from "../../db/open";
import { loadWorkspace, registerWorkspace } from "../../runner/workspace";
import { gitWorkspace, openBenchDb, ROOT, tempDir } from "./fixture";

export interface Dashboard {
  url: string;
  runnerPid: number;
  /** The `next start` process the runner supervises. */
  webPid(): number | null;
  stop(): Promise<void>;
}

/** The benchmarks' access token (OVERSEER_TOKEN): every change needs one, on loopback too. */
export const BENCH_TOKEN = "bench-only-access-token-5b1e0c7a";

/** root: the Overseer installation to start (another checkout, to measure an earlier version). */
export async function startDashboard(o: { dataDir: string; dbFile?: string; port: number; env?: Record<string, string>; root?: string }): Promise<Dashboard> {
  const env = {
    ...process.env,
    OVERSEER_TOKEN: BENCH_TOKEN,
    ...o.env,
    OVERSEER_DATA_DIR: o.dataDir,
    OVERSEER_DB_FILE: o.dbFile ?? path.join(o.dataDir, "overseer.db"),
    OVERSEER_PORT: String(o.port),
    OVERSEER_NVIDIA_SMI: "/nonexistent/nvidia-smi",
    NEXT_TELEMETRY_DISABLED: "1",
  };
  const root = o.root ?? ROOT;
  const child: ChildProcess = spawn(path.join(root, "bin", "overseer"), ["start"], { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (b: Buffer) => (output += b.toString()));
  child.stderr!.on("data", (b: Buffer) => (output += b.toString()));
  const url = `http://127.0.0.1:${o.port}`;
  const deadline = Date.now() + 180_000; // a stale build is rebuilt first
  for (;;) {
    if (child.exitCode !== null) throw new Error(`overseer start exited (${child.exitCode}):\n${output}`);
    const ok = await fetch(`${url}/api/trpc/system.runner`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`the dashboard did not answer within 180 s:\n${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    runnerPid: child.pid!,
    webPid: () => childrenOf(child.pid!)[0] ?? null,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    },
  };
}

function childrenOf(pid: number): number[] {
  try {
    return fs.readdirSync(`/proc/${pid}/task`).flatMap((t) => fs.readFileSync(`/proc/${pid}/task/${t}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number));
  } catch {
    return [];
  }
}

/** Resident memory in bytes (Linux). */
export function rssOf(pid: number | null): number {
  if (pid === null) return NaN;
  const m = /^VmRSS:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) * 1024 : NaN;
}

/** A tRPC query over HTTP, as the browser sends it: its time and the JSON's size. */
export async function timedQuery(url: string, procedure: string, input: unknown): Promise<{ ms: number; bytes: number }> {
  const t = performance.now();
  const res = await fetch(`${url}/api/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify(input))}`);
  const body = await res.text();
  if (!res.ok) throw new Error(`${procedure} answered ${res.status}: ${body.slice(0, 300)}`);
  return { ms: performance.now() - t, bytes: Buffer.byteLength(body) };
}

/** A fresh data folder whose database holds one workspace (a git repository of these files), and the dashboard on it. */
export async function dashboardWithWorkspace(
  files: Record<string, string>,
  port: number,
  o: { env?: Record<string, string>; root?: string } = {},
): Promise<{ dataDir: string; db: Db; workspaceId: number; dash: Dashboard }> {
  const dataDir = tempDir("overseer-bench-dash-");
  const db = openBenchDb(dataDir);
  const loaded = await loadWorkspace(gitWorkspace(files));
  if (!loaded.ok) throw new Error(loaded.error);
  const ws = registerWorkspace(db, loaded.workspace, Date.now());
  return { dataDir, db, workspaceId: ws.id, dash: await startDashboard({ dataDir, port, ...o }) };
}

/** Queues a run of the workspace as the dashboard's "Start baseline run" button does; returns its id. */
export async function queueRun(url: string, workspaceId: number): Promise<number> {
  const res = await fetch(`${url}/api/trpc/run.start`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${BENCH_TOKEN}` },
    body: JSON.stringify({ workspaceId }),
  });
  return ((await res.json()) as { result: { data: { id: number } } }).result.data.id;
}
