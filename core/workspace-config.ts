/**
 * overseer.json: the schema, its defaults (karpathy/autoresearch's conventions, so a clone of it needs no
 * config), and parsing with errors that name the field and the fix. Pure: callers read the file.
 */
import { z } from "zod";
import { ALERT_KINDS } from "./alerts";
import { RISK_LEVELS, RULE_IDS } from "./gate/rules";
import { sbatchFlagProblem } from "./slurm-job";

/** A path as a workspace names its files: relative, and never out of it through "..". */
export function isInsideWorkspace(p: string): boolean {
  return p.length > 0 && !p.startsWith("/") && !p.startsWith("\\") && !p.split(/[\\/]/).includes("..") && !p.includes("\0");
}

const relativePath = z.string().min(1).refine(isInsideWorkspace, {
  message: "must be a path inside the workspace (relative, no '..')",
});

const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { message: "must be an environment variable name" });

/** A run's output past which it is stopped; a 5-minute run prints a few MB. Runs recorded before the limit have none. */
export const DEFAULT_MAX_LOG_MB = 256;

export const workspaceConfigSchema = z
  .object({
    command: z.array(z.string().min(1)).min(1).default(["uv", "run", "train.py"]),
    editable: z.array(relativePath).min(1).default(["train.py"]),
    protected: z.array(relativePath).default(["prepare.py"]),
    instructions: relativePath.default("program.md"),
    metric: z
      .object({
        name: z.string().regex(/^[A-Za-z_][\w./-]*$/, { message: "must be a summary key such as val_bpb" }),
        goal: z.enum(["minimize", "maximize"]),
      })
      .strict()
      .default({ name: "val_bpb", goal: "minimize" }),
    budgetSeconds: z
      .number()
      .positive()
      .max(7 * 24 * 3600)
      .default(300),
    timeoutSeconds: z
      .number()
      .positive()
      .max(7 * 24 * 3600)
      .default(600),
    env: z.array(envName).default([]),
    /** The smallest improvement kept outright when the noise is unmeasured or smaller (e.g. 3e-4 bpb). */
    minImprovement: z.number().min(0).default(0),
    /** Data the protected files point at (a validation shard, a tokenizer): fingerprinted before and after each run. */
    protectedData: z.array(z.string().min(1)).default([]),
    /** How far a run's reported training time may disagree with the wall clock and the budget (0.1 = 10%, plus 10 s). */
    timeTolerance: z.number().min(0).max(10).default(0.1),
    /** The run's sandbox (bubblewrap where available) and resource limits. */
    sandbox: z
      .object({
        network: z.boolean().default(false),
        writable: z.array(z.string().min(1)).default([]),
        /** Paths a run may read besides its checkout, the system and its interpreter (data, a tokenizer, a package cache). */
        read: z.array(z.string().min(1)).default([]),
        /** Start runs from the cache a kept, unsuspicious run left (compiled kernels), instead of an empty one. */
        cacheReuse: z.boolean().default(false),
        maxFileSizeMb: z.number().int().positive().default(20480),
        maxProcesses: z.number().int().positive().default(4096),
        /** The run's memory (its whole process tree), where a cgroup can hold it; unset: 90% of the machine's. */
        maxMemoryMb: z.number().int().positive().optional(),
        /** The run's output (its log): past it the run is stopped. */
        maxLogMb: z.number().int().positive().default(DEFAULT_MAX_LOG_MB),
      })
      .strict()
      .default({ network: false, writable: [], read: [], cacheReuse: false, maxFileSizeMb: 20480, maxProcesses: 4096, maxLogMb: DEFAULT_MAX_LOG_MB }),
    /**
     * Trusted evaluation: after training, Overseer runs this command (one of the protected files) in a sandbox of
     * its own that reads the run's checkout and checkpoint (OVERSEER_CHECKPOINT_DIR) and `data`, which training
     * cannot read; its summary's metric is the run's. What training printed is kept as "reported".
     */
    evaluate: z
      .object({
        command: z.array(z.string().min(1)).min(1),
        /**
         * The held-out data only the evaluation reads: paths (`$VAR/…`, `~/…`, relative to the workspace; `*`, `?`
         * and `[…]` in the last part) that training and the served model cannot read, even inside a folder they do.
         */
        data: z.array(z.string().min(1)).default([]),
        /**
         * The candidate's model, served to the evaluation (e.g. ["node", "train.mjs", "--serve"]): a process of its
         * own per use, sandboxed like training (it reads the checkpoint, never `data`), its stdin and stdout the
         * evaluation's fds 3 and 4 (scoring) and 5 and 6 (a fresh one, for checks). Without it the evaluation
         * must not run the candidate's code itself.
         */
        serve: z.array(z.string().min(1)).min(1).optional(),
        /**
         * How long each model server may live, in seconds (default: timeoutSeconds). A server's time is compute the
         * budget does not count: an honest one only loads the checkpoint and answers.
         */
        serveSeconds: z
          .number()
          .positive()
          .max(24 * 3600)
          .optional(),
        timeoutSeconds: z
          .number()
          .positive()
          .max(24 * 3600)
          .default(600),
        /**
         * Training's start-up (imports, data, compilation) before its first progress record: past it plus the
         * budget, a run that has printed none is stopped, so training cannot hide before its first record.
         */
        startupSeconds: z.number().positive().max(3600).default(120),
        /** The relative disagreement of reported and evaluated metric past which the run is suspicious. */
        tolerance: z.number().min(0).max(1).default(0.001),
      })
      .strict()
      .optional(),
    /** The gate's rules: a level (or "off") per rule id, the largest diff that is not "large", the budget's names. */
    gate: z
      .object({
        rules: z.partialRecord(z.enum(RULE_IDS), z.enum([...RISK_LEVELS, "off"])).default({}),
        maxDiffLines: z.number().int().positive().default(300),
        budgetNames: z.array(z.string().regex(/^[A-Za-z_]\w*$/, { message: "must be a name such as TIME_BUDGET" })).default(["TIME_BUDGET"]),
        /** Top-level modules a candidate may newly import without a human's look, besides core/gate's defaults. */
        allowedImports: z.array(z.string().regex(/^[A-Za-z_]\w*$/, { message: "must be a top-level module name such as scipy" })).default([]),
      })
      .strict()
      .default({ rules: {}, maxDiffLines: 300, budgetNames: ["TIME_BUDGET"], allowedImports: [] }),
    /** Where runs execute: this machine's processes (local), or one Slurm batch job each (README: Running on a Slurm cluster). */
    backend: z.enum(["local", "slurm"]).default("local"),
    slurm: z
      .object({
        partition: z.string().min(1).optional(),
        account: z.string().min(1).optional(),
        qos: z.string().min(1).optional(),
        /** More sbatch flags. Not the ones Overseer's guarantees rest on: the environment, the output, the job's name. */
        extraArgs: z
          .array(
            z.string().superRefine((a, ctx) => {
              const problem = sbatchFlagProblem(a);
              if (problem) ctx.addIssue({ code: "custom", message: problem });
            }),
          )
          .default([]),
        /** GPUs each run asks for (--gres=gpu:N). */
        gpusPerRun: z.number().int().min(0).max(64).default(1),
        /** Jobs a session keeps on the cluster at once: its slots. */
        maxJobs: z.number().int().positive().max(1024).default(4),
      })
      .strict()
      .default({ extraArgs: [], gpusPerRun: 1, maxJobs: 4 }),
    /**
     * Webhooks told when a candidate waits for approval, a run is suspicious or tampered, the session pauses itself
     * or fails, or a new best is kept (core/alerts). `urlEnv` names a variable holding the URL, so a secret URL
     * (a Slack webhook) stays out of the repository. Code goes out only with includeCode.
     */
    notify: z
      .array(
        z
          .object({
            url: z
              .string()
              .regex(/^https?:\/\/[^\s/@]+(\/\S*)?$/, { message: "must be an http(s) URL without a user or password in it (put a secret URL in a variable and name it in urlEnv)" })
              .optional(),
            urlEnv: envName.optional(),
            format: z.enum(["slack", "ntfy", "json"]).default("json"),
            on: z
              .array(z.enum(ALERT_KINDS))
              .min(1)
              .default([...ALERT_KINDS]),
            includeCode: z.boolean().default(false),
          })
          .strict()
          .refine((w) => (w.url === undefined) !== (w.urlEnv === undefined), { message: "give either url or urlEnv (the name of a variable that holds the URL)" }),
      )
      .max(10)
      .default([]),
  })
  .strict()
  .refine((c) => c.timeoutSeconds >= c.budgetSeconds, {
    message: "timeoutSeconds must be at least budgetSeconds, or every run is killed before its budget ends",
    path: ["timeoutSeconds"],
  })
  .refine((c) => !c.evaluate || c.evaluate.command.some((a) => c.protected.includes(a)), {
    message: 'evaluate.command must run one of the protected files (e.g. ["node", "evaluate.mjs"] with evaluate.mjs in "protected"), or a candidate could change how it is scored',
    path: ["evaluate", "command"],
  })
  .refine((c) => !c.evaluate?.data.some((d) => c.sandbox.read.includes(d) || c.protectedData.includes(d)), {
    message: "evaluate.data must not also be in sandbox.read or protectedData: training must not read what scores it",
    path: ["evaluate", "data"],
  });

export type WorkspaceConfig = z.infer<typeof workspaceConfigSchema>;

export const DEFAULT_CONFIG: WorkspaceConfig = workspaceConfigSchema.parse({});

export type ConfigParse = { ok: true; config: WorkspaceConfig } | { ok: false; error: string };

/** Parses the text of overseer.json; a missing file (null) means all defaults. */
export function parseWorkspaceConfig(text: string | null, fileLabel = "overseer.json"): ConfigParse {
  if (text === null) return { ok: true, config: DEFAULT_CONFIG };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    return { ok: false, error: `${fileLabel} is not valid JSON (${detail}). Fix the syntax, or delete the file to use the defaults.` };
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    return { ok: false, error: `${fileLabel} must hold a JSON object such as {"command": ["python", "train.py"]}.` };
  }
  const parsed = workspaceConfigSchema.safeParse(json);
  if (parsed.success) return { ok: true, config: parsed.data };
  const problems = parsed.error.issues.map((issue) => `  - ${describeIssue(issue)}`);
  return { ok: false, error: `${fileLabel} has ${problems.length === 1 ? "a problem" : "problems"}:\n${problems.join("\n")}` };
}

const FIELD_HINTS: Record<string, string> = {
  command: 'an argv array, e.g. ["uv", "run", "train.py"]',
  editable: 'the files the proposer may edit, e.g. ["train.py"]',
  protected: 'files that must never change, e.g. ["prepare.py"]',
  instructions: 'the research brief, e.g. "program.md"',
  metric: '{"name": "val_bpb", "goal": "minimize"}',
  budgetSeconds: "the training budget in seconds, e.g. 300",
  timeoutSeconds: "the hard kill in seconds, e.g. 600",
  env: 'names of extra environment variables to pass through, e.g. ["HF_HOME"]',
  minImprovement: "the smallest improvement worth keeping, e.g. 0.0003",
  protectedData: 'paths of protected data, e.g. ["~/.cache/autoresearch/val_shard.parquet"]',
  timeTolerance: "the allowed disagreement of reported and wall-clock training time, e.g. 0.1",
  sandbox: '{"network": false, "read": ["~/.cache/autoresearch"], "writable": [], "maxFileSizeMb": 20480, "maxProcesses": 4096, "maxLogMb": 256}',
  evaluate:
    '{"command": ["python3", "evaluate.py"], "serve": ["python3", "train.py", "--serve"], "data": ["~/.cache/autoresearch/data/shard_06542.parquet"], "timeoutSeconds": 600, "startupSeconds": 120, "tolerance": 0.001}',
  notify: `[{"urlEnv": "SLACK_WEBHOOK_URL", "format": "slack"}, {"url": "https://ntfy.sh/my-topic", "format": "ntfy", "on": ["approval", "failed"]}] (on: ${ALERT_KINDS.join(", ")})`,
  gate: `{"rules": {"network": "blocked", "seed-only": "off"}, "maxDiffLines": 300, "budgetNames": ["TIME_BUDGET"], "allowedImports": ["scipy"]} (rules: ${RULE_IDS.join(", ")}; levels: ${RISK_LEVELS.join(", ")}, off)`,
};

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === "unrecognized_keys" && issue.path.length) {
    const where = issue.path.map(String).join(".");
    return `"${where}": unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")} — expected ${FIELD_HINTS[String(issue.path[0])] ?? "one of the documented keys"}`;
  }
  if (issue.code === "unrecognized_keys") {
    const known = Object.keys(FIELD_HINTS).join(", ");
    return `unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")}: remove ${issue.keys.length > 1 ? "them" : "it"} (known fields: ${known})`;
  }
  const field = issue.path.length ? issue.path.map(String).join(".") : "(root)";
  const top = String(issue.path[0] ?? "");
  const hint = FIELD_HINTS[top];
  return `"${field}": ${issue.message}${hint ? ` — expected ${hint}` : ""}`;
}

/** The fields of a config that differ from the defaults: what `overseer init` writes. */
export function configOverrides(config: WorkspaceConfig): Partial<WorkspaceConfig> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(config) as (keyof WorkspaceConfig)[]) {
    if (JSON.stringify(config[key]) !== JSON.stringify(DEFAULT_CONFIG[key])) out[key] = config[key];
  }
  return out as Partial<WorkspaceConfig>;
}
