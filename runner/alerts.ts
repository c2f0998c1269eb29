/**
 * Sends the workspace's webhooks their alerts (core/alerts): it follows the events table from where it started,
 * and posts each alert with retries and backoff, in the background. Nothing here waits on the loop or makes the
 * loop wait; a webhook that stays down costs a log line. The URL of a webhook is never logged (it is often the
 * secret itself): only its host.
 */
import { alertOf, retryDelayMs, webhookRequest, type Alert } from "../core/alerts";
import type { Settings } from "../core/settings";
import { workspaceConfigSchema } from "../core/workspace-config";
import type { Db } from "../db/open";
import { lastEventId, listEventsAfter } from "../db/queries/events";
import { findExperimentByRun, getExperiment } from "../db/queries/experiments";
import { getRun } from "../db/queries/runs";
import { getSession, type SessionRow } from "../db/queries/sessions";
import { getWorkspace } from "../db/queries/workspaces";

const ATTEMPTS = 6;
const TIMEOUT_MS = 10_000;
const MAX_PENDING = 200;

export interface Alerts {
  /** Stops following events; waits up to `graceMs` for alerts still being sent (the last one of a session, say). */
  stop(graceMs?: number): Promise<void>;
}

export interface AlertOptions {
  /** Which sessions' alerts this process sends: the ones it drives. */
  sessions: (s: SessionRow) => boolean;
  log: (line: string) => void;
  env?: Readonly<Record<string, string | undefined>>;
  pollMs?: number;
  /** The first retry's delay; doubled each time (tests shorten it). */
  retryBaseMs?: number;
}

export function startAlerts(db: Db, settings: Settings, o: AlertOptions): Alerts {
  const env = o.env ?? process.env;
  let cursor = lastEventId(db);
  const pending = new Set<Promise<void>>();
  let stopped = false;
  // Aborted once stop's grace is over: what is still being retried is given up, and said so.
  const halt = new AbortController();
  const host = settings.host === "0.0.0.0" || settings.host === "::" ? "127.0.0.1" : settings.host;
  const dashboard = `http://${host.includes(":") ? `[${host}]` : host}:${settings.port}`;

  const send = (url: string, format: "slack" | "ntfy" | "json", includeCode: boolean, alert: Alert) => {
    if (pending.size >= MAX_PENDING) return o.log(`alert "${alert.title}" dropped: ${MAX_PENDING} alerts are still being sent`);
    const req = webhookRequest(alert, format, includeCode);
    const job = deliver(url, req, o.retryBaseMs ?? 1000, halt.signal).then(
      (error) => {
        if (error) o.log(`alert "${alert.title}" to ${hostOf(url)} not delivered: ${error}`);
      },
      (e: unknown) => o.log(`alert "${alert.title}" to ${hostOf(url)} failed: ${(e as Error).message}`),
    );
    pending.add(job);
    void job.finally(() => pending.delete(job));
  };

  const tick = () => {
    if (stopped) return;
    try {
      for (const ev of listEventsAfter(db, cursor, 500)) {
        cursor = ev.id;
        const alert = alertFor(db, ev, dashboard, o.sessions);
        if (!alert) continue;
        for (const hook of alert.hooks) {
          if (!hook.on.includes(alert.alert.kind)) continue;
          const url = hook.url ?? (hook.urlEnv ? env[hook.urlEnv] : undefined);
          if (!url || !/^https?:\/\/[^\s/@]+(\/\S*)?$/.test(url)) {
            o.log(`alert "${alert.alert.title}" not sent: ${hook.urlEnv ? `${hook.urlEnv} holds no http(s) URL without credentials in the runner's environment` : "the webhook has no URL"}`);
            continue;
          }
          send(url, hook.format, hook.includeCode, alert.alert);
        }
      }
    } catch (e) {
      // A locked database or a bad row: the next tick reads on from the same place.
      o.log(`alerts: ${(e as Error).message}`);
    }
  };
  const timer = setInterval(tick, o.pollMs ?? 1000);
  timer.unref();
  return {
    async stop(graceMs = 10_000) {
      tick(); // what the loop wrote last (its end) still goes out
      stopped = true;
      clearInterval(timer);
      // This timer, unlike the retries', keeps the process alive: its alerts get their grace before it exits.
      let grace: NodeJS.Timeout | undefined;
      await Promise.race([Promise.allSettled([...pending]), new Promise((r) => (grace = setTimeout(r, graceMs)))]);
      clearTimeout(grace);
      halt.abort();
      await Promise.allSettled([...pending]);
    },
  };
}

type Hook = ReturnType<typeof workspaceConfigSchema.parse>["notify"][number];

function alertFor(db: Db, ev: ReturnType<typeof listEventsAfter>[number], dashboard: string, mine: (s: SessionRow) => boolean): { alert: Alert; hooks: Hook[] } | null {
  const payload = ev.payloadJson ? (JSON.parse(ev.payloadJson) as Record<string, unknown>) : {};
  const byRun = ev.runId !== null && ev.type === "run_ended" ? findExperimentByRun(db, ev.runId) : undefined;
  const sessionId = typeof payload.sessionId === "number" ? payload.sessionId : byRun?.sessionId;
  if (sessionId === undefined) return null;
  const s = getSession(db, sessionId);
  if (!s || !mine(s)) return null;
  const ws = getWorkspace(db, s.workspaceId);
  const config = workspaceConfigSchema.safeParse(JSON.parse(ws?.configJson ?? "{}"));
  if (!config.success || config.data.notify.length === 0) return null;
  const experimentId = typeof payload.experimentId === "number" ? payload.experimentId : typeof payload.bestExperimentId === "number" ? payload.bestExperimentId : byRun?.id;
  const e = experimentId !== undefined ? getExperiment(db, experimentId) : undefined;
  const run = ev.runId !== null ? getRun(db, ev.runId) : undefined;
  const alert = alertOf({
    type: ev.type,
    at: ev.at,
    payload,
    session: { id: s.id, tag: s.tag, stopReason: s.stopReason, bestValue: s.bestValue },
    experiment: e ? { id: e.id, idx: e.idx, title: e.title, reason: e.reason, diff: e.diff, verdictLevel: e.verdictJson ? (JSON.parse(e.verdictJson) as { level: string }).level : null } : null,
    run: run ? { id: run.id, suspicion: run.suspicion, outcome: typeof payload.outcome === "string" ? payload.outcome : null } : null,
    workspace: ws?.name ?? "?",
    metricName: config.data.metric.name,
    dashboard,
  });
  return alert && { alert, hooks: config.data.notify };
}

/** Posts until the receiver says 2xx; null on success, else why it gave up. */
async function deliver(url: string, req: { headers: Record<string, string>; body: string }, baseMs: number, halt: AbortSignal): Promise<string | null> {
  let last = "";
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    if (halt.aborted) return `${last}; the process stopped with ${ATTEMPTS - attempt + 1} tries left`;
    try {
      const res = await fetch(url, { method: "POST", headers: req.headers, body: req.body, signal: AbortSignal.any([halt, AbortSignal.timeout(TIMEOUT_MS)]), redirect: "error" });
      await res.arrayBuffer().catch(() => undefined);
      if (res.ok) return null;
      last = `HTTP ${res.status}`;
      // A 4xx other than 408 and 429 will not get better by asking again.
      if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) return last;
    } catch (e) {
      const cause = (e as Error).cause as { code?: string; message?: string } | undefined;
      // Never the message as it is: undici puts the whole URL (and any credentials in it) into some of them.
      last = withoutUrls(cause?.code ?? cause?.message ?? (e as Error).message);
    }
    if (attempt < ATTEMPTS) await pause((baseMs / 1000) * retryDelayMs(attempt), halt);
  }
  return `${last} (${ATTEMPTS} tries)`;
}

/** Waits, unless the process is stopping; never keeps it alive. */
function pause(ms: number, halt: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    t.unref();
    halt.addEventListener("abort", () => (clearTimeout(t), resolve()), { once: true });
  });
}

const hostOf = (url: string) => {
  try {
    return new URL(url).host;
  } catch {
    return "a webhook";
  }
};

const withoutUrls = (s: string) => s.replace(/\b[a-z][a-z0-9+.-]*:\/\/\S+/gi, "(a URL)");
