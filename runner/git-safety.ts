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
