"use client";
/** What the runtime guards found: a forged-looking result, what was fingerprinted, the sandbox. */
export function RunGuards({ run }: { run: { suspicion: string | null; guards: { sandbox?: string; limits?: string; hashed?: string[]; changed?: string[] } | null } }) {
  if (!run.suspicion && !run.guards) return null;
  return (
    <div className="guards" aria-label="runtime guards">
      {run.suspicion && (
        <p className="error" role="alert">
          Suspicious — its keep waits for a human: {run.suspicion.split("\n").join("; ")}
        </p>
      )}
      {run.guards && (
        <p className="muted">
          {run.guards.sandbox ? `Sandbox: ${run.guards.sandbox}. ` : ""}
          {run.guards.limits ? `Limits: ${run.guards.limits}. ` : ""}
          {run.guards.hashed?.length ? `Checked unchanged: ${run.guards.hashed.join(", ")}${run.guards.changed?.length ? ` — changed: ${run.guards.changed.join(", ")}` : ""}.` : ""}
        </p>
      )}
    </div>
  );
}
