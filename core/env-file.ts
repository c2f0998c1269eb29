/**
 * Overseer's configuration files, `.env.local` and `.env` in its folder, read the same way by every process:
 * `overseer start` reads them once and hands the result to the runner and the dashboard (which is told not to
 * read them again), and every other `bin/overseer` command reads them itself. Pure: the text comes in.
 *
 * Precedence: the environment, then `.env.local`, then `.env`. An empty value is the same as not setting it.
 * The format is dotenv's common subset: `KEY=value`, `export KEY=value`, `#` comments, values in '…', "…"
 * (with \n, \t, \" and \\) or bare (a ` #` starts a comment). No $VAR expansion. Any other line is an error.
 */

export const ENV_FILES = [".env.local", ".env"] as const;

export type EnvFileParse = { ok: true; vars: Record<string, string> } | { ok: false; error: string };

const LINE = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/;
const ESCAPES: Record<string, string> = { n: "\n", t: "\t", r: "\r", '"': '"', "\\": "\\" };

export function parseEnvFile(text: string, name: string): EnvFileParse {
  const vars: Record<string, string> = {};
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^\s*(#.*)?$/.test(line)) continue;
    const where = `${name}:${i + 1}`;
    const m = LINE.exec(line);
    // The line itself is not echoed: it may be a secret pasted without its name.
    if (!m) return { ok: false, error: `${where}: the line is not KEY=value (a name of letters, digits and _, then =): fix or delete it` };
    const [, key, raw] = m as unknown as [string, string, string];
    const value = unquoted(raw);
    if (value === null) return { ok: false, error: `${where}: the value of ${key} opens a quote it does not close (values are one line; use \\n in "…" for a newline)` };
    vars[key] = value;
  }
  return { ok: true, vars };
}

function unquoted(raw: string): string | null {
  const q = raw[0];
  if (q === '"' || q === "'") {
    let out = "";
    for (let i = 1; i < raw.length; i++) {
      const c = raw[i]!;
      if (c === q) {
        const rest = raw.slice(i + 1).trim();
        return rest === "" || rest.startsWith("#") ? out : null;
      }
      if (q === '"' && c === "\\" && i + 1 < raw.length) {
        const next = raw[++i]!;
        out += ESCAPES[next] ?? `\\${next}`;
      } else out += c;
    }
    return null;
  }
  return raw.replace(/\s+#.*$/, "").trim();
}

export interface Configuration {
  /** The environment with the files' variables added where it had none. */
  env: Record<string, string | undefined>;
  /** Which file each variable it took from a file came from. */
  origins: Record<string, string>;
}

/** files: in precedence order (ENV_FILES). The environment wins, then the first file that sets a non-empty value. */
export function mergeConfiguration(env: Readonly<Record<string, string | undefined>>, files: readonly { name: string; vars: Record<string, string> }[]): Configuration {
  const merged: Record<string, string | undefined> = { ...env };
  const origins: Record<string, string> = {};
  for (const f of files) {
    for (const [key, value] of Object.entries(f.vars)) {
      if (value === "" || (merged[key] !== undefined && merged[key] !== "") || key in origins) continue;
      merged[key] = value;
      origins[key] = f.name;
    }
  }
  return { env: merged, origins };
}
