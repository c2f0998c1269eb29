/**
 * A scripted "model" that works the way the proposer's protocol asks, for tests and demos against the fake API:
 * it investigates with the read-only tools (the experiments, the code, the last experiment's diff, log and
 * curve, the humans' notes), then proposes a change to a numeric constant of the file it read (core/mutate
 * picks it), with a notebook entry. As a reviewer it calls report_review: low for a change of constants only.
 */
import { configSignature, proposeMutation } from "../../core/mutate";
import type { Brain, RecordedRequest, Reply } from "./server";
import { toolResults, userText } from "./server";

type Json = Record<string, unknown>;

function editableOf(req: RecordedRequest): string[] {
  const tool = req.body.tools?.find((t) => t.name === "propose_experiment");
  const schema = tool?.input_schema as { properties?: { edits?: { items?: { properties?: { file?: { enum?: string[] } } } } } } | undefined;
  return schema?.properties?.edits?.items?.properties?.file?.enum ?? [];
}

function review(req: RecordedRequest): Reply {
  const diff = /```diff\n([\s\S]*?)```/.exec(userText(req))?.[1] ?? "";
  const changed = diff.split("\n").filter((l) => /^[-+](?![-+])/.test(l));
  // A constant's line: NAME = a number, a product, or a list of numbers, with a trailing comment at most.
  const constantsOnly = changed.every((l) => /^[-+]\s*(const\s+)?[A-Z_][A-Z0-9_]*\s*=\s*[-+0-9.e*(),[\] ]+;?\s*(\/\/.*|#.*)?$/.test(l));
  return {
    toolInput: { risk: constantsOnly ? "low" : "medium", reasons: [constantsOnly ? "changes numeric constants only" : "changes code: worth a human's look"] },
    thinking: "Reading the diff and the changed blocks.",
  };
}

/** `investigate`: false proposes at once (a model that does not look first). */
export function researcherBrain(opts: { investigate?: boolean } = {}): Brain {
  return (req, n) => {
    if (req.body.tools?.some((t) => t.name === "report_review")) return review(req);
    const editable = editableOf(req);
    const done = toolResults(req);
    const called = new Set(done.map((d) => d.name));
    const listed = done.find((d) => d.name === "list_experiments");
    const experiments = listed && !listed.isError ? (JSON.parse(listed.content) as { idx: number; status: string }[]) : [];
    const last = experiments.filter((e) => e.idx > 0).at(-1) ?? experiments.at(-1);
    if (opts.investigate !== false) {
      if (!called.has("list_experiments")) {
        return {
          turn: {
            thinking: "First, what has been tried, and the code as it is.",
            toolCalls: [{ name: "list_experiments", input: {} }, ...editable.map((f) => ({ name: "read_file", input: { path: f } }))],
          },
        };
      }
      if (last && !called.has("run_log")) {
        return {
          turn: {
            thinking: `Experiment #${last.idx} ended ${last.status}: its change, log and curve.`,
            toolCalls: [
              ...(last.idx > 0 ? [{ name: "show_diff", input: { experiment: last.idx } }] : []),
              { name: "run_log", input: { experiment: last.idx, tail: 20 } },
              { name: "run_curve", input: { experiment: last.idx, series: "loss", points: 20 } },
              { name: "human_notes", input: {} },
            ],
          },
        };
      }
    }
    // The code: as read_file returned it, or from the prompt when it did not look.
    const files: Record<string, string> = {};
    for (const f of editable) {
      const read = done.find((d) => d.name === "read_file" && (d.input as Json).path === f && !d.isError);
      const fromPrompt = new RegExp(`### ${f.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\n\`\`\`\\n([\\s\\S]*?)\\n\`\`\``).exec(userText(req))?.[1];
      const text = read?.content ?? fromPrompt;
      if (text !== undefined) files[f] = text;
    }
    const tried = new Set<string>([configSignature(files)]);
    const m = proposeMutation(files, tried, 7919 * (n + 1), "metric");
    if (!m) return { turn: { text: "I have nothing left to try." } };
    const best = experiments.filter((e) => e.status === "kept").length;
    return {
      toolInput: {
        title: m.title,
        hypothesis: m.hypothesis,
        edits: m.edits,
        fixes_experiment: 0,
        learned: experiments.length ? `${experiments.length} experiments so far, ${best} kept; the last one ${last?.status ?? "not run"}.` : "Nothing has run yet beyond the baseline.",
        next_ideas: ["try the neighbouring values of the constant that helped most"],
      },
      thinking: `Of the constants in ${editable.join(", ")}, ${m.title} is the next thing to try.`,
    };
  };
}
