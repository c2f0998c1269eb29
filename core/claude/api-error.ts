/**
 * What an error from the Claude API means for the loop (the errors page,
 * https://platform.claude.com/docs/en/api/errors). Fatal: no retry can help, so the session stops at once with
 * the API's own words and what to do. Transient: the SDK has already retried with backoff; the proposal fails
 * and the loop goes on (a run of them pauses the session). Pure.
 */
export interface ApiErrorFacts {
  /** The HTTP status; undefined for a connection failure or a timeout. */
  status?: number;
  /** error.type of the body (authentication_error, not_found_error, …). */
  type?: string;
  message: string;
  /** error.details.error_code, where the API gives one (enforced_spend_limit_reached). */
  errorCode?: string;
  timedOut?: boolean;
}

export interface ApiFailure {
  fatal: boolean;
  reason: string;
}

export function classifyApiError(e: ApiErrorFacts, model: string): ApiFailure {
  const said = `${e.status ?? ""}${e.type ? ` ${e.type}` : ""}: ${e.message}`.trim();
  if (e.timedOut) return { fatal: false, reason: "the Claude API timed out (after retries)" };
  switch (e.status) {
    case undefined:
      return { fatal: false, reason: `could not reach the Claude API: ${e.message}` };
    case 401:
      return { fatal: true, reason: `the Claude API refused the key (${said}): check ANTHROPIC_API_KEY (and ANTHROPIC_BASE_URL if you use another server), then resume` };
    case 402:
      return { fatal: true, reason: `the Claude API refused the request for billing (${said}): see the account's billing page, then resume` };
    case 403:
      return { fatal: true, reason: `the key may not do this (${said}): use a key with access to ${model}, or another model, then resume` };
    case 404:
      return { fatal: true, reason: `the Claude API has no model ${model} (${said}): pick a model the account has (OVERSEER_CLAUDE_MODEL or the session's model), then resume` };
    case 413:
      return { fatal: false, reason: `the request was too large for the Claude API (${said})` };
    case 400:
      if (/prompt is too long|too many tokens|context window/i.test(e.message)) return { fatal: false, reason: `the prompt was too long for ${model} (${said})` };
      if (/spend limit|credit balance/i.test(e.message)) return { fatal: true, reason: `the Claude API stopped the account's spending (${said}): raise the limit, then resume` };
      return { fatal: true, reason: `the Claude API refused a request Overseer built (${said}): this is a bug in Overseer with ${model} — please report it with this message` };
    case 429:
      if (e.errorCode === "enforced_spend_limit_reached") return { fatal: true, reason: `the account reached its spend limit (${said}): raise it, then resume` };
      return { fatal: false, reason: `the Claude API is rate-limiting this key (${said}), still after retries` };
    default:
      return { fatal: false, reason: `the Claude API answered ${said} (after retries)` };
  }
}
