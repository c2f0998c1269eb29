/**
 * The one configuration of every Overseer process: the environment over `.env.local` over `.env` in Overseer's
 * folder (core/env-file), validated once (core/settings). `bin/overseer` loads it first; the processes
 * `overseer start` spawns inherit the result (and Next.js is told not to read the files again).
 */
import fs from "node:fs";
import path from "node:path";
import { ENV_FILES, mergeConfiguration, parseEnvFile } from "../core/env-file";
import { parseSettings, type Settings } from "../core/settings";

export type Loaded = { ok: true; settings: Settings; env: Record<string, string | undefined>; files: string[] } | { ok: false; error: string };

/** root: Overseer's folder, where the files are unless OVERSEER_ENV_DIR (from the environment only) names another. */
export function loadConfiguration(root: string, env: Readonly<Record<string, string | undefined>>, cwd: string): Loaded {
  const dir = env.OVERSEER_ENV_DIR ? path.resolve(cwd, env.OVERSEER_ENV_DIR) : root;
  const files: { name: string; vars: Record<string, string> }[] = [];
  for (const name of ENV_FILES) {
    const file = path.join(dir, name);
    let text: string;
    try {
      text = fs.readFileSync(file, "utf8");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") continue;
      return { ok: false, error: `cannot read ${file}: ${(e as Error).message}` };
    }
    const parsed = parseEnvFile(text, name);
    if (!parsed.ok) return { ok: false, error: `${parsed.error} (in ${dir})` };
    if ("OVERSEER_ENV_DIR" in parsed.vars) return { ok: false, error: `${name} sets OVERSEER_ENV_DIR, which says where the files are: set it in the environment (in ${dir})` };
    files.push({ name, vars: parsed.vars });
  }
  const merged = mergeConfiguration(env, files);
  const origins = Object.fromEntries(Object.entries(merged.origins).map(([k, f]) => [k, path.join(dir, f)]));
  const settings = parseSettings(merged.env, root, cwd, origins, dir);
  if (!settings.ok) return settings;
  // Relative paths from a file mean Overseer's folder, for the children too, whatever their working directory.
  const out = { ...merged.env };
  for (const name of ["OVERSEER_DATA_DIR", "OVERSEER_DB_FILE"]) if (merged.origins[name] && out[name]) out[name] = path.resolve(dir, out[name]!);
  return { ok: true, settings: settings.settings, env: out, files: files.map((f) => path.join(dir, f.name)) };
}
