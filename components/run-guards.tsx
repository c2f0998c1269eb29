"use client";
/** Beyond this many fingerprinted files (a corpus is hundreds), the rest are folded away. */
const SHOWN_FILES = 4;

/** What the runtime guards found: a forged-looking result, what was fingerprinted, the sandbox. */
export function RunGuards({ run }: { run: { suspicion: string | null; guards: { sandbox?: string; limits?: string; hashed?: string[]; changed?: string[] } | null } }) {
  if (!run.suspicion && !run.guards) return null;
  const hashed = run.guards?.hashed ?? [];
  const changed = run.guards?.changed ?? [];
  return (
    <div className="guards" aria-label="runtime guards">
      {run.suspicion && (
        <p className="error" role="alert">
          Suspicious — its keep waits for a human: {run.suspicion.split("\n").join("; ")}
        </p>
      )}
      {run.guards && (
        <div className="muted">
          {run.guards.sandbox ? `Sandbox: ${run.guards.sandbox}. ` : ""}
          {run.guards.limits ? `Limits: ${run.guards.limits}. ` : ""}
          {hashed.length > 0 && (
            <>
              {`Checked unchanged (${hashed.length}): ${hashed.slice(0, SHOWN_FILES).join(", ")}`}
              {changed.length > 0 ? ` — changed: ${changed.join(", ")}` : ""}.{" "}
              {hashed.length > SHOWN_FILES && (
                <details className="inline-details">
                  <summary>{hashed.length - SHOWN_FILES} more</summary>
                  <span className="mono">{hashed.slice(SHOWN_FILES).join(", ")}</span>
                </details>
              )}
            </>
          )}
        </div>
      )}
    </div>
  );
}
