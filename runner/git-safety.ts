/**
 * Configuration for every git the runner starts: a run (unsandboxed, or before its checkout was made read-only)
 * could have written the repository's config, and git executes some of what config names on ordinary commands
 * (`core.fsmonitor` on status, hooks on checkout). These overrides win over any config file, so the runner's own
 * git never runs a program a run chose. Filter drivers cannot be switched off this way; the sandbox keeps the git
 * folder read-only to runs for those (runner/sandbox.ts).
 */
export const SAFE_GIT_CONFIG = [
  "-c",
  "core.fsmonitor=false",
  "-c",
  "core.hooksPath=/dev/null",
  "-c",
  "core.pager=cat",
  "-c",
  "diff.external=",
  "-c",
  "core.sshCommand=false",
  "-c",
  "protocol.ext.allow=never",
  "-c",
  "uploadpack.packObjectsHook=",
] as const;

export const SAFE_GIT_ENV = { GIT_TERMINAL_PROMPT: "0", GIT_CONFIG_NOSYSTEM: "1", GIT_PAGER: "cat", GIT_EXTERNAL_DIFF: "" } as const;

/** What git needs of the environment: where programs and the user's config are, the locale, a temporary folder, and who commits. */
const GIT_KEEPS = /^(PATH|HOME|USER|LOGNAME|LANG|LANGUAGE|LC_[A-Z]+|TZ|TMPDIR|XDG_CONFIG_HOME|GIT_CONFIG_GLOBAL|GIT_(AUTHOR|COMMITTER)_(NAME|EMAIL))$/;

/**
 * The environment of every git the runner starts: only what git needs, and SAFE_GIT_ENV. Not the runner's own:
 * a run without a sandbox can read any process's environment (/proc/<pid>/environ), and the runner's holds the
 * API key; a git helper that lives for the whole session (cat-file --batch) must not hand it over.
 */
export function gitEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const kept = Object.fromEntries(Object.entries(env).filter(([name, value]) => value !== undefined && GIT_KEEPS.test(name)));
  return { ...kept, ...SAFE_GIT_ENV } as unknown as NodeJS.ProcessEnv;
}
