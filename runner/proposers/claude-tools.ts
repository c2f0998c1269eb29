/**
 * The proposer's tools: read-only ones that investigate (answered from the Workbench) and propose_experiment,
 * which ends the turn. propose_experiment is strict (its input always matches the schema: every object closes
 * with additionalProperties false, as strict tool use requires); the read-only ones are checked here and a bad
 * call is answered with an error the model can correct.
 */
import { z } from "zod";
import { PROPOSE_TOOL } from "./claude-prompt";
import type { HumanNote } from "./types";
import type { Workbench } from "./workbench";

const object = (properties: Record<string, unknown>, required: string[]) => ({ type: "object" as const, properties, required, additionalProperties: false });
const int = (description: string) => ({ type: "integer", description });
const str = (description: string) => ({ type: "string", description });

export function toolDefinitions(editable: string[]) {
  return [
    { name: "list_files", description: "List the workspace's files at the best commit.", input_schema: object({}, []) },
    {
      name: "read_file",
      description: "Read one file of the workspace at the best commit (e.g. the data and evaluation code in prepare.py).",
      input_schema: object({ path: str("Path relative to the workspace, e.g. prepare.py") }, ["path"]),
    },
    {
      name: "list_experiments",
      description: "List this session's experiments: status, metric, delta against the best at its start, peak memory, steps, tokens/s, MFU, title and hypothesis.",
      input_schema: object({ status: str("Only this status (kept, discarded, crashed, …)"), offset: int("Skip this many (oldest first)"), limit: int("At most this many (default 50)") }, []),
    },
    { name: "show_diff", description: "Show an experiment's change as a unified diff.", input_schema: object({ experiment: int("The experiment's number (idx)") }, ["experiment"]) },
    {
      name: "run_log",
      description: "Read the log of an experiment's last run: its last lines, or the lines containing some text.",
      input_schema: object(
        {
          experiment: int("The experiment's number (idx)"),
          tail: int("How many of the last lines (default 50, at most 400)"),
          grep: str("Only the lines containing this text (case-insensitive); alternatives separated by |, e.g. val_bpb|peak_vram"),
        },
        ["experiment"],
      ),
    },
    {
      name: "run_curve",
      description: "A series of an experiment's last run (loss, lrm, dt, tok/sec, mfu, gpu.util_percent, …), sampled down to a few dozen points of step and value.",
      input_schema: object({ experiment: int("The experiment's number (idx)"), series: str("The series' name, e.g. loss"), points: int("About how many points (default 40)") }, [
        "experiment",
        "series",
      ]),
    },
    { name: "human_notes", description: "The humans' steering notes and the notes on the proposals they rejected, with their times.", input_schema: object({}, []) },
    {
      name: PROPOSE_TOOL,
      description: "Propose the next experiment. Call it exactly once, at the end of the turn.",
      strict: true,
      input_schema: object(
        {
          title: str("A short description of the change, e.g. 'Halve the learning rate'."),
          hypothesis: str("Why this should improve the metric, from what you read."),
          edits: {
            type: "array",
            description: "Exact search-and-replace edits to the editable files, at least one.",
            items: object({ file: { type: "string", enum: editable }, old: str("Exact text to replace; it must occur exactly once."), new: str("The replacement text.") }, ["file", "old", "new"]),
          },
          fixes_experiment: int("When this fixes a crashed experiment: its number; otherwise 0."),
          learned: str("Your lab notebook: what the results so far taught you."),
          next_ideas: { type: "array", description: "Your lab notebook: what you would try after this.", items: { type: "string" } },
        },
        ["title", "hypothesis", "edits", "fixes_experiment", "learned", "next_ideas"],
      ),
    },
  ];
}

export const proposalSchema = z.object({
  title: z.string().trim().min(1).max(200),
  hypothesis: z.string().trim().min(1),
  edits: z.array(z.object({ file: z.string(), old: z.string().min(1, "old must not be empty"), new: z.string() })).min(1, "give at least one edit"),
  fixes_experiment: z.number().int().nonnegative(),
  learned: z.string(),
  next_ideas: z.array(z.string()),
});

const idx = z.number().int().nonnegative();
const inputs = {
  list_files: z.object({}),
  read_file: z.object({ path: z.string().min(1) }),
  list_experiments: z.object({ status: z.string().optional(), offset: z.number().int().optional(), limit: z.number().int().optional() }),
  show_diff: z.object({ experiment: idx }),
  run_log: z.object({ experiment: idx, tail: z.number().int().positive().optional(), grep: z.string().optional() }),
  run_curve: z.object({ experiment: idx, series: z.string().min(1), points: z.number().int().positive().optional() }),
  human_notes: z.object({}),
};

export type ToolAnswer = { content: string; isError: boolean };

/** Runs one read-only tool call. Never throws: a bad call or a missing record is an error the model reads. */
export async function runTool(name: string, input: unknown, wb: Workbench, notes: readonly HumanNote[]): Promise<ToolAnswer> {
  const ok = (v: unknown): ToolAnswer => ({ content: typeof v === "string" ? v : JSON.stringify(v), isError: false });
  const err = (message: string): ToolAnswer => ({ content: message, isError: true });
  const schema = inputs[name as keyof typeof inputs];
  if (!schema) return err(`there is no tool ${name}`);
  const parsed = schema.safeParse(input);
  if (!parsed.success) return err(`bad input for ${name}: ${parsed.error.issues.map((i) => `${i.path.join(".") || "(input)"}: ${i.message}`).join("; ")}`);
  const a = parsed.data as { path: string; experiment: number; series: string; points?: number; tail?: number; grep?: string; status?: string; offset?: number; limit?: number };
  const either = (r: { error: string } | object, pick: (v: never) => unknown) => ("error" in r ? err(r.error as string) : ok(pick(r as never)));
  try {
    switch (name) {
      case "list_files":
        return ok((await wb.listFiles()).join("\n"));
      case "read_file":
        return either(await wb.readFile(a.path), (r: { text: string }) => r.text);
      case "list_experiments":
        return ok(wb.listExperiments(a));
      case "show_diff":
        return either(wb.experimentDiff(a.experiment), (r: { diff: string }) => r.diff);
      case "run_log":
        return either(wb.runLog(a.experiment, { tail: a.tail, grep: a.grep }), (r: { text: string }) => r.text);
      case "run_curve":
        return either(wb.runCurve(a.experiment, a.series, a.points), (r: unknown) => r);
      case "human_notes":
        return ok(notes.length ? notes.map((n) => `[${new Date(n.at).toISOString()}] ${n.kind === "rejection" ? `rejected #${n.idx} ${n.title}: ` : ""}${n.text}`).join("\n") : "(no notes)");
    }
  } catch (e) {
    return err(`${name} failed: ${(e as Error).message}`);
  }
  return err(`there is no tool ${name}`);
}
