/**
 * runSession: the research loop — propose, build, gate, await approval, run, decide — for one session until
 * a stop condition, a human's stop, or the process's shutdown (which leaves it resumable). The next proposal
 * is prepared while the current experiment trains, so the GPU does not wait for the proposer.
 */
import fs from "node:fs";
import path from "node:path";
import { isExperimentOpen } from "../../core/experiment-lifecycle";
import { describeGpus, identityOf, pickGpus, type GpuIdentity } from "../../core/gpu";
import { applyEdits } from "../../core/edits";
import { configSignature } from "../../core/mutate";
import { decideNext, slotDemand, waitsForHuman, type SchedulerView } from "../../core/loop-scheduler";
import { listDecisions } from "../../db/queries/human-decisions";
import { goesOnWhenResumed, sinceLastKeep, stopReason } from "../../core/stop-conditions";
import { databaseFault, describeDatabaseWait, persistently } from "../../db/faults";
import type { WorkspaceConfig } from "../../core/workspace-config";
import type { Settings } from "../../core/settings";
import type { Db } from "../../db/open";
import { applyExperimentEvent, createExperiment, listExperiments, type ExperimentRow } from "../../db/queries/experiments";
import { applyRunEvent, getRun, type RunRow } from "../../db/queries/runs";
import { addCosts, linkApiCalls } from "../../db/queries/api-calls";
import { applySessionEvent, claimSession, getSession, releaseSession, sessionOptions, updateSession, type SessionRow } from "../../db/queries/sessions";
import { describeDriver, driverAlive, selfDriver } from "../process-identity";
import { storeFileChanges } from "../../db/queries/snapshots";
import { getWorkspace } from "../../db/queries/workspaces";
import { configAtCommit } from "../workspace";
import { cleanUpAbandonedRun, resumableJob, runWorktree, worktreeRemovals } from "../execute-run";
import { abandonLeftovers } from "./leftovers";
import { exportScheduler } from "../export";
import type { ProposalOutcome, Proposer } from "../proposers/types";
import { branchTip, moveBranch, openSessionGit, pin, readFilesAt, refFor, repinAll, type SessionGit } from "../session-git";
import { branchRepair } from "../../core/branch-repair";
import { createReviewer } from "../reviewer";
import { queryGpus } from "../gpu";
import { createJobSlots, createSlotPool, type Slot, type SlotPool } from "../slot-pool";
import { serialised } from "../serial";
import { buildProposalContext } from "./context";
import { buildCandidate } from "./build-candidate";
import { applyHumanVerdict, runAndDecide } from "./run-and-decide";
import type { StepDeps } from "./step-deps";

export interface LoopDeps {
  db: Db;
  settings: Settings;
  proposer: Proposer;
  log: (line: string) => void;
  /** Aborting stops the loop where it is, leaving the session resumable ("shutdown"). */
  signal?: AbortSignal;
  parentEnv?: Record<string, string | undefined>;
  pollMs?: number;
  /** Return (leaving the session paused) when the loop pauses itself after proposals failed in a row: the headless CLI. */
  exitOnAutoPause?: boolean;
  /** The runner's slots, shared with its single runs and other sessions; without one the session has its GPUs to itself. */
  pool?: SlotPool;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Another live process drives the session: nothing was touched. */
export class SessionDriven extends Error {}

export function drivenElsewhere(sessionId: number, driver: string): string {
  return `session ${sessionId} is being driven by another process (${describeDriver(driver)}): stop it first, or pause the session from the dashboard`;
}

/**
 * Drives the session, one process at a time: a second `overseer loop --resume` (or the CLI on a session the
 * runner drives) is refused with SessionDriven before it touches anything, since its reconcile would stop the
 * runs of the live loop.
 */
export async function runSession(sessionId: number, deps: LoopDeps): Promise<SessionRow> {
  const me = selfDriver();
  const claim = await persistently(() => claimSession(deps.db, sessionId, me, driverAlive), 1000, deps.log);
  if (!claim.ok) throw new SessionDriven(drivenElsewhere(sessionId, claim.holder));
  try {
    return await driveClaimed(sessionId, deps);
  } finally {
    await persistently(() => releaseSession(deps.db, sessionId, me), 1000, deps.log);
  }
}

async function driveClaimed(sessionId: number, deps: LoopDeps): Promise<SessionRow> {
  const { db } = deps;
  let s = getSession(db, sessionId);
  if (!s) throw new Error(`session ${sessionId} does not exist`);
  const ws = getWorkspace(db, s.workspaceId)!;
  const parsedConfig = await configAtCommit(ws.repoRoot, ws.subdir, s.baselineCommit);
  if (!parsedConfig.ok) throw new Error(parsedConfig.error);
  const backend = sessionOptions(s).backend;
  const config = backend ? { ...parsedConfig.config, backend } : parsedConfig.config;
  const g = await openSessionGit({ repoRoot: ws.repoRoot, subdir: ws.subdir.split(path.sep).join("/"), branch: s.branch, sessionId }, deps.settings.dataDir);
  const exports = exportScheduler(db, deps.settings, sessionId, deps.log);
  const steps: StepDeps = {
    db,
    settings: deps.settings,
    ws,
    config,
    g,
    parentEnv: deps.parentEnv,
    log: deps.log,
    exports,
    retryProposal: null,
    reviewer: createReviewer(sessionOptions(s), deps.settings),
    decisions: serialised(),
    leftovers: new Map(),
  };
  steps.retryProposal = async (exp, error) => {
    const ctx = await buildProposalContext(db, getSession(db, sessionId)!, g, config);
    const out = await deps.proposer.propose({ ...ctx, retryError: `Your edits for "${exp.title}" did not apply: ${error}` }, deps.signal);
    // The retry's calls are the experiment's, whatever came of them.
    linkApiCalls(db, out.callIds ?? [], exp.id);
    return out.kind === "proposal" ? out : null;
  };
  try {
    steps.leftovers = await reconcile(db, deps.settings, sessionId, ws.repoRoot, deps.log);
    await repairBranch(g, getSession(db, sessionId)!, listExperiments(db, sessionId), deps.log);
    await repinAll(
      g,
      listExperiments(db, sessionId).flatMap((e) => (e.commitSha ? [{ idx: e.idx, sha: e.commitSha }] : [])),
    );
    if (s.status !== "running") applySessionEvent(db, sessionId, "resumed", Date.now(), { requested: null, endedAt: null, stopReason: null });
    reopenInterrupted(db, sessionId, deps.log);
    // On Slurm the slots are the jobs the session may keep on the cluster, not this machine's GPUs.
    const pool = config.backend === "slurm" ? createJobSlots(config.slurm.maxJobs) : (deps.pool ?? createSlotPool(((await queryGpus(deps.settings.gpu.nvidiaSmi)) ?? []).map(identityOf)));
    const gpus = pickGpus(
      pool.slots.flatMap((slot) => (slot.gpu ? [slot.gpu] : [])),
      sessionOptions(s).gpus,
    );
    if (!gpus.ok) {
      finish(db, steps, sessionId, "failed", gpus.error);
      return getSession(db, sessionId)!;
    }
    deps.log(
      config.backend === "slurm"
        ? `Slurm: up to ${config.slurm.maxJobs} jobs at once, ${config.slurm.gpusPerRun} GPU${config.slurm.gpusPerRun === 1 ? "" : "s"} each`
        : describeGpus(gpus.gpus) + (gpus.gpus.length > 1 ? `: ${gpus.gpus.length} experiments at once, one per GPU` : ""),
    );
    if (listExperiments(db, sessionId).length === 0) await createBaseline(db, g, s, config);
    updateSession(db, sessionId, { gpusJson: JSON.stringify(gpus.gpus) }, Date.now());
    const mine = pool.slots.filter((slot) => slot.gpu === null || gpus.gpus.includes(slot.gpu));
    try {
      await loop(deps, steps, sessionId, config, pool, mine);
    } finally {
      pool.forget(`session:${sessionId}`);
    }
  } finally {
    // Whatever ended the drive (the loop, or a failure before it), no job it kept is left running unwatched.
    await abandonLeftovers(steps, "the session stopped before it took this run over again");
    await exports.flush();
    await worktreeRemovals();
  }
  s = getSession(db, sessionId)!;
  return s;
}

/**
 * Keeps every slot busy: the first open experiment that is not running is taken a step forward (built,
 * gated, awaiting a human) or started on a free slot; the next proposal is prepared while runs train.
 * Runs go on in the background; their decisions are serialised (StepDeps.decisions).
 */
async function loop(deps: LoopDeps, steps: StepDeps, sessionId: number, config: WorkspaceConfig, pool: SlotPool, mine: readonly Slot[]): Promise<void> {
  const { db } = deps;
  const holder = `session:${sessionId}`;
  const inFlight = new Map<number, Promise<void>>();
  let failure: unknown = null;
  let pending: Promise<ProposalOutcome> | null = null;
  // Once the proposer has nothing more to try, the experiments still open finish, then the session does.
  let exhausted: string | null = null;
  // A failure no retry can help (a refused key, no such model): nothing more is proposed; runs in flight finish.
  let fatal: string | null = null;
  let failedInARow = 0;
  let autoPaused = false;
  const propose = async (waitingForHuman?: { count: number; full: boolean }) =>
    deps.proposer.propose({ ...(await buildProposalContext(db, getSession(db, sessionId)!, steps.g, config)), waitingForHuman }, deps.signal);
  /** Records what the proposer answered and applies what follows from it: exhaustion, a fatal stop, a pause. */
  const take = async (outcome: ProposalOutcome) => {
    if (outcome.kind === "no_change") {
      exhausted = `the proposer has nothing more to try: ${outcome.reason}`;
      return;
    }
    if (deps.signal?.aborted && outcome.kind === "failed") return; // stopped mid-call: nothing to record, it is asked again on resume
    await recordProposal(db, steps, getSession(db, sessionId)!, outcome);
    if (outcome.kind === "failed" && outcome.fatal) {
      fatal = outcome.reason;
      deps.log(`the proposer cannot go on: ${outcome.reason}`);
      return;
    }
    failedInARow = outcome.kind === "proposal" ? 0 : failedInARow + 1;
    const limit = sessionOptions(getSession(db, sessionId)!).maxFailedProposals;
    if (failedInARow >= limit) {
      const why = `paused: ${failedInARow} proposals in a row failed, the last because ${"reason" in outcome ? outcome.reason : "?"}. Resume once the cause is fixed.`;
      await persistently(() => updateSession(db, sessionId, { requested: "pause", stopReason: why }, Date.now(), "session_pause_requested"));
      deps.log(why);
      failedInARow = 0;
      autoPaused = true;
    }
  };
  // Wakes when a run ends, or after a poll interval (a human's request, a status changed from the web), or when
  // `proposal` arrives first: then it is returned (null otherwise).
  const waitForRuns = async (proposal: Promise<ProposalOutcome> | null = null) => {
    const outcome = await Promise.race([
      ...(proposal ? [proposal] : []),
      ...[...inFlight.values()].map((run) => run.then(() => null)),
      pool.released().then(() => null),
      sleep(deps.pollMs ?? 200).then(() => null),
    ]);
    if (failure) throw failure;
    return outcome;
  };
  const start = (exp: ExperimentRow, count: number) => {
    const on = pool.claim(holder, count, mine);
    if (!on) throw new Error(`internal error: ${count} slot(s) were free a moment ago and are not now`);
    const done = runOnSlots(
      deps,
      steps,
      exp,
      on.map((slot) => slot.gpu),
    )
      .catch((e: unknown) => void (failure ??= e))
      .finally(() => {
        pool.release(on);
        inFlight.delete(exp.id);
      });
    inFlight.set(exp.id, done);
  };
  // What a human decided about a candidate that waited for approval (from the dashboard or the CLI), said once.
  const lastStatus = new Map<number, string>();
  const reportHumanDecisions = (experiments: ExperimentRow[]) => {
    for (const e of experiments) {
      if (lastStatus.get(e.id) === "awaiting_approval" && e.status !== "awaiting_approval" && e.status !== "proposed") deps.log(`#${e.idx} ${e.status}${e.reason ? `: ${e.reason}` : ""}`);
      lastStatus.set(e.id, e.status);
    }
  };
  // While another program holds the database's lock, each turn is taken again a second later, said once.
  let waitingForDatabase = false;
  try {
    for (;;) {
      if (failure) throw failure;
      if (deps.signal?.aborted) return;
      try {
        if (await turn()) return;
        waitingForDatabase = false;
      } catch (e) {
        // A turn re-reads everything, and each of its writes is one transaction (a result's waits on its own:
        // step-deps `durably`), so a turn a locked database refused can simply be taken again.
        const fault = databaseFault(e);
        if (!fault) throw e;
        if (!waitingForDatabase) deps.log(describeDatabaseWait(fault));
        waitingForDatabase = true;
        await sleep(1000);
      }
    }
  } finally {
    // A shutdown aborts the runs (they are recorded as interrupted and run again); wait for them to say so.
    await Promise.all(inFlight.values());
  }

  /** One decision and its action; true when the loop is done. */
  async function turn(): Promise<boolean> {
    const s = getSession(db, sessionId)!;
    const options = sessionOptions(s);
    const experiments = listExperiments(db, sessionId);
    reportHumanDecisions(experiments);
    const outlines = experiments.map((e) => ({ id: e.id, idx: e.idx, kind: e.kind, status: e.status, hasVerdict: Boolean(e.humanVerdict), inFlight: inFlight.has(e.id), reason: e.reason }));
    const view: SchedulerView = {
      requested: s.requested,
      paused: s.status === "paused",
      exitWhenIdlePaused: autoPaused && Boolean(deps.exitOnAutoPause),
      manualProposer: options.proposer === "manual",
      maxExperiments: options.maxExperiments,
      maxWaiting: options.maxWaiting,
      experiments: outlines,
      slots: { total: mine.length, free: 0 },
      proposing: pending !== null,
      exhausted,
      fatal,
      stopCondition: stopReason(options, {
        proposals: experiments.filter((e) => e.kind !== "baseline").length,
        startedAt: s.createdAt,
        now: Date.now(),
        costUsd: s.costUsd,
        sinceLastKeep: sinceLastKeep(experiments),
      }),
    };
    // Place in line for the slots the next approved experiment needs, then what may be taken now.
    pool.want(holder, slotDemand(view), mine);
    const action = decideNext({ ...view, slots: { total: mine.length, free: pool.grantable(holder, mine).length } });
    const exp = "experimentId" in action ? experiments.find((e) => e.id === action.experimentId)! : null;
    switch (action.kind) {
      case "start":
        start(exp!, action.slots);
        break;
      case "build":
        await build(deps, steps, exp!);
        break;
      case "apply_verdict": {
        const done = await applyHumanVerdict(steps, exp!);
        steps.exports.schedule();
        deps.log(`#${done.idx} ${done.status}: ${done.reason ?? ""}`);
        break;
      }
      case "requeue":
        applyExperimentEvent(db, exp!.id, { type: "requeued" }, Date.now());
        break;
      case "propose":
        pending = propose({ count: outlines.filter(waitsForHuman).length, full: action.queueFull });
        break;
      case "wait": {
        // A proposal already asked for is recorded when it comes (a pause too), so its cost and answer are not lost.
        const arrived = await waitForRuns(pending);
        if (arrived) {
          pending = null;
          await take(arrived);
        }
        break;
      }
      case "mark_paused":
        applySessionEvent(db, sessionId, "paused", Date.now());
        break;
      case "resume":
        applySessionEvent(db, sessionId, "resumed", Date.now(), { stopReason: null });
        autoPaused = false;
        failedInARow = 0;
        break;
      case "exit":
        return true;
      case "finish":
        finish(db, steps, sessionId, action.status, action.reason);
        return true;
    }
    return false;
  }
}

/** Runs an approved experiment on its GPUs; a human's stop cancels it, a shutdown interrupts it. */
async function runOnSlots(deps: LoopDeps, steps: StepDeps, exp: ExperimentRow, gpus: (GpuIdentity | null)[]): Promise<void> {
  deps.log(`#${exp.idx} ${exp.title}${gpus[0] && gpus.length === 1 ? ` (GPU ${gpus[0].index})` : ""}`);
  const controller = new AbortController();
  const onAbort = () => controller.abort("shutdown");
  if (deps.signal?.aborted) onAbort();
  deps.signal?.addEventListener("abort", onAbort, { once: true });
  const watch = setInterval(() => {
    if (getSession(deps.db, exp.sessionId)?.requested === "stop") controller.abort("cancel");
  }, deps.pollMs ?? 200);
  try {
    const done = await runAndDecide(steps, exp, controller.signal, gpus);
    steps.exports.schedule();
    deps.log(`#${done.idx} ${done.status}: ${done.reason?.split("\n")[0] ?? ""}`);
    if (done.status === "awaiting_decision") deps.log(`#${done.idx} waits for a human: overseer keep ${done.id}, or overseer discard ${done.id}`);
  } finally {
    clearInterval(watch);
    deps.signal?.removeEventListener("abort", onAbort);
  }
}

/** Builds and gates a proposed experiment (again, after a human's edit), and says what came of it. */
async function build(deps: LoopDeps, steps: StepDeps, exp: ExperimentRow): Promise<void> {
  if (exp.humanEdited) deps.log(`#${exp.idx} edited by a human: built and gated again`);
  const built = await buildCandidate(steps, exp);
  if (built.status === "awaiting_approval") deps.log(`#${built.idx} ${built.title} awaits approval: overseer approve ${built.id}, or overseer reject ${built.id}`);
  else if (built.status !== "approved") deps.log(`#${built.idx} ${built.status}: ${built.reason ?? ""}`);
}

/**
 * The proposal and its API calls are one write: its calls (already in the session's cost, db/queries/api-calls)
 * are linked to the experiment it becomes, so a kill never counts a cost twice or loses an experiment.
 */
async function recordProposal(db: Db, steps: StepDeps, s: SessionRow, outcome: Exclude<ProposalOutcome, { kind: "no_change" }>): Promise<void> {
  const common = { sessionId: s.id, proposer: sessionOptions(s).proposer, tokensJson: outcome.tokens ? JSON.stringify(outcome.tokens) : null, at: Date.now() };
  const link = (experimentId: number) => {
    if (outcome.callIds?.length) linkApiCalls(db, outcome.callIds, experimentId);
    // A proposer that spends without metering its calls (none of Overseer's): its cost still counts.
    else if (outcome.costUsd > 0) addCosts(db, s.id, experimentId, outcome.costUsd);
  };
  if (outcome.kind !== "proposal") {
    // What was paid for is recorded whatever the database is doing: a lock is waited out.
    await persistently(() =>
      db.transaction(() => {
        const exp = createExperiment(db, { ...common, kind: "proposal", status: "proposed", title: outcome.kind === "refused" ? "proposal refused" : "proposal failed" });
        link(exp.id);
        applyExperimentEvent(db, exp.id, { type: "proposal_failed" }, Date.now(), { reason: outcome.reason, decidedAt: Date.now() });
      }),
    );
    return;
  }
  const files = await readFilesAt(steps.g, s.bestCommit, steps.config.editable);
  const applied = applyEdits(files, outcome.edits);
  await persistently(() =>
    db.transaction(() => {
      const exp = createExperiment(db, {
        ...common,
        kind: outcome.fixOf !== undefined ? "fix" : "proposal",
        fixOf: outcome.fixOf ?? null,
        status: "proposed",
        title: outcome.title,
        hypothesis: outcome.hypothesis,
        editsJson: JSON.stringify(outcome.edits),
        configSig: applied.ok ? configSignature(applied.files) : null,
        notebookJson: outcome.notebook ? JSON.stringify(outcome.notebook) : null,
      });
      link(exp.id);
    }),
  );
}

async function createBaseline(db: Db, g: SessionGit, s: SessionRow, config: WorkspaceConfig): Promise<void> {
  const files = await readFilesAt(g, s.baselineCommit, config.editable);
  const filesJson = JSON.stringify(storeFileChanges(db, files, files, true));
  const exp = createExperiment(db, {
    sessionId: s.id,
    kind: "baseline",
    status: "approved",
    title: "baseline",
    proposer: "none",
    commitSha: s.baselineCommit,
    parentCommit: s.baselineCommit,
    filesJson,
    at: Date.now(),
  });
  await pin(g, refFor(s.id, exp.idx), s.baselineCommit);
}

/** What a stop interrupted goes on when the session is resumed (core/stop-conditions): a human's stop is not a crash. */
function reopenInterrupted(db: Db, sessionId: number, log: (line: string) => void): void {
  for (const e of listExperiments(db, sessionId)) {
    if (!goesOnWhenResumed(e)) continue;
    // A candidate that would have run unattended is gated again: the sandbox, or the policy, may have changed
    // since. One a human approved keeps its approval (the rebuild on a newer best checks the risk did not grow).
    const wasRunnable = e.interruptedFrom === "approved" || e.interruptedFrom === "running";
    const humanApproved = listDecisions(db, e.id).some((d) => d.action === "approved" || d.action === "edited");
    const from = e.kind === "baseline" ? "approved" : wasRunnable && !humanApproved ? "proposed" : e.interruptedFrom!;
    applyExperimentEvent(db, e.id, { type: "resumed", from }, Date.now(), { interruptedFrom: null, reason: e.reasonBeforeStop, reasonBeforeStop: null, decidedAt: null });
    log(
      `#${e.idx} ${e.kind === "baseline" ? "baseline" : e.title}: interrupted by the stop, it goes on (${from === "proposed" ? "built and gated again" : from === "running" ? "runs again" : from.replace(/_/g, " ")})`,
    );
  }
}

function finish(db: Db, steps: StepDeps, sessionId: number, status: "stopped" | "finished" | "failed", reason: string): void {
  for (const e of listExperiments(db, sessionId)) {
    if (isExperimentOpen(e.status))
      applyExperimentEvent(db, e.id, { type: "interrupted" }, Date.now(), {
        reason: `the session ${status}: it goes on when the session is resumed`,
        decidedAt: Date.now(),
        interruptedFrom: e.status,
        reasonBeforeStop: e.reason,
      });
  }
  applySessionEvent(db, sessionId, status, Date.now(), { stopReason: reason, endedAt: Date.now(), requested: null });
  steps.log(`session ${status}: ${reason}`);
}

/**
 * A loop that died left experiments running: they run again. Their Slurm runs whose jobs can be taken over are
 * kept, by experiment, for the loop to follow to their end when the experiment runs (StepDeps.leftovers); other
 * runs in flight are stopped. A run it had queued but not started is cancelled, and a worktree it had not yet
 * removed is removed.
 */
/** Puts the branch back where the database says the best is, when a kill came between moving it and recording the keep. */
async function repairBranch(g: SessionGit, s: SessionRow, experiments: ExperimentRow[], log: (line: string) => void): Promise<void> {
  const repair = branchRepair(await branchTip(g), s.bestCommit, experiments);
  if (repair.kind === "move_back") {
    await moveBranch(g, repair.to, repair.from);
    log(`the branch was at #${repair.idx}, whose keep was never recorded (the loop was stopped in between): moved back to the best, ${repair.to.slice(0, 8)}`);
  } else if (repair.kind === "foreign") {
    log(
      `warning: ${g.branch} is ${repair.tip ? `at ${repair.tip.slice(0, 8)}` : "gone"}, not at the session's best ${s.bestCommit.slice(0, 8)}; keeps fail until it is put back (git branch -f ${g.branch} ${s.bestCommit.slice(0, 8)})`,
    );
  }
}

async function reconcile(db: Db, settings: Settings, sessionId: number, repoRoot: string, log: (line: string) => void): Promise<Map<number, RunRow[]>> {
  const leftovers = new Map<number, RunRow[]>();
  for (const e of listExperiments(db, sessionId)) {
    for (const runId of JSON.parse(e.runIdsJson) as number[]) {
      const run = getRun(db, runId);
      if (!run) continue;
      const job = run.status === "running" && e.status === "running" ? resumableJob(settings, run) : null;
      if (job) {
        leftovers.set(e.id, [...(leftovers.get(e.id) ?? []), run]);
        log(`#${e.idx}: run ${run.id}'s Slurm job ${job} is still the cluster's: the loop takes it over when #${e.idx} runs again`);
      } else if (run.status === "running") {
        await cleanUpAbandonedRun(db, settings, repoRoot, run);
        applyRunEvent(db, run.id, { type: "run_interrupted" }, Date.now(), { endedAt: Date.now(), reason: "the loop stopped while this run was in flight" });
      } else if (run.status === "queued") {
        applyRunEvent(db, run.id, { type: "run_cancelled" }, Date.now(), { endedAt: Date.now(), reason: "the loop stopped before this run started" });
      } else if (fs.existsSync(runWorktree(settings, run.id))) {
        await cleanUpAbandonedRun(db, settings, repoRoot, run);
      }
    }
    if (e.status === "running") applyExperimentEvent(db, e.id, { type: "requeued" }, Date.now(), { reason: "the loop was restarted: running it again" });
  }
  return leftovers;
}
