/**
 * What Claude is told. The request's prefix is what changes least, so that the prompt cache pays: the system
 * prompt (Overseer's protocol and the research brief), then the first block of the message (the read-only
 * files and the editable code at the best commit, which change only when a candidate is kept), each ending in
 * a cache breakpoint; then what changes every proposal (results, noise, notes, notebook). Pure.
 */
import { describeResultFacts } from "../../core/result-facts";
import type { HistoryEntry, HumanNote, ProposalContext } from "./types";

export const PROPOSE_TOOL = "propose_experiment";
/** Rows of the results table shown in full; older ones are summarised (keeps are always shown). */
export const RECENT_ROWS = 30;
const NOTEBOOK_ENTRIES = 5;

export function systemPrompt(ctx: ProposalContext, editable: string[], limits: { toolCalls: number }): string {
  return `You are the research agent of Overseer, a supervised version of karpathy/autoresearch. Each turn you investigate, think, and then propose ONE experiment: a focused change to the training code that you expect to improve the metric "${ctx.metric.name}" (${ctx.metric.goal === "minimize" ? "lower is better" : "higher is better"}) within a fixed training budget of ${ctx.budgetSeconds} seconds. Overseer commits your change, runs it on the GPU, keeps it if the metric improves beyond the noise, and reverts it otherwise. A human supervises: risky changes wait for their approval.

How a turn goes:
- Investigate first, as a careful researcher would: the code is below; use the read-only tools to read other files (list_files, read_file), the experiments and their results (list_experiments), an experiment's change (show_diff), its run log (run_log: the tail, or lines matching a pattern) and its curves (run_curve), and the humans' notes (human_notes). You have at most ${limits.toolCalls} tool calls this turn.
- Think about what the results say: what helped, what did not, what crashed and why, which gains are within the noise.
- End the turn by calling ${PROPOSE_TOOL} exactly once. Never end your turn without calling it.

Rules for a proposal:
- You may edit only these files: ${editable.join(", ")}. Never touch: ${ctx.protectedFiles.join(", ") || "(none)"}; edits to other files are blocked.
- Each edit replaces the exact text "old" (which must occur exactly once in the file at the best commit, whitespace included) with "new". Quote enough context to make "old" unique.
- Do not change how the metric is computed or printed, the time budget, the output format or the fast-fail checks; do not add dependencies. Such changes are blocked and a human sees them.
- Prefer simple changes: a tiny gain that adds a lot of code is not worth it; equal results with simpler code is a win.
- Do not repeat an experiment already tried. A seed change alone is not an idea. A gain smaller than the keep threshold is noise.
- After a crash you may propose a fix of the same idea (set fixes_experiment to its number), or move on (fixes_experiment 0).
- Fill in your lab notebook: "learned" (what the results so far taught you, in a sentence or two) and "next_ideas" (what you would try after this one). The next turns see your last notebook entries.

Research brief (the human's instructions, ${ctx.instructions === null ? "none given" : "verbatim"}):
${ctx.instructions ?? "(no instructions file)"}`;
}

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n)}\n… (${s.length - n} more characters)` : s);
const READ_ONLY_CHARS = 60_000;

/** The first block of the message: the files, at the best commit. Identical until a candidate is kept. */
export function codePrompt(ctx: ProposalContext): string {
  const parts: string[] = [];
  const readOnly = Object.entries(ctx.readOnlyFiles ?? {});
  if (readOnly.length) parts.push(`## Read-only files (never edit these)\n${readOnly.map(([f, c]) => `### ${f}\n\`\`\`\n${clip(c, READ_ONLY_CHARS)}\n\`\`\``).join("\n\n")}`);
  parts.push(
    `## Editable files at the current best${ctx.bestCommit ? ` (commit ${ctx.bestCommit.slice(0, 7)})` : ""}\n${Object.entries(ctx.files)
      .map(([f, c]) => `### ${f}\n\`\`\`\n${c}\n\`\`\``)
      .join("\n\n")}`,
  );
  return parts.join("\n\n");
}

const num = (v: number | null | undefined) => (v === null || v === undefined ? "" : String(Number(v.toPrecision(6))));
const when = (at: number) => new Date(at).toISOString().replace("T", " ").slice(0, 16) + " UTC";

function row(h: HistoryEntry): string {
  const facts = h.result ? describeResultFacts(h.result) : "";
  return `${h.idx}\t${h.status}\t${num(h.metricValue)}\t${num(h.delta)}\t${h.title}${facts ? `\t${facts}` : ""}`;
}

/** Keeps, and the last rows in full; the rest as counts by status. Bounded however long the session runs. */
export function compactHistory(history: readonly HistoryEntry[], recent = RECENT_ROWS): { rows: HistoryEntry[]; omitted: Record<string, number> } {
  const cutoff = history.length - recent;
  const rows = history.filter((h, i) => i >= cutoff || h.status === "kept" || h.idx === 0);
  const omitted: Record<string, number> = {};
  history.forEach((h, i) => {
    if (!(i >= cutoff || h.status === "kept" || h.idx === 0)) omitted[h.status] = (omitted[h.status] ?? 0) + 1;
  });
  return { rows, omitted };
}

/** What changes every proposal: the state of the research. */
export function statePrompt(ctx: ProposalContext): string {
  const parts: string[] = [];
  const goal = ctx.metric.goal === "minimize" ? "lower is better" : "higher is better";
  parts.push(`## Current best\n${ctx.metric.name} = ${ctx.best ?? "not measured yet"} (${goal})`);
  if (ctx.noise) {
    const n = ctx.noise;
    parts.push(
      `## Noise and the keep rule\nThe baseline ran ${n.baselineRuns} time(s); σ = ${n.sigma === null ? "not measured (one run)" : num(n.sigma)}. A candidate's first run is kept at once only if it is ${ctx.metric.goal === "minimize" ? "lower" : "higher"} than the best by more than ${num(n.keepThreshold)} (max(2σ·√(1/n + 1/m), minImprovement ${num(n.minImprovement)}), with n its runs and m the best's${n.bestRuns ? `, here ${n.bestRuns}` : ""}); a smaller gain runs a fixed number of times in all and is judged on the mean, then discarded if still within the noise.`,
    );
  }
  const { rows, omitted } = compactHistory(ctx.history);
  const omittedText = Object.entries(omitted)
    .map(([s, c]) => `${c} ${s}`)
    .join(", ");
  parts.push(
    `## Results so far\nidx\tstatus\t${ctx.metric.name}\tdelta\tdescription\tresult\n${rows.map(row).join("\n") || "(none)"}${omittedText ? `\n(${omittedText} earlier experiments not shown: list_experiments has them all)` : ""}`,
  );
  const recent = ctx.history.filter((h) => h.diff).slice(-3);
  if (recent.length)
    parts.push(
      `## Recent experiments\n${recent.map((h) => `### #${h.idx} ${h.title} — ${h.status}${h.reason ? `: ${h.reason.split("\n")[0]}` : ""}\n\`\`\`diff\n${clip(h.diff ?? "", 4000)}\n\`\`\``).join("\n\n")}`,
    );
  const notebook = ctx.history.filter((h) => h.notebook).slice(-NOTEBOOK_ENTRIES);
  if (notebook.length)
    parts.push(
      `## Your lab notebook (last ${notebook.length} entries)\n${notebook.map((h) => `- #${h.idx} ${h.title} (${h.status}): learned: ${h.notebook!.learned}${h.notebook!.next.length ? ` — next: ${h.notebook!.next.join("; ")}` : ""}`).join("\n")}`,
    );
  if (ctx.lastCrash) parts.push(`## Last crash: #${ctx.lastCrash.idx} ${ctx.lastCrash.title}\n\`\`\`\n${clip(ctx.lastCrash.logTail, 6000)}\n\`\`\``);
  const notes: HumanNote[] = ctx.humanNotes ?? ctx.steering.map((text) => ({ kind: "steering", at: 0, text }));
  const steering = notes.filter((n) => n.kind === "steering");
  const rejections = notes.filter((n) => n.kind === "rejection");
  if (steering.length) parts.push(`## Steering notes from the human (follow them)\n${steering.map((s) => `- ${s.at ? `[${when(s.at)}] ` : ""}${s.text}`).join("\n")}`);
  if (rejections.length) parts.push(`## Proposals the human rejected, and why\n${rejections.map((r) => `- [${when(r.at)}] #${r.idx} ${r.title}: ${r.text}`).join("\n")}`);
  if (ctx.recentBlocks?.length) parts.push(`## Recently blocked by the gate (do not try these again)\n${ctx.recentBlocks.map((b) => `- #${b.idx} ${b.title}: ${b.reasons.join("; ")}`).join("\n")}`);
  if (ctx.waitingForHuman?.full) {
    parts.push(
      `## The human's queue is full\n${ctx.waitingForHuman.count} candidates are waiting for a human's approval or verdict. Until they decide, only a change that runs without approval keeps the GPU busy: change top-level constants (hyperparameters) only, with literal values; any code change would wait too.`,
    );
  }
  if (ctx.retryError) parts.push(`## Your previous answer could not be used\n${ctx.retryError}\nPropose again, quoting the current text exactly.`);
  parts.push(`Investigate as you need, then propose the next experiment with ${PROPOSE_TOOL}.`);
  return parts.join("\n\n");
}
