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
