/** Entry of `bin/overseer`: parses the command line and dispatches. Exit codes: 0 ok, 1 failed, 2 bad usage. */
import { databaseFault, describeDatabaseFault } from "../../db/faults";
import { loadConfiguration } from "../configuration";
import { OVERSEER_ROOT } from "../paths";
import { UsageError } from "./args";
import { doctorCommand } from "./doctor";
import { gateCommand } from "./gate";
import { importCommand } from "./import";
import { initCommand } from "./init";
import { experimentsCommand, sessionsCommand } from "./list-commands";
import { loopCommand } from "./loop";
import { decideCommand, exportCommand, proposeCommand } from "./session-commands";
import { reportCommand } from "./report";
import { runCommand } from "./run";
import { runnerCommand } from "./runner";
import { startCommand } from "./start";
import { tokenCommand } from "./token";
import { makeConsoleTerminalSafe } from "./terminal-safe";

/** Every variable Overseer reads, with what it is for; .env.example says more (a test keeps the two in step). */
const ENVIRONMENT = [
  "OVERSEER_DATA_DIR, OVERSEER_DB_FILE       where the database, logs and worktrees live",
  "OVERSEER_HOST, OVERSEER_PORT              where overseer start serves the dashboard",
  "OVERSEER_ALLOWED_HOSTS, OVERSEER_TOKEN    other host names to answer to; a fixed access token",
  "OVERSEER_MAX_STREAMS_PER_CLIENT           live streams one client may hold",
  "OVERSEER_KILL_GRACE_MS                    SIGTERM to SIGKILL when a run is stopped",
  "OVERSEER_ISOLATION                        auto, bubblewrap, uid or none: how runs are sandboxed",
  "OVERSEER_NVIDIA_SMI, OVERSEER_GPU_SAMPLE_MS, OVERSEER_GPU_MEMORY_WAIT_S   the GPUs",
  "OVERSEER_MIN_FREE_DISK_MB                 below it new runs wait",
  "ANTHROPIC_API_KEY, ANTHROPIC_BASE_URL, OVERSEER_CLAUDE_MODEL   the claude proposer and reviewer",
  "OVERSEER_ENV_DIR                          read .env and .env.local from this folder (environment only)",
  "TINY_LM_CORPUS_DIR, CHROMIUM_PATH         the example's corpus; the tests' browser",
];

const USAGE = `overseer — supervised autoresearch

usage:
  overseer start [--host H] [--port P]
                                 the dashboard (http://127.0.0.1:3000) and the runner, with the example workspace;
                                 a host beyond loopback (0.0.0.0) needs the access token printed at the first start
  overseer token --reset         a new access token for the dashboard (the old one stops working)
  overseer runner                the runner alone, headless: starts runs queued from the dashboard
  overseer run [DIR] [--json] [--backend local|slurm]
                                 run the workspace's command once, at HEAD, and print its summary
  overseer loop [DIR] [options]  the research loop, headless: propose, gate, run, keep or revert
      --proposer mutate|claude|manual   --experiments N   --approve risky|auto|all   --tag T
      --backend local|slurm   (where runs execute, over overseer.json's backend; slurm: one sbatch job each)
      (risky, the default: code changes wait for a human, hyperparameters run; auto: only high risk waits)
      --baseline-runs K   --seed S   --plateau N   --max-cost USD   --max-minutes M   --resume SESSION
      --runs-per-candidate N   --within-noise rerun|ask   (a gain within the noise after N runs: discard, or ask)
      --allow-unsandboxed   (without bubblewrap every candidate waits for a human, unless this is given)
      --reviewer none|claude   (a second model reads each diff; the stricter of it and the rules wins)
      --gpus 0,1   (the GPUs to use, as nvidia-smi numbers them; default: all. One experiment runs on each at once)
      --max-waiting K   (candidates that may wait for a human at once, 3 by default: the GPUs run the rest meanwhile)
  overseer sessions [--workspace DIR]
                                 every session with its id, status, experiments, keeps and best
  overseer experiments SESSION   a session's experiments: id (for approve, reject, export), #, status, metric, title
  overseer approve EXPERIMENT [--note …] / overseer reject EXPERIMENT [--note …]
                                 decide an experiment that awaits approval (its id, as the loop prints it)
  overseer keep EXPERIMENT [--note …] / overseer discard EXPERIMENT [--note …]
                                 settle a result within the noise that waits for a human (--within-noise ask)
  overseer propose SESSION --diff FILE --title "…" [--hypothesis "…"]
                                 a change of your own (a unified diff, - for stdin) for a running session: the manual
                                 proposer's only source, and welcome in any other; gated like the proposer's
  overseer import [DIR] [--branch autoresearch/TAG] [--results FILE] [--log FILE]
                                 adopt a session autoresearch's agent ran: its branch, results.tsv and run.log
                                 (again later: adds the new rows)
  overseer export SESSION --format patch|diff|tsv|json
                                 the winning chain as a format-patch mbox, one squashed diff, results.tsv, or all as JSON
  overseer export --experiments ID,ID,… --format patch|diff|tsv|json
                                 a selection (any sessions of a workspace): each one's own change, replayed on the baseline
  overseer report SESSION [--out FILE]
                                 a self-contained HTML report to share (opens offline): progress, the kept chain with
                                 each diff and gain, the closest discards, noise, cost, GPU time, hyperparameters
  overseer doctor [DIR] [--json]  check this machine: node, git, disk, the sandbox, the GPUs (and inside the sandbox),
                                 DIR's Python and CUDA, the Claude key; says what to fix; exit 1 when a check fails
  overseer gate DIR --diff FILE [--json]
                                 the gate's verdict on a diff (- for stdin) against DIR's current files; exit 0
                                 whatever the verdict, 2 when the diff cannot be judged
  overseer init [DIR] [options]  write DIR/overseer.json (only what differs from the defaults) and register DIR
      --command "uv run train.py"   --editable train.py,model.py   --protected prepare.py
      --metric val_bpb   --goal minimize|maximize   --budget 300   --timeout 600
      --instructions program.md     --env HF_HOME,WANDB_MODE

environment (the environment first, then .env.local, then .env in Overseer's folder; see .env.example):
  ${ENVIRONMENT.join("\n  ")}`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === "help" || command === "--help" || command === "-h") {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  if (command === "gate") return gateCommand(rest); // needs no database
  const parsed = loadConfiguration(OVERSEER_ROOT, process.env, process.cwd());
  if (!parsed.ok) {
    console.error(`overseer: ${parsed.error}`);
    return 2;
  }
  // What the files set is this process's environment too: the processes it spawns read the same configuration.
  for (const [k, v] of Object.entries(parsed.env)) if (v !== undefined && process.env[k] !== v) process.env[k] = v;
  const settings = parsed.settings;
  switch (command) {
    case "run":
      return runCommand(rest, settings);
    case "init":
      return initCommand(rest, settings);
    case "loop":
      return loopCommand(rest, settings);
    case "approve":
      return decideCommand("approved", rest, settings);
    case "reject":
      return decideCommand("rejected", rest, settings);
    case "keep":
      return decideCommand("kept", rest, settings);
    case "discard":
      return decideCommand("discarded", rest, settings);
    case "sessions":
      return sessionsCommand(rest, settings);
    case "experiments":
      return experimentsCommand(rest, settings);
    case "propose":
      return proposeCommand(rest, settings);
    case "import":
      return importCommand(rest, settings);
    case "export":
      return exportCommand(rest, settings);
    case "report":
      return reportCommand(rest, settings);
    case "runner":
      return runnerCommand(settings);
    case "start":
      return startCommand(rest, settings);
    case "token":
      return tokenCommand(rest, settings);
    case "doctor":
      return doctorCommand(rest, settings);
    default:
      console.error(`overseer: unknown command "${command}"\n\n${USAGE}`);
      return 2;
  }
}

makeConsoleTerminalSafe();
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    if (e instanceof UsageError) {
      console.error(`overseer ${process.argv[2] ?? ""}: ${e.message}\n(overseer --help lists every command and option)`);
      process.exitCode = 2;
      return;
    }
    const fault = databaseFault(e);
    console.error(`overseer: ${fault ? describeDatabaseFault(fault) : e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  },
);
