/**
 * Secrets out of text that leaves the runner (crash tails, log excerpts the proposer reads): a run without a
 * sandbox can read the runner's environment (/proc/<pid>/environ) and raise it in an exception. Pure: the
 * secrets come in as arguments.
 */

/** Names that hold credentials, by the words people use for them. */
const SECRET_NAME = /(KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|AUTH|COOKIE|SESSION)/i;
/** Shorter values are words, not keys: replacing "1" or "true" everywhere would garble the log. */
const MIN_SECRET_LENGTH = 8;

/** The environment's secrets: credential-named variables with a value long enough to be one. */
export function secretsOf(env: Readonly<Record<string, string | undefined>>): { name: string; value: string }[] {
  return Object.entries(env)
    .filter((e): e is [string, string] => SECRET_NAME.test(e[0]) && typeof e[1] === "string" && e[1].length >= MIN_SECRET_LENGTH)
    .map(([name, value]) => ({ name, value }))
    .sort((a, b) => b.value.length - a.value.length); // a longer secret that contains a shorter one goes first
}

export function redact(text: string, secrets: readonly { name: string; value: string }[]): string {
  let out = text;
  for (const s of secrets) if (out.includes(s.value)) out = out.split(s.value).join(`[${s.name} redacted]`);
  return out;
}
