/**
 * Names that reach outside the training computation, by the rule they trigger, as fully qualified names
 * (`subprocess`, `os.system`, `process.env`): a chain matches a name or anything under it. The gate resolves
 * aliases through the file's imports first, so `import subprocess as sp; sp.run` is `subprocess.run`.
 */
import type { RuleId } from "./rules";

export const CAPABILITIES: { rule: RuleId; what: string; names: string[] }[] = [
  {
    rule: "process",
    what: "starts or signals processes",
    names: [
      "subprocess",
      "os.system",
      "os.popen",
      "os.execv",
      "os.execve",
      "os.execl",
      "os.execlp",
      "os.execvp",
      "os.spawnl",
      "os.spawnv",
      "os.posix_spawn",
      "os.fork",
      "os.kill",
      "os.killpg",
      "pty",
      "child_process",
      "process.kill",
      "cluster",
    ],
  },
  {
    rule: "network",
    what: "reaches the network",
    names: [
      "socket",
      "requests",
      "urllib",
      "urllib3",
      "http",
      "httpx",
      "aiohttp",
      "ftplib",
      "smtplib",
      "telnetlib",
      "paramiko",
      "websocket",
      "websockets",
      "wandb",
      "huggingface_hub",
      "boto3",
      "net",
      "https",
      "dgram",
      "dns",
      "tls",
      "fetch",
      "XMLHttpRequest",
      "WebSocket",
    ],
  },
  {
    rule: "filesystem",
    what: "deletes, moves or writes files outside the run",
    names: [
      "shutil",
      "os.remove",
      "os.unlink",
      "os.rmdir",
      "os.removedirs",
      "os.rename",
      "os.renames",
      "os.replace",
      "os.chmod",
      "os.chown",
      "os.symlink",
      "os.link",
      "os.truncate",
      "os.chdir",
      "os.path.expanduser",
      "os.path.expandvars",
      "os.homedir",
      "pathlib.Path.home",
      "fs",
      "fs/promises",
    ],
  },
  { rule: "environment", what: "reads or sets environment variables", names: ["os.environ", "os.environb", "os.getenv", "os.putenv", "os.unsetenv", "process.env", "dotenv"] },
  {
    rule: "dynamic-code",
    what: "runs code built at run time or inspects the interpreter",
    names: ["eval", "exec", "compile", "__import__", "importlib", "ctypes", "cffi", "inspect", "sys._getframe", "gc.get_objects", "gc.get_referrers", "globals", "locals", "vars", "Function", "vm"],
  },
  {
    rule: "deserialization",
    what: "loads pickled data",
    names: ["pickle", "_pickle", "cPickle", "marshal", "dill", "shelve", "joblib.load", "yaml.unsafe_load", "v8.deserialize"],
  },
];

/** Method names that delete or write files whatever object they are called on (pathlib.Path and friends). */
export const FILE_METHODS = new Set(["write_text", "write_bytes", "unlink", "rmtree", "rmdir", "symlink_to", "hardlink_to", "chmod", "writeFileSync", "appendFileSync", "rmSync", "unlinkSync"]);

/** Calls that load pickles unless the statement opts out (`weights_only=True`; numpy pickles only with `allow_pickle=True`). */
export const PICKLE_LOADERS: { name: string; safeWhen?: RegExp; unsafeWhen?: RegExp }[] = [
  { name: "torch.load", safeWhen: /\bweights_only\s*=\s*True\b/ },
  { name: "numpy.load", unsafeWhen: /\ballow_pickle\s*=\s*True\b/ },
  { name: "yaml.load", safeWhen: /SafeLoader|CSafeLoader/ },
];

/** Names that replace the script's output channel. */
export const OUTPUT_NAMES = ["print", "builtins", "__builtins__", "sys.stdout", "sys.stderr", "sys.__stdout__", "sys.__stderr__", "console", "process.stdout", "process.stderr"];
export const OUTPUT_CALLS = ["contextlib.redirect_stdout", "contextlib.redirect_stderr", "os.dup2", "os.dup"];

export const TIME_CALLS = [
  "time.time",
  "time.time_ns",
  "time.perf_counter",
  "time.perf_counter_ns",
  "time.monotonic",
  "time.monotonic_ns",
  "time.process_time",
  "datetime.datetime.now",
  "datetime.now",
  "Date.now",
  "performance.now",
  "perf_hooks.performance.now",
  "process.hrtime",
  "process.uptime",
];

export const FAST_FAIL_NAMES = new Set(["isnan", "isinf", "isfinite", "isNaN", "isFinite"]);

export const PATCHING_CALLS = ["setattr", "delattr", "Object.defineProperty", "Object.assign", "Object.setPrototypeOf", "Reflect.set", "Reflect.defineProperty"];

/** Keys of autoresearch's summary; the workspace's metric is added to them. */
export const SUMMARY_KEYS = ["val_bpb", "training_seconds", "total_seconds", "peak_vram_mb", "mfu_percent", "total_tokens_M", "num_steps", "num_params_M"];

export function matchesName(qualified: string, name: string): boolean {
  return qualified === name || qualified.startsWith(`${name}.`);
}
