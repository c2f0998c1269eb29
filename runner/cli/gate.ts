/**
 * `overseer gate WORKSPACE --diff FILE [--diff FILE…] [--json]`: the gate's verdict on each diff against the
 * workspace's current files, for researchers' own CI (with --json, one verdict per line). Exits 0 whatever the
 * verdicts; 2 when an input cannot be judged.
 */
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "./args";
import { applyDiffFiles, parseDiffFiles } from "../../core/apply-diff";
import { gateCandidate, needsHuman, type GateVerdict } from "../../core/gate";
import { sessionOptionsSchema } from "../../core/session-options";
import { readChangedJavaScript } from "../gate/read-javascript";
import { readChangedPython } from "../gate/read-python";
import { loadWorkspace, type LoadedWorkspace } from "../workspace";

export async function gateCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { diff: { type: "string", multiple: true }, json: { type: "boolean", default: false } },
    allowPositionals: true,
  });
  const diffs = values.diff ?? [];
  const report = (error: string, diff?: string) => {
    if (values.json) console.log(JSON.stringify(diffs.length > 1 && diff ? { diff, error } : { error }));
    else console.error(`overseer gate: ${diff && diffs.length > 1 ? `${diff}: ` : ""}${error}`);
    return 2;
  };
  if (!diffs.length) return report("pass the diff to judge: overseer gate WORKSPACE --diff FILE (- for stdin; --diff again for more)");
  const loaded = await loadWorkspace(positionals[0] ?? process.cwd());
  if (!loaded.ok) return report(loaded.error);
  let code = 0;
  for (const diff of diffs) {
    const verdict = await judge(loaded.workspace, diff);
    if ("error" in verdict) code = report(verdict.error, diff);
    else if (values.json) console.log(JSON.stringify(diffs.length > 1 ? { diff, ...verdict } : verdict));
    else console.log(`${diffs.length > 1 ? `${diff}: ` : ""}${describeVerdict(verdict)}`);
  }
  return code;
}

/** One diff's verdict against the workspace's files on disk. */
async function judge(ws: LoadedWorkspace, diff: string): Promise<GateVerdict | { error: string }> {
  let text: string;
  try {
    text = diff === "-" ? fs.readFileSync(0, "utf8") : fs.readFileSync(diff, "utf8");
  } catch (e) {
    return { error: `cannot read ${diff}: ${(e as NodeJS.ErrnoException).code ?? String(e)}` };
  }
  const parsed = parseDiffFiles(text, ws.subdir.split(path.sep).join("/"));
  if (!parsed.ok) return { error: parsed.error };
  const current = Object.fromEntries(parsed.value.files.map((f) => [f, readIfFile(path.join(ws.path, f))]));
  const applied = applyDiffFiles(parsed.value, current);
  if (!applied.ok) return { error: applied.error };
  const python = {
    ...(await readChangedPython(parsed.value.files, applied.value.before, applied.value.after, ws.config.command)),
    ...readChangedJavaScript(parsed.value.files, applied.value.before, applied.value.after),
  };
  return gateCandidate(parsed.value.files, ws.config, applied.value.before, applied.value.after, python);
}

const DEFAULT_POLICY = sessionOptionsSchema.parse({}).approve;

function readIfFile(p: string): string | null {
  return fs.existsSync(p) && fs.statSync(p).isFile() ? fs.readFileSync(p, "utf8") : null;
}

export function describeVerdict(v: GateVerdict): string {
  const fate = v.level === "blocked" ? "never runs" : needsHuman(v, DEFAULT_POLICY) ? "waits for a human's approval" : "runs unattended";
  const lines = [`${v.level}: ${fate} (under the default policy, ${DEFAULT_POLICY})`];
  for (const r of v.reasons) {
    const where = r.file ? `${r.file}${r.line ? `:${r.line}` : ""}` : "";
    lines.push(`  ${(r.level ?? "").padEnd(7)} ${r.rule.padEnd(18)} ${where ? `${where}  ` : ""}${r.message}`);
  }
  return lines.join("\n");
}
