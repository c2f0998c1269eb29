/**
 * A human's proposal, for any running session (the manual proposer's only source, or alongside another): a
 * pasted unified diff, or the best code edited whole. It becomes a proposed experiment that the loop builds on
 * the best, gates and runs like any other; one that touches a protected file is blocked at once. Shared by the
 * dashboard and `overseer propose`.
 */
import { diffToEdits } from "../../core/diff-to-edits";
import { editsFromContents } from "../../core/edits-from-contents";
import { gateChangedFiles } from "../../core/gate";
import { isSessionEnded } from "../../core/session-stats";
import type { FileEdit } from "../../core/types";
import { workspaceConfigSchema } from "../../core/workspace-config";
import type { Db } from "../open";
import { filesAtExperiment } from "./experiment-files";
import { applyExperimentEvent, createExperiment, getBaselineExperiment, getExperiment, type ExperimentRow } from "./experiments";
import type { SessionRow } from "./sessions";
import { getWorkspace } from "./workspaces";

/**
 * `files`: the editable files as the human left them, edited from those of `baseExperimentId` (the best when the
 * page loaded): the edits are taken against what they edited, so a keep meanwhile is not silently undone.
 */
export type HumanProposal = { title: string; hypothesis: string | null } & ({ diff: string } | { files: Record<string, string>; baseExperimentId?: number });

export type ProposalResult = { ok: true; experiment: ExperimentRow } | { ok: false; error: string };

/** The session's best code: the editable files at its best experiment (the baseline until something is kept). */
export function bestCode(db: Db, s: SessionRow): { experiment: ExperimentRow; files: Record<string, string> } | null {
  const best = (s.bestExperimentId !== null ? getExperiment(db, s.bestExperimentId) : undefined) ?? getBaselineExperiment(db, s.id);
  if (!best?.filesJson) return null;
  return { experiment: best, files: filesAtExperiment(db, best) };
}

/** Why a session takes no proposal now, or null. */
export function refusesProposals(s: SessionRow): string | null {
  if (s.origin === "import") return `session ${s.id} was imported from autoresearch and is a record: start a new session on the workspace to propose changes`;
  if (isSessionEnded(s.status)) return `session ${s.id} has ${s.status}: resume it first`;
  return null;
}

export function proposeByHuman(db: Db, s: SessionRow, p: HumanProposal, at: number): ProposalResult {
  const refused = refusesProposals(s);
  if (refused) return { ok: false, error: refused };
  const ws = getWorkspace(db, s.workspaceId)!;
  const config = workspaceConfigSchema.parse(JSON.parse(ws.configJson ?? "{}"));
  const parsed = "diff" in p ? diffToEdits(p.diff, ws.subdir.split(/[\\/]/).filter(Boolean).join("/")) : editsOfBase(db, s, p.files, p.baseExperimentId);
  if (!parsed.ok) return parsed;
  const exp = createExperiment(db, {
    sessionId: s.id,
    kind: "proposal",
    status: "proposed",
    title: p.title,
    hypothesis: p.hypothesis,
    proposer: "manual",
    editsJson: JSON.stringify(parsed.edits),
    at,
  });
  const verdict = gateChangedFiles(parsed.files, config);
  if (verdict.level !== "blocked") return { ok: true, experiment: exp };
  const reason = verdict.reasons.map((r) => r.message).join("; ");
  return { ok: true, experiment: applyExperimentEvent(db, exp.id, { type: "gate_blocked" }, at, { verdictJson: JSON.stringify(verdict), reason, decidedAt: at }) };
}

/** The edits that turn the code the human edited (an experiment's, the best by default) into their version of it. */
function editsOfBase(db: Db, s: SessionRow, files: Record<string, string>, baseExperimentId?: number): { ok: true; edits: FileEdit[]; files: string[] } | { ok: false; error: string } {
  const base = baseExperimentId === undefined ? undefined : getExperiment(db, baseExperimentId);
  if (baseExperimentId !== undefined && (base?.sessionId !== s.id || !base.filesJson))
    return { ok: false, error: `experiment ${baseExperimentId} is not one of session ${s.id}'s with stored code: reload the page to edit the best code` };
  const best = base ? { experiment: base, files: filesAtExperiment(db, base) } : bestCode(db, s);
  if (!best) return { ok: false, error: `session ${s.id} has no stored code yet: wait for its baseline to be built, or paste a diff` };
  const unknown = Object.keys(files).filter((f) => !(f in best.files));
  if (unknown.length) return { ok: false, error: `${unknown.join(", ")} is not an editable file of this workspace (${Object.keys(best.files).join(", ")})` };
  const edits = editsFromContents(best.files, files);
  if (!edits.ok) return { ok: false, error: edits.error.replace("reject the experiment instead", "change something first") };
  return { ok: true, edits: edits.edits, files: [...new Set(edits.edits.map((e) => e.file))] };
}
