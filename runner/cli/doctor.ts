/** `overseer doctor [DIR] [--json]`: what this machine lacks for Overseer, and what to do about it. */
import path from "node:path";
import { doctorChecks, doctorExitCode, formatDoctor } from "../../core/doctor";
import type { Settings } from "../../core/settings";
import { gatherDoctorFacts } from "../doctor";
import { loadWorkspace } from "../workspace";
import { parseArgs } from "./args";

export async function doctorCommand(args: string[], settings: Settings): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { json: { type: "boolean" } }, allowPositionals: true });
  let workspace: { path: string; command: readonly string[]; env: readonly string[] } | null = null;
  if (positionals[0]) {
    const loaded = await loadWorkspace(path.resolve(positionals[0]));
    if (!loaded.ok) {
      console.error(`overseer: ${loaded.error}`);
      return 2;
    }
    workspace = { path: loaded.workspace.path, command: loaded.workspace.config.command, env: loaded.workspace.config.env };
  }
  const facts = await gatherDoctorFacts(settings, workspace);
  const checks = doctorChecks(facts);
  if (values.json) console.log(JSON.stringify({ checks, facts }, null, 2));
  else console.log(formatDoctor(checks));
  return doctorExitCode(checks);
}
