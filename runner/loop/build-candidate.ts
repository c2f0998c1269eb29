/** Building an experiment's candidate: its commit on the current best, the gate's verdict (and the reviewer's), approval or not. */
import { fillMissingAnalyses } from "../../db/queries/experiment-analysis";
import { applyEdits } from "../../core/edits";
import { gateCandidate, needsHuman, editNeedsApprovalAgain, withReviewer, type ApprovalPolicy, type GateVerdict } from "../../core/gate";
import { configSignature } from "../../core/mutate";
import { treeDiff } from "../../core/unified-diff";
import type { FileEdit } from "../../core/types";
import type { ExperimentEvent } from "../../core/experiment-lifecycle";
import { applyExperimentEvent, updateExperiment, type ExperimentPatch, type ExperimentRow } from "../../db/queries/experiments";
import { contentHash, storeFileChanges } from "../../db/queries/snapshots";
import { getSession, sessionOptions } from "../../db/queries/sessions";
import { readChangedJavaScript } from "../gate/read-javascript";
import { readChangedPython } from "../gate/read-python";
import { probeSandbox } from "../sandbox";
import { sessionMeter } from "./context";
import { commitCandidate, humanIdentity, readFilesAt, refFor } from "../session-git";
import { durably, type StepDeps } from "./step-deps";

/** The session's approval policy, or "all" when it requires a sandbox this machine cannot give. */
async function effectivePolicy(options: ReturnType<typeof sessionOptions>): Promise<ApprovalPolicy> {
  if (options.requireSandbox && !(await probeSandbox()).available) return "all";
  return options.approve;
}

function commitMessage(exp: ExperimentRow, tag: string, coAuthor: string | null): string {
  const trailers = [`Overseer-Session: ${tag}`, `Overseer-Experiment: ${exp.idx}`, ...(coAuthor ? [`Co-authored-by: ${coAuthor}`] : [])];
  return `${exp.title}\n\n${exp.hypothesis ?? ""}\n\n${trailers.join("\n")}`.replace(/\n{3,}/g, "\n\n");
}

/** proposed (or approved on an old best) → a commit on the current best, gated. */
export async function buildCandidate(d: StepDeps, exp: ExperimentRow): Promise<ExperimentRow> {
  const s = getSession(d.db, exp.sessionId)!;
  const best = s.bestCommit;
  // What the proposer's retry and the reviewer were paid for is not lost to a locked database: the write waits.
  const id = exp.id;
  const record = async (event: ExperimentEvent | null, given: ExperimentPatch) => {
    // New files make the analysis of the old ones stale (a candidate rebuilt on a newer best).
    const patch = given.filesJson ? { ...given, analysisJson: null } : given;
    const row = await durably(d, () => (event ? applyExperimentEvent(d.db, id, event, Date.now(), patch) : updateExperiment(d.db, id, patch)));
    // What it tried is derived while its files are at hand, so the dashboard's table shows it at once.
    if (patch.filesJson) {
      try {
        fillMissingAnalyses(d.db, row.sessionId);
      } catch {
        // Only a cache (a locked database, say): the dashboard derives it when it next asks.
      }
    }
    return row;
  };
  const files = await readFilesAt(d.g, best, d.config.editable);
  let edits = JSON.parse(exp.editsJson ?? "[]") as FileEdit[];
  let applied = applyEdits(files, edits);
  if (!applied.ok && d.retryProposal && !exp.humanEdited) {
    const retried = await d.retryProposal(exp, applied.error);
    if (retried) {
      edits = retried.edits;
      applied = applyEdits(files, edits);
      // The answer may be another idea (mutate's always is): its title must describe the edits that run.
      exp = await record(null, {
        editsJson: JSON.stringify(edits),
        title: retried.title,
        hypothesis: retried.hypothesis,
        notebookJson: retried.notebook ? JSON.stringify(retried.notebook) : exp.notebookJson,
      });
    }
  }
  if (!applied.ok) return record({ type: "proposal_failed" }, { reason: `the edits do not apply: ${applied.error}`, decidedAt: Date.now() });
  const changed = Object.fromEntries(Object.entries(applied.files).filter(([f, c]) => c !== files[f]));
  const coAuthor = exp.humanEdited ? await humanIdentity(d.g) : null;
  const commit = await commitCandidate(d.g, best, changed, commitMessage(exp, s.tag, coAuthor), refFor(s.id, exp.idx));
  // The commit is the parent's tree with exactly these files written (runner/git-write.ts): they are what changed.
  const changedPaths = Object.keys(changed).sort();
  const diff = treeDiff(Object.fromEntries(changedPaths.filter((f) => f in files).map((f) => [f, files[f]!])), changed, d.g.subdir);
  const patch = {
    parentCommit: best,
    commitSha: commit,
    diff,
    diffHash: contentHash(diff),
    configSig: configSignature(applied.files),
    filesJson: JSON.stringify(storeFileChanges(d.db, files, applied.files)),
  };
  // Python files are read by Python itself, JavaScript by a real parser: the rules judge what will run (runner/gate).
  const parsed = { ...(await readChangedPython(changedPaths, files, applied.files, d.config.command)), ...readChangedJavaScript(changedPaths, files, applied.files) };
  let verdict = gateCandidate(changedPaths, d.config, files, applied.files, parsed);
  let withVerdict = { ...patch, verdictJson: JSON.stringify(verdict) };
  const policy = await effectivePolicy(sessionOptions(s));
  // The verdict a human approved (an approved candidate rebuilt on a newer best, or one they edited).
  const approvedUnder = exp.verdictJson ? (JSON.parse(exp.verdictJson) as GateVerdict) : null;
  if (exp.status === "approved") {
    // Rebuilt on a newer best: the approval was for another diff, so it carries over only if the risk did not grow.
    if (verdict.level === "blocked")
      return record(
        { type: "proposal_failed" },
        {
          ...withVerdict,
          reason: `rebuilt on the new best, it is blocked: ${verdict.reasons[0]?.message ?? ""}`,
          decidedAt: Date.now(),
        },
      );
    if (exp.diffHash !== patch.diffHash && editNeedsApprovalAgain(approvedUnder, verdict, policy)) {
      d.log(`  #${exp.idx} rebuilt on the new best is ${verdict.level} risk, riskier than what was approved: it waits for approval again`);
      return record({ type: "reapproval_requested" }, withVerdict);
    }
    return record(null, withVerdict);
  }
  if (d.reviewer && verdict.level !== "blocked") {
    const reviewed = Object.fromEntries(changedPaths.filter((f) => f in files).map((f) => [f, { before: files[f]!, after: changed[f]! }]));
    // Each of its calls adds its cost to the experiment and the session as it is made (db/queries/api-calls).
    const review = await d.reviewer({ diff, files: reviewed, rules: verdict, protectedFiles: d.config.protected, metricName: d.config.metric.name }, { meter: sessionMeter(d.db, s.id, exp.id) });
    verdict = withReviewer(verdict, { model: review.model, level: review.level, reasons: review.reasons });
    withVerdict = { ...patch, verdictJson: JSON.stringify(verdict) };
  }
  if (verdict.level === "blocked") {
    return record({ type: "gate_blocked" }, { ...withVerdict, reason: verdict.reasons.map((r) => r.message).join("; "), decidedAt: Date.now() });
  }
  if (exp.humanEdited && exp.status === "proposed") {
    if (!editNeedsApprovalAgain(approvedUnder, verdict, policy)) return record({ type: "gate_passed" }, withVerdict);
    d.log(`  #${exp.idx} the edited code is ${verdict.level} risk, riskier than what was approved: it waits for approval again`);
    return record({ type: "approval_requested" }, withVerdict);
  }
  if (needsHuman(verdict, policy)) return record({ type: "approval_requested" }, withVerdict);
  return record({ type: "gate_passed" }, withVerdict);
}
