/**
 * Reads changed Python files with Python (runner/gate/python_facts.py), for the gate's rules: the workspace's own
 * interpreter when its command names one, else python3. Run isolated (-I: no site packages, no PYTHONPATH, no
 * current folder on the path): only the standard library's tokenize and ast touch the source, nothing runs it.
 * No interpreter, a timeout or a crash is an answer that says so, which the gate rates high: a human looks.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import type { ParsedSources, SourceParse } from "../../core/gate";
import { OVERSEER_ROOT } from "../paths";

// From the installation's root, not this file's folder: the GPU check runs the CLI bundled into one file.
const SCRIPT = path.join(OVERSEER_ROOT, "runner", "gate", "python_facts.py");
const TIMEOUT_MS = 20_000;

/** The interpreter a workspace's command runs (python, python3.12, /opt/venv/bin/python), or python3. */
export function interpreterFor(command: readonly string[]): string {
  const first = command[0] ?? "";
  return /(^|\/)python(\d+(\.\d+)?)?$/.test(first) ? first : "python3";
}

async function runScript(interpreter: string, files: Record<string, string>): Promise<{ python: string; files: Record<string, SourceParse> } | { error: string }> {
  const input = JSON.stringify({ files: Object.fromEntries(Object.entries(files).map(([k, v]) => [k, Buffer.from(v, "utf8").toString("base64")])) });
  return new Promise((resolve) => {
    const child = spawn(interpreter, ["-I", SCRIPT], { stdio: ["pipe", "pipe", "pipe"], env: { PATH: process.env.PATH ?? "/usr/bin:/bin", LANG: "C.UTF-8" } as unknown as NodeJS.ProcessEnv });
    let out = "";
    let err = "";
    const timer = setTimeout(() => child.kill("SIGKILL"), TIMEOUT_MS);
    child.stdout.on("data", (b: Buffer) => (out += b.toString()));
    child.stderr.on("data", (b: Buffer) => (err += b.toString()));
    child.on("error", (e) => {
      clearTimeout(timer);
      resolve({ error: `no Python interpreter to read it (${interpreter}: ${(e as NodeJS.ErrnoException).code ?? e.message})` });
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (code !== 0)
        return resolve({
          error: signal ? `${interpreter} was stopped after ${TIMEOUT_MS / 1000} s reading it` : `${interpreter} failed reading it: ${err.trim().split("\n").at(-1) ?? `exit ${code}`}`,
        });
      try {
        resolve(JSON.parse(out) as { python: string; files: Record<string, SourceParse> });
      } catch {
        resolve({ error: `${interpreter} answered something other than the facts: ${out.slice(0, 200)}` });
      }
    });
    child.stdin.end(input);
  });
}

/** The parent's and the candidate's reading of every changed .py file present in the candidate. */
export async function readChangedPython(
  changed: readonly string[],
  before: Readonly<Record<string, string>>,
  after: Readonly<Record<string, string>>,
  command: readonly string[],
): Promise<ParsedSources> {
  const files = changed.filter((f) => f.endsWith(".py") && after[f] !== undefined);
  if (!files.length) return {};
  const inputs: Record<string, string> = {};
  for (const f of files) {
    inputs[`after:${f}`] = after[f]!;
    if (before[f] !== undefined) inputs[`before:${f}`] = before[f]!;
  }
  const interpreter = interpreterFor(command);
  const read = await runScript(interpreter, inputs);
  const out: ParsedSources = {};
  for (const f of files) {
    if ("error" in read) out[f] = { before: null, after: { ok: false, error: read.error, line: 1 } };
    else out[f] = { before: read.files[`before:${f}`] ?? null, after: read.files[`after:${f}`]! };
  }
  return out;
}
