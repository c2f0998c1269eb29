/**
 * Alerts beyond the browser: what the events table's rows mean to a researcher away from the dashboard, and the
 * HTTP request each webhook format wants. Pure: the rows and what they refer to come in, requests go out.
 *
 * Formats, as their services document them:
 * - "slack": a Slack incoming webhook, POST application/json {"text": …} (https://api.slack.com/messaging/webhooks;
 *   Mattermost, Rocket.Chat and Discord's /slack endpoint take the same).
 * - "ntfy": POST the message as text/plain to the topic's URL, with Title, Tags, Priority and Click headers
 *   (https://docs.ntfy.sh/publish/).
 * - "json": Overseer's own object, for anything else.
 * No code is sent (titles and reasons only) unless the webhook says includeCode; no secret is ever in an alert.
 */

export const ALERT_KINDS = ["approval", "suspicious", "paused", "failed", "new_best"] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export interface Alert {
  kind: AlertKind;
  title: string;
  message: string;
  /** The dashboard page it is about. */
  url: string;
  at: number;
  sessionId: number;
  experimentId: number | null;
  /** The candidate's diff, sent only to webhooks that opt in. */
  diff: string | null;
}

/** An event row, parsed, and what the runner looked up for it. */
export interface AlertSource {
  type: string;
  at: number;
  payload: Record<string, unknown>;
  session: { id: number; tag: string; stopReason: string | null; bestValue: number | null } | null;
  experiment: { id: number; idx: number; title: string; reason: string | null; diff: string | null; verdictLevel: string | null } | null;
  /** A run's suspicion, for run_ended. */
  run: { id: number; suspicion: string | null; outcome: string | null } | null;
  workspace: string;
  metricName: string;
  dashboard: string;
}

const first = (s: string | null | undefined) => (s ?? "").split("\n")[0]!.slice(0, 300);

/** The alert an event raises, or null for the many events nobody needs to hear about. */
export function alertOf(src: AlertSource): Alert | null {
  const s = src.session;
  const e = src.experiment;
  if (!s) return null;
  const base = { at: src.at, sessionId: s.id, experimentId: e?.id ?? null, diff: e?.diff ?? null };
  const where = `${src.workspace}, session ${s.tag}`;
  const expUrl = e ? `${src.dashboard}/experiments/${e.id}` : `${src.dashboard}/sessions/${s.id}`;
  const sessionUrl = `${src.dashboard}/sessions/${s.id}`;
  switch (src.type) {
    case "experiment_approval_requested":
    case "experiment_reapproval_requested":
      if (!e) return null;
      return { ...base, kind: "approval", url: expUrl, title: `#${e.idx} waits for your approval`, message: `${e.title} (${e.verdictLevel ?? "?"} risk) in ${where}` };
    case "experiment_decision_requested":
      if (!e) return null;
      if (e.reason?.startsWith("held for a human: the run looks forged"))
        return { ...base, kind: "suspicious", url: expUrl, title: `#${e.idx} looks forged: its keep waits for you`, message: `${e.title} in ${where}: ${first(e.reason)}` };
      return { ...base, kind: "approval", url: expUrl, title: `#${e.idx}: keep or discard?`, message: `${e.title} in ${where}: ${first(e.reason)}` };
    case "run_ended": {
      const r = src.run;
      if (!r || !e) return null;
      if (r.outcome === "tampered") return { ...base, kind: "suspicious", url: expUrl, title: `#${e.idx} tampered with what scores it`, message: `${e.title} in ${where}: ${first(e.reason)}` };
      if (r.suspicion) return { ...base, kind: "suspicious", url: expUrl, title: `#${e.idx}'s run is suspicious`, message: `${e.title} in ${where}: ${first(r.suspicion)}` };
      return null;
    }
    case "session_paused":
      // A pause the loop chose (failed proposals) says why; a human's own pause needs no alert.
      if (!s.stopReason) return null;
      return { ...base, kind: "paused", url: sessionUrl, title: `session ${s.tag} paused`, message: `${where}: ${first(s.stopReason)}`, experimentId: null, diff: null };
    case "session_failed":
      return { ...base, kind: "failed", url: sessionUrl, title: `session ${s.tag} failed`, message: `${where}: ${first(s.stopReason)}`, experimentId: null, diff: null };
    case "session_best_improved":
      if (!e) return null;
      return {
        ...base,
        kind: "new_best",
        url: expUrl,
        title: `new best: ${src.metricName} ${formatMetric(Number(src.payload.bestValue ?? s.bestValue))}`,
        message: `#${e.idx} ${e.title} kept in ${where}`,
      };
    default:
      return null;
  }
}

const formatMetric = (v: number) => (Number.isFinite(v) ? String(Number(v.toPrecision(6))) : "?");

export type WebhookFormat = "slack" | "ntfy" | "json";

export interface WebhookRequest {
  headers: Record<string, string>;
  body: string;
}

const NTFY_TAGS: Record<AlertKind, string> = { approval: "hourglass", suspicious: "warning", paused: "pause_button", failed: "x", new_best: "tada" };
const NTFY_PRIORITY: Record<AlertKind, string> = { approval: "4", suspicious: "5", paused: "3", failed: "4", new_best: "3" };
/** Header values are one line of Latin-1 (fetch refuses anything else). */
const header = (s: string) => s.replace(/[\r\n]+/g, " ").replace(/[^\x20-\x7e\xa0-\xff]/g, "?");
const MAX_DIFF = 20_000;
/** Slack's control characters in text (https://api.slack.com/reference/surfaces/formatting#escaping). */
const slackText = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

export function webhookRequest(a: Alert, format: WebhookFormat, includeCode: boolean): WebhookRequest {
  const diff = includeCode && a.diff ? (a.diff.length > MAX_DIFF ? `${a.diff.slice(0, MAX_DIFF)}\n… (cut at ${MAX_DIFF} characters)` : a.diff) : null;
  switch (format) {
    case "slack":
      // Titles are the proposer's words: escaped, so "<!channel>" or "<https://evil|Approve>" stays text.
      return {
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ text: `*${slackText(a.title)}*\n${slackText(a.message)}\n<${a.url}|Open in Overseer>${diff ? `\n\`\`\`${slackText(diff)}\`\`\`` : ""}` }),
      };
    case "ntfy":
      return {
        headers: { "content-type": "text/plain; charset=utf-8", Title: header(a.title), Tags: NTFY_TAGS[a.kind], Priority: NTFY_PRIORITY[a.kind], Click: a.url },
        body: `${a.message}${diff ? `\n\n${diff}` : ""}`,
      };
    case "json":
      return {
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          source: "overseer",
          kind: a.kind,
          title: a.title,
          message: a.message,
          url: a.url,
          at: a.at,
          sessionId: a.sessionId,
          experimentId: a.experimentId,
          ...(diff ? { diff } : {}),
        }),
      };
    default: {
      const never: never = format;
      throw new Error(`unknown webhook format ${String(never)}`);
    }
  }
}

/** The delay before retry `attempt` (1-based): 1 s, 2 s, 4 s … at most a minute. */
export const retryDelayMs = (attempt: number) => Math.min(60_000, 1000 * 2 ** (attempt - 1));
