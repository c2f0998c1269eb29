"use client";
import { useMutation, useQuery } from "@tanstack/react-query";
import type { CheckStatus } from "../core/doctor";
import { useTRPC } from "./trpc";

const MARK: Record<CheckStatus, string> = { ok: "ok", warn: "warn", fail: "FAIL", "not checked": "—" };

/**
 * The runner's `overseer doctor` of its machine: what this Overseer lacks and what to do about it. The web probes
 * nothing; the runner checks at its start, every 15 minutes, and when asked here.
 */
export function MachinePanel() {
  const trpc = useTRPC();
  const machine = useQuery(trpc.system.machine.queryOptions());
  const again = useMutation(trpc.system.checkMachine.mutationOptions({ onSuccess: () => void machine.refetch() }));
  const report = machine.data?.report ?? null;
  const requested = machine.data?.requestedAt ?? null;
  const checking = requested !== null && (report === null || requested > report.checkedAt);
  const problems = report?.checks.filter((c) => c.status === "fail" || c.status === "warn") ?? [];
  const passed = report?.checks.filter((c) => c.status === "ok").length ?? 0;
  const unchecked = report?.checks.filter((c) => c.status === "not checked").length ?? 0;
  return (
    <section id="machine" aria-label="this machine">
      <h2>
        This machine{" "}
        <button type="button" className="link" disabled={again.isPending || checking} onClick={() => again.mutate()}>
          {checking ? "checking…" : "check again"}
        </button>
      </h2>
      {!report ? (
        <p className="muted">
          The runner checks this machine when it starts; no runner has yet. <code>bin/overseer doctor</code> checks it from a shell.
        </p>
      ) : (
        <>
          <p className={problems.some((c) => c.status === "fail") ? "error" : "muted"}>
            {problems.length === 0
              ? `${passed} of ${report.checks.length} checks pass${unchecked ? `, ${unchecked} could not be checked` : ""}`
              : `${problems.length} of ${report.checks.length} checks need you`}
            , as the runner found them at {new Date(report.checkedAt).toLocaleTimeString()} (the same checks as <code>bin/overseer doctor</code>).
          </p>
          <table className="table doctor" aria-label="machine checks">
            <tbody>
              {report.checks.map((c) => (
                <tr key={c.name} className={`doctor-${c.status.replace(" ", "-")}`}>
                  <td className="doctor-status">{MARK[c.status]}</td>
                  <td className="mono doctor-name">{c.name}</td>
                  <td>
                    {c.detail}
                    {c.fix && <div className="doctor-fix">→ {c.fix}</div>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {again.error && <p className="error">{again.error.message}</p>}
    </section>
  );
}
