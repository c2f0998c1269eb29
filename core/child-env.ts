/**
 * The environment a training run gets: an allowlist, never the parent's whole environment, so no secret
 * (ANTHROPIC_API_KEY, tokens, cloud keys) reaches code that an agent wrote.
 */
export const BASE_ALLOWLIST = ["PATH", "HOME", "LANG", "CUDA_VISIBLE_DEVICES"] as const;

export function buildChildEnv(parent: Readonly<Record<string, string | undefined>>, extraNames: readonly string[], fixed: Readonly<Record<string, string>> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of [...BASE_ALLOWLIST, ...extraNames]) {
    const value = parent[name];
    if (value !== undefined) env[name] = value;
  }
  return { ...env, PYTHONUNBUFFERED: "1", ...fixed };
}

/** What the web process may see of the environment: it holds no secret (not the API key, not a webhook's URL). */
const WEB_NAMES = new Set(["PATH", "HOME", "USER", "LOGNAME", "SHELL", "LANG", "LANGUAGE", "TZ", "TMPDIR", "TERM", "NODE_ENV", "NODE_OPTIONS", "NODE_EXTRA_CA_CERTS", "CHROMIUM_PATH"]);
const WEB_PREFIXES = ["LC_", "OVERSEER_", "NEXT_", "__NEXT_"];
const NOT_FOR_THE_WEB = new Set(["OVERSEER_TOKEN"]);

export function webProcessEnv(parent: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(parent)) {
    if (value === undefined || NOT_FOR_THE_WEB.has(name)) continue;
    if (WEB_NAMES.has(name) || WEB_PREFIXES.some((p) => name.startsWith(p))) env[name] = value;
  }
  return env;
}
