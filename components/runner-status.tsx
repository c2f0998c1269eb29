"use client";
import { useQuery } from "@tanstack/react-query";
import { describeGpus, type GpuIdentity } from "../core/gpu";
import { useTRPC } from "./trpc";

/** "2 × H100 80GB HBM3": the top bar's short form (the title has the driver). */
function gpuSummary(gpus: GpuIdentity[]): string {
  return describeGpus(gpus)
    .replace(/, driver .*$/, "")
    .replace(/NVIDIA /g, "");
}

/** Without a runner, queued runs wait; LiveEvents keeps this up to date. */
export function RunnerStatus() {
  const trpc = useTRPC();
  const { data } = useQuery(trpc.system.runner.queryOptions());
  if (!data) return null;
  const unsandboxed = data.online && data.sandbox?.startsWith("unavailable");
  if (data.databaseLocked) {
    return (
      <span className="runner offline" role="status" title="a sqlite3 shell left in a transaction, or a backup, holds data/overseer.db; the runner waits for it and loses nothing">
        database locked by another program — the runner waits for it
      </span>
    );
  }
  return (
    <>
      <span
        className={`runner ${data.online ? "online" : "offline"}`}
        title={data.online ? `runner pid ${data.pid}; sandbox ${data.sandbox ?? "unknown"}` : "start it with npm start or bin/overseer runner"}
      >
        {data.online ? "runner online" : "runner offline — queued runs wait"}
      </span>
      {data.online && data.gpus && (
        <span className={`runner gpus ${data.gpus.length ? "" : "cpu-only"}`} title={describeGpus(data.gpus)}>
          {data.gpus.length ? gpuSummary(data.gpus) : "CPU only: no NVIDIA GPU found"}
        </span>
      )}
      {data.disk && (
        <span className="runner disk-full" role="status" title={data.disk}>
          disk almost full — new runs wait
        </span>
      )}
      {unsandboxed && (
        <span className="runner unsandboxed" role="status" title={data.sandbox ?? ""}>
          no sandbox: runs can reach the network and your files
        </span>
      )}
    </>
  );
}
