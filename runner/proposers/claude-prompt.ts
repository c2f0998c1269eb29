/**
 * What Claude is told. The static part (Overseer's protocol and the research brief) goes in the system prompt
 * and is cached; what changes each experiment (the best code, the results, crashes, steering) is the message.
 */
import type { ProposalContext } from "./types";

export const TOOL_NAME = "propose_experiment";

export function systemPrompt(ctx: ProposalContext, editable: string[]): string {
  return `You are the research agent of Overseer, a supervised version of karpathy/autoresearch. Each turn you propose ONE experiment: a focused change to the training code that you expect to improve the metric "${ctx.metric.name}" (goal: ${ctx.metric.goal}) within a fixed training budget of ${ctx.budgetSeconds} seconds. Overseer commits your change, runs it, keeps it if the metric improves beyond the noise, and reverts it otherwise.

Protocol:
- Answer only by calling the tool ${TOOL_NAME}, once.
- You may edit only these files: ${editable.join(", ")}. Never touch: ${ctx.protectedFiles.join(", ") || "(none)"}; edits to other files are blocked.
- Each edit replaces the exact text "old" (which must occur exactly once in the file, whitespace included) with "new". Quote enough context to make "old" unique.
- Do not change how the metric is computed or printed, the time budget, or the output format; do not add dependencies.
- Prefer simple changes: a tiny gain that adds a lot of code is not worth it; equal results with simpler code is a win.
- Do not repeat an experiment already tried (see the results table). A seed change alone is not an idea.
- After a crash you may propose a fix of the same idea (set fixes_experiment to its number), or move on.

Research brief (the human's instructions, ${ctx.instructions === null ? "none given" : "verbatim"}):
${ctx.instructions ?? "(no instructions file)"}`;
}

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n)}\n… (${s.length - n} more characters)` : s);

export function userPrompt(ctx: ProposalContext): string {
  const parts: string[] = [];
  parts.push(`## Current best\n${ctx.metric.name} = ${ctx.best ?? "not measured yet"} (${ctx.metric.goal})`);
  const rows = ctx.history.map((h) => `${h.idx}\t${h.status}\t${h.metricValue ?? ""}\t${h.delta ?? ""}\t${h.title}`);
  parts.push(`## Results so far\nidx\tstatus\t${ctx.metric.name}\tdelta\tdescription\n${rows.join("\n") || "(none)"}`);
  const recent = ctx.history.filter((h) => h.diff).slice(-3);
  if (recent.length) {
    parts.push(`## Recent experiments\n${recent.map((h) => `### #${h.idx} ${h.title} — ${h.status}${h.reason ? `: ${h.reason.split("\n")[0]}` : ""}\n\`\`\`diff\n${clip(h.diff ?? "", 4000)}\n\`\`\``).join("\n\n")}`);
  }
  if (ctx.lastCrash) parts.push(`## Last crash: #${ctx.lastCrash.idx} ${ctx.lastCrash.title}\n\`\`\`\n${clip(ctx.lastCrash.logTail, 6000)}\n\`\`\``);
  if (ctx.steering.length) parts.push(`## Steering notes from the human (follow them)\n${ctx.steering.map((s) => `- ${s}`).join("\n")}`);
  parts.push(`## Editable files at the current best\n${Object.entries(ctx.files).map(([f, c]) => `### ${f}\n\`\`\`\n${c}\n\`\`\``).join("\n\n")}`);
  if (ctx.retryError) parts.push(`## Your previous answer could not be used\n${ctx.retryError}\nPropose again, quoting the current text exactly.`);
  parts.push(`Propose the next experiment with ${TOOL_NAME}.`);
  return parts.join("\n\n");
}

export function toolSchema(editable: string[]) {
  return {
    name: TOOL_NAME,
    description: "Propose one experiment: a title, a hypothesis, and exact search-and-replace edits to the editable files.",
    input_schema: {
      type: "object" as const,
      properties: {
        title: { type: "string", description: "A short description, e.g. 'Halve the learning rate'." },
        hypothesis: { type: "string", description: "Why this should improve the metric." },
        edits: {
          type: "array",
          minItems: 1,
          items: {
            type: "object",
            properties: {
              file: { type: "string", enum: editable },
              old: { type: "string", description: "Exact text to replace; must occur exactly once." },
              new: { type: "string", description: "The replacement text." },
            },
            required: ["file", "old", "new"],
          },
        },
        fixes_experiment: { type: "integer", description: "When this fixes a crashed experiment: its number." },
      },
      required: ["title", "hypothesis", "edits"],
    },
  };
}
