"use client";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { CURRENT_MODELS, EFFORTS, type Effort } from "../core/claude/models";
import { formatSeconds } from "../core/format";
import { useTRPC } from "./trpc";

interface MoreOptions {
  tag: string;
  seed: number;
  minutes: number;
  costUsd: number;
  plateau: number;
  gpus: string;
  /** Where runs execute; "": as the workspace's overseer.json says. */
  backend: "" | "local" | "slurm";
}
const NO_MORE: MoreOptions = { tag: "", seed: 0, minutes: 0, costUsd: 0, plateau: 0, gpus: "", backend: "" };

type Saved = Partial<{
  proposer: "mutate" | "claude" | "manual";
  experiments: number;
  approve: "auto" | "risky" | "all";
  maxWaiting: number;
  baselineRuns: number;
  runsPerCandidate: number;
  withinNoise: "rerun" | "ask";
  more: Partial<MoreOptions>;
}>;

function readSaved(key: string): Saved | null {
  try {
    const raw = localStorage.getItem(key);
    return raw ? (JSON.parse(raw) as Saved) : null;
  } catch {
    return null;
  }
}

/** Starts a research loop on a workspace: the offline `mutate` proposer works without an API key. */
export function StartLoop({
  workspaceId,
  disabled,
  budgetSeconds,
  backend = "local",
}: {
  workspaceId: number;
  disabled: boolean;
  budgetSeconds: number | null;
  /** The workspace's own (overseer.json's `backend`). */
  backend?: "local" | "slurm";
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const [proposer, setProposer] = useState<"mutate" | "claude" | "manual">("mutate");
  const [experiments, setExperiments] = useState(10);
  const [approve, setApprove] = useState<"auto" | "risky" | "all">("risky");
  const [maxWaiting, setMaxWaiting] = useState(3);
  const [baselineRuns, setBaselineRuns] = useState(3);
  const [runsPerCandidate, setRunsPerCandidate] = useState(2);
  const [withinNoise, setWithinNoise] = useState<"rerun" | "ask">("rerun");
  const [reviewer, setReviewer] = useState(false);
  const [model, setModel] = useState("");
  const [effort, setEffort] = useState<Effort | "default">("high");
  const [toolCalls, setToolCalls] = useState(12);
  const [proposalCost, setProposalCost] = useState(2);
  const [unsandboxedOk, setUnsandboxedOk] = useState(false);
  const [more, setMore] = useState<MoreOptions>(NO_MORE);
  // The last choices on this workspace, from this browser: a second session starts as the first did.
  const remembered = `overseer-start:${workspaceId}`;
  useEffect(() => {
    const saved = readSaved(remembered);
    if (!saved) return;
    if (saved.proposer) setProposer(saved.proposer);
    if (saved.experiments) setExperiments(saved.experiments);
    if (saved.approve) setApprove(saved.approve);
    if (saved.maxWaiting) setMaxWaiting(saved.maxWaiting);
    if (saved.baselineRuns) setBaselineRuns(saved.baselineRuns);
    if (saved.runsPerCandidate) setRunsPerCandidate(saved.runsPerCandidate);
    if (saved.withinNoise) setWithinNoise(saved.withinNoise);
    if (saved.more) setMore({ ...NO_MORE, ...saved.more, tag: "" });
  }, [remembered]);
  const caps = useQuery(trpc.system.capabilities.queryOptions());
  const runner = useQuery(trpc.system.runner.queryOptions());
  const noSandbox = runner.data?.online && runner.data.sandbox?.startsWith("unavailable") ? runner.data.sandbox : null;
  const start = useMutation(trpc.session.start.mutationOptions({ onSuccess: (s) => router.push(`/sessions/${s.id}`) }));
  return (
    <form
      className="start-loop"
      onSubmit={(e) => {
        e.preventDefault();
        const claude = proposer === "claude" || reviewer;
        const picked = model.trim();
        const gpus = more.gpus.trim() ? more.gpus.split(",").map((g) => Number(g.trim())) : null;
        try {
          localStorage.setItem(remembered, JSON.stringify({ proposer, experiments, approve, maxWaiting, baselineRuns, runsPerCandidate, withinNoise, more }));
        } catch {
          // storage full or refused: the form is only not remembered
        }
        start.mutate({
          workspaceId,
          ...(more.tag.trim() ? { tag: more.tag.trim() } : {}),
          options: {
            seed: more.seed,
            maxWallSeconds: more.minutes > 0 ? more.minutes * 60 : null,
            maxCostUsd: more.costUsd > 0 ? more.costUsd : null,
            plateau: more.plateau > 0 ? more.plateau : null,
            ...(gpus ? { gpus } : {}),
            ...(more.backend ? { backend: more.backend } : {}),
            proposer,
            maxExperiments: experiments,
            approve,
            maxWaiting,
            baselineRuns,
            maxRunsPerCandidate: runsPerCandidate,
            withinNoise,
            requireSandbox: !unsandboxedOk,
            reviewer: reviewer ? "claude" : "none",
            ...(claude
              ? { effort: effort === "default" ? null : effort, maxToolCalls: toolCalls, maxProposalCostUsd: proposalCost > 0 ? proposalCost : null, ...(picked ? { model: picked } : {}) }
              : {}),
          },
        });
      }}
    >
      <label>
        proposer{" "}
        <select value={proposer} onChange={(e) => setProposer(e.target.value as typeof proposer)} aria-label="proposer">
          <option value="mutate">mutate (offline)</option>
          <option value="claude" disabled={caps.data?.claude === false}>
            {caps.data?.claude === false ? (caps.data.claudeModel ? "claude (the key was refused)" : "claude (set ANTHROPIC_API_KEY)") : `claude (${caps.data?.claudeModel ?? "…"})`}
          </option>
          <option value="manual">manual</option>
        </select>
      </label>
      <label>
        experiments <input type="number" min={1} max={1000} value={experiments} onChange={(e) => setExperiments(Number(e.target.value))} aria-label="experiments" />
      </label>
      {/* The budget is the workspace's, as TIME_BUDGET is autoresearch's: one value, so every run of every session compares. */}
      {budgetSeconds !== null && (
        <span
          className="muted"
          aria-label="budget per run"
          title="budgetSeconds in the workspace's overseer.json, as committed: a session reads it at the commit it starts from. Change it on the workspace page."
        >
          {formatSeconds(budgetSeconds * 1000)} per run (overseer.json)
        </span>
      )}
      <label>
        approval{" "}
        <select value={approve} onChange={(e) => setApprove(e.target.value as typeof approve)} aria-label="approval">
          <option value="risky">ask me for code changes (run hyperparameters)</option>
          <option value="auto">ask me only for high-risk changes</option>
          <option value="all">ask me for every change</option>
        </select>
      </label>
      <label title="Candidates that may wait for you at once: meanwhile the GPU runs what may run, and once this many wait the proposer is asked only for changes that run unattended">
        waiting <input type="number" min={1} max={50} value={maxWaiting} onChange={(e) => setMaxWaiting(Number(e.target.value))} aria-label="candidates waiting at once" />
      </label>
      <label title="Runs of the unmodified code: their spread (σ) is the noise a gain must beat. One run measures no noise.">
        baseline runs <input type="number" min={1} max={20} value={baselineRuns} onChange={(e) => setBaselineRuns(Number(e.target.value))} aria-label="baseline runs" />
      </label>
      <label title="Runs a candidate gets in all when its first run's gain is within the noise; judged on their mean">
        runs per candidate <input type="number" min={1} max={10} value={runsPerCandidate} onChange={(e) => setRunsPerCandidate(Number(e.target.value))} aria-label="runs per candidate" />
      </label>
      <label>
        within the noise{" "}
        <select value={withinNoise} onChange={(e) => setWithinNoise(e.target.value as typeof withinNoise)} aria-label="within the noise">
          <option value="rerun">discard it</option>
          <option value="ask">ask me to keep or discard</option>
        </select>
      </label>
      <details className="more-options">
        <summary>more: tag, seed, limits, GPUs</summary>
        <label title="The session's branch is overseer/<tag>; empty: today's date">
          tag <input value={more.tag} onChange={(e) => setMore({ ...more, tag: e.target.value })} aria-label="tag" size={12} placeholder="dec2" />
        </label>
        <label>
          seed <input type="number" min={0} value={more.seed} onChange={(e) => setMore({ ...more, seed: Number(e.target.value) })} aria-label="seed" />
        </label>
        <label title="Stop after this many minutes; 0: no limit">
          minutes <input type="number" min={0} value={more.minutes} onChange={(e) => setMore({ ...more, minutes: Number(e.target.value) })} aria-label="max minutes" />
        </label>
        <label title="Stop once the Claude API has cost this much; 0: no limit">
          $ in all <input type="number" min={0} step={1} value={more.costUsd} onChange={(e) => setMore({ ...more, costUsd: Number(e.target.value) })} aria-label="max cost" />
        </label>
        <label title="Stop after this many experiments in a row without an improvement; 0: never">
          plateau <input type="number" min={0} value={more.plateau} onChange={(e) => setMore({ ...more, plateau: Number(e.target.value) })} aria-label="plateau" />
        </label>
        <label title="Where runs execute: this machine's GPUs, or one Slurm batch job each (overseer.json's slurm settings: partition, GPUs per run, jobs at once)">
          runs on{" "}
          <select value={more.backend} onChange={(e) => setMore({ ...more, backend: e.target.value as MoreOptions["backend"] })} aria-label="backend">
            <option value="">{backend === "slurm" ? "Slurm" : "this machine"} (overseer.json)</option>
            <option value="local">this machine</option>
            <option value="slurm">Slurm</option>
          </select>
        </label>
        <label title="nvidia-smi indexes, comma-separated; empty: every GPU">
          GPUs <input value={more.gpus} onChange={(e) => setMore({ ...more, gpus: e.target.value })} aria-label="GPUs" size={8} placeholder="all" pattern="\s*\d+(\s*,\s*\d+)*\s*" />
        </label>
      </details>
      {caps.data?.claude && (proposer === "claude" || reviewer) && (
        <>
          <label title="Any model id works; what it can do comes from the Models API">
            model <input list="claude-models" value={model} placeholder={caps.data.claudeModel ?? ""} onChange={(e) => setModel(e.target.value)} aria-label="model" size={18} />
            <datalist id="claude-models">
              {CURRENT_MODELS.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.name}
                </option>
              ))}
            </datalist>
          </label>
          <label title="How hard Claude thinks before it proposes (output_config.effort)">
            effort{" "}
            <select value={effort} onChange={(e) => setEffort(e.target.value as typeof effort)} aria-label="effort">
              {EFFORTS.map((l) => (
                <option key={l} value={l}>
                  {l}
                </option>
              ))}
              <option value="default">the model&apos;s default</option>
            </select>
          </label>
          <label title="Read-only tool calls one proposal may make before it must propose">
            tool calls <input type="number" min={0} max={100} value={toolCalls} onChange={(e) => setToolCalls(Number(e.target.value))} aria-label="tool calls per proposal" />
          </label>
          <label title="US dollars one proposal may spend; 0 for no limit but the session's">
            $ per proposal <input type="number" min={0} step={0.5} value={proposalCost} onChange={(e) => setProposalCost(Number(e.target.value))} aria-label="dollars per proposal" />
          </label>
        </>
      )}
      {caps.data?.claude && (
        <label title="Claude reads each diff too; the stricter of it and the gate's rules wins">
          <input type="checkbox" checked={reviewer} onChange={(e) => setReviewer(e.target.checked)} /> reviewer model
        </label>
      )}
      {noSandbox && (
        <label className="warning" title={noSandbox}>
          <input type="checkbox" checked={unsandboxedOk} onChange={(e) => setUnsandboxedOk(e.target.checked)} aria-label="run without a sandbox" /> run candidates without a sandbox (runs are not
          isolated: {noSandbox.replace(/^unavailable: /, "")}; unchecked, every candidate waits for your approval)
        </label>
      )}
      <button type="submit" disabled={disabled || start.isPending}>
        Start loop
      </button>
      {caps.data?.claude === false && !caps.data.claudeModel && (
        <span className="muted">
          No ANTHROPIC_API_KEY: mutate runs offline. For Claude, set ANTHROPIC_API_KEY in .env or the environment (and ANTHROPIC_BASE_URL for a compatible server) and restart.
        </span>
      )}
      {caps.data?.claudeError && caps.data.claudeModel && <span className="error">Claude: {caps.data.claudeError}</span>}
      {caps.data?.claudeNote && <span className="muted">Claude: {caps.data.claudeNote}</span>}
      {start.error && <span className="error">{start.error.message}</span>}
    </form>
  );
}
