/**
 * `overseer init [DIR] [options]`: validates DIR (a git repository with its editable files), writes
 * overseer.json with only the fields that differ from the defaults, and registers the workspace.
 * Nothing is written unless everything checks out.
 */
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "./args";
import { splitCommand } from "../../core/argv";
import type { Settings } from "../../core/settings";
import { configOverrides, parseWorkspaceConfig } from "../../core/workspace-config";
import { dirtyFiles } from "../git";
import { CONFIG_FILE, loadWorkspace, registerWorkspace } from "../workspace";
import { openRunnerDb } from "./open-db";

const list = (s: string) =>
  s
    .split(",")
    .map((x) => x.trim())
    .filter(Boolean);

export async function initCommand(args: string[], settings: Settings): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      command: { type: "string" },
      editable: { type: "string" },
      protected: { type: "string" },
      instructions: { type: "string" },
      metric: { type: "string" },
      goal: { type: "string" },
      budget: { type: "string" },
      timeout: { type: "string" },
      env: { type: "string" },
    },
  });
  const dir = path.resolve(positionals[0] ?? process.cwd());
  const file = path.join(dir, CONFIG_FILE);
  const existingText = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : null;
  const existing = parseWorkspaceConfig(existingText, file);
  if (!existing.ok) {
    console.error(`overseer: ${existing.error}`);
    return 2;
  }
  const merged: Record<string, unknown> = { ...configOverrides(existing.config) };
  try {
    if (values.command !== undefined) merged.command = splitCommand(values.command);
  } catch (e) {
    console.error(`overseer: --command: ${(e as Error).message}`);
    return 2;
  }
  if (values.editable !== undefined) merged.editable = list(values.editable);
  if (values.protected !== undefined) merged.protected = list(values.protected);
  if (values.instructions !== undefined) merged.instructions = values.instructions;
  if (values.env !== undefined) merged.env = list(values.env);
  if (values.metric !== undefined || values.goal !== undefined) {
    merged.metric = { name: values.metric ?? existing.config.metric.name, goal: values.goal ?? existing.config.metric.goal };
  }
  if (values.budget !== undefined) merged.budgetSeconds = Number(values.budget);
  if (values.timeout !== undefined) merged.timeoutSeconds = Number(values.timeout);

  const next = parseWorkspaceConfig(JSON.stringify(merged), "the options");
  if (!next.ok) {
    console.error(`overseer: ${next.error}`);
    return 2;
  }
  const text = `${JSON.stringify(configOverrides(next.config), null, 2)}\n`;
  const loaded = await loadWorkspace(dir, text);
  if (!loaded.ok) {
    console.error(`overseer: ${loaded.error}`);
    return 2;
  }
  fs.writeFileSync(file, text);
  const db = openRunnerDb(settings);
  const row = registerWorkspace(db, loaded.workspace, Date.now());
  db.$client.close();
  console.log(`wrote ${file}${text.trim() === "{}" ? " (all defaults)" : ""}`);
  console.log(`registered workspace "${row.name}" (${row.path}); try it with: overseer run ${path.relative(process.cwd(), dir) || "."}`);
  const configPath = path.join(loaded.workspace.subdir, CONFIG_FILE);
  if ((await dirtyFiles(loaded.workspace.repoRoot, [configPath])).length > 0) {
    console.log(`note: runs use the files committed at HEAD; commit ${CONFIG_FILE} for these settings to apply (git add ${configPath} && git commit).`);
  }
  return 0;
}
