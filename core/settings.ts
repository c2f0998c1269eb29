/**
 * Process settings from environment variables, parsed once at each process's entry. Every variable is
 * listed in .env.example; if you add one here, add it there.
 */
import path from "node:path";
import { z } from "zod";
import { DEFAULT_MODEL } from "./claude/models";

const schema = z.object({
  OVERSEER_DATA_DIR: z.string().min(1).optional(),
  OVERSEER_DB_FILE: z.string().min(1).optional(),
  OVERSEER_KILL_GRACE_MS: z.coerce.number().int().min(0).max(600_000).default(5000),
  OVERSEER_HOST: z.string().min(1).default("127.0.0.1"),
  OVERSEER_PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  OVERSEER_ALLOWED_HOSTS: z
    .string()
    .default("")
    .transform((v) =>
      v
        .split(",")
        .map((h) => h.trim().toLowerCase())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().regex(/^[a-z0-9.:-]+$/, "a comma-separated list of host names or addresses, without ports or schemes"))),
  // Empty is unset (.env.example lists it empty).
  OVERSEER_TOKEN: z.preprocess(
    (v) => (v === "" ? undefined : v),
    z
      .string()
      .regex(/^[A-Za-z0-9_-]{24,256}$/, "24 to 256 letters, digits, - or _ (or leave it unset: overseer start then makes a new token at every start)")
      .optional(),
  ),
  ANTHROPIC_API_KEY: z.string().optional(),
  ANTHROPIC_BASE_URL: z.string().url().optional(),
  OVERSEER_CLAUDE_MODEL: z.string().min(1).default(DEFAULT_MODEL),
  OVERSEER_NVIDIA_SMI: z.string().min(1).default("nvidia-smi"),
  OVERSEER_GPU_SAMPLE_MS: z.coerce.number().int().min(100).max(60_000).default(1000),
  OVERSEER_GPU_MEMORY_WAIT_S: z.coerce.number().min(0).max(3600).default(120),
  OVERSEER_MIN_FREE_DISK_MB: z.coerce.number().int().min(0).max(10_000_000).default(256),
  OVERSEER_MAX_STREAMS_PER_CLIENT: z.coerce.number().int().min(1).max(1000).default(32),
});

export interface Settings {
  dataDir: string;
  dbFile: string;
  killGraceMs: number;
  host: string;
  port: number;
  /** Host names the dashboard answers to besides loopback and its own (OVERSEER_ALLOWED_HOSTS). */
  allowedHosts: string[];
  /** The access token's SHA-256: every change needs the token, and beyond loopback every read does too. */
  accessTokenFile: string;
  /** OVERSEER_TOKEN: the token `overseer start` sets instead of making one (a script's, a test's); never passed on. */
  fixedToken: string | null;
  /** For the claude proposer; never passed to training runs. */
  anthropic: { apiKey: string | null; baseURL: string | null; model: string };
  gpu: GpuSettings;
  /** Below this much free space where logs and the database live, new runs wait (the top bar says so). */
  minFreeDiskMb: number;
  /** Live streams (the dashboard's event streams) one client may hold open at once; a browser needs one or two. */
  maxStreamsPerClient: number;
}

export interface GpuSettings {
  /** The nvidia-smi program; missing means a CPU-only machine. */
  nvidiaSmi: string;
  /** How often a run's GPU is sampled. */
  sampleMs: number;
  /** How long a run waits for memory an earlier process still holds on its GPU, before it runs anyway. */
  memoryWaitMs: number;
  /** Used memory above this means a GPU is held by someone else. */
  memoryHeldMb: number;
}

const SECRETS = new Set(["OVERSEER_TOKEN", "ANTHROPIC_API_KEY"]);

export type SettingsParse = { ok: true; settings: Settings } | { ok: false; error: string };

/**
 * root: where Overseer is installed. Relative paths are taken from the current directory, or for a variable set
 * in a .env file (`origins`: variable → file, core/env-file) from the files' folder, so every command finds the
 * same one.
 */
export function parseSettings(env: Record<string, string | undefined>, root: string, cwd: string, origins: Readonly<Record<string, string>> = {}, filesDir = root): SettingsParse {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    // A secret's value is never echoed, not even a malformed one.
    const shown = (name: string) => (SECRETS.has(name) ? "(hidden)" : JSON.stringify(env[name]));
    const from = (name: string) => (origins[name] ? ` (set in ${origins[name]})` : "");
    const lines = parsed.error.issues.map((i) => `  - ${i.path.join(".")}=${shown(String(i.path[0]))}${from(String(i.path[0]))}: ${i.message}`);
    return { ok: false, error: `bad environment variable${lines.length > 1 ? "s" : ""}:\n${lines.join("\n")}\nSee .env.example for what each one takes.` };
  }
  const e = parsed.data;
  const base = (name: string) => (origins[name] ? filesDir : cwd);
  const dataDir = e.OVERSEER_DATA_DIR ? path.resolve(base("OVERSEER_DATA_DIR"), e.OVERSEER_DATA_DIR) : path.join(root, "data");
  const dbFile = e.OVERSEER_DB_FILE ? path.resolve(base("OVERSEER_DB_FILE"), e.OVERSEER_DB_FILE) : path.join(dataDir, "overseer.db");
  const anthropic = { apiKey: e.ANTHROPIC_API_KEY || null, baseURL: e.ANTHROPIC_BASE_URL ?? null, model: e.OVERSEER_CLAUDE_MODEL };
  const gpu = { nvidiaSmi: e.OVERSEER_NVIDIA_SMI, sampleMs: e.OVERSEER_GPU_SAMPLE_MS, memoryWaitMs: e.OVERSEER_GPU_MEMORY_WAIT_S * 1000, memoryHeldMb: 1024 };
  return {
    ok: true,
    settings: {
      dataDir,
      dbFile,
      killGraceMs: e.OVERSEER_KILL_GRACE_MS,
      host: e.OVERSEER_HOST,
      port: e.OVERSEER_PORT,
      allowedHosts: e.OVERSEER_ALLOWED_HOSTS,
      accessTokenFile: path.join(dataDir, "access-token.sha256"),
      fixedToken: e.OVERSEER_TOKEN ?? null,
      anthropic,
      gpu,
      minFreeDiskMb: e.OVERSEER_MIN_FREE_DISK_MB,
      maxStreamsPerClient: e.OVERSEER_MAX_STREAMS_PER_CLIENT,
    },
  };
}
