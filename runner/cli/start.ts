/**
 * `overseer start` (what `npm start` runs): this process is the runner daemon, and it supervises the web
 * process (`next start`) as a child — the web can crash or restart while training runs go on. Builds the
 * dashboard first when the build is missing or older than the sources, and registers the example
 * workspace when no workspace is registered yet.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "./args";
import { isLoopback } from "../../core/access";
import type { Settings } from "../../core/settings";
import { ensureAccessToken, resetAccessToken, storeAccessToken } from "../access-token";
import { listWorkspaces } from "../../db/queries/workspaces";
import { startDaemon } from "../daemon";
import { EXAMPLE_WORKSPACE, OVERSEER_ROOT } from "../paths";
import { loadWorkspace, registerWorkspace } from "../workspace";
import { openRunnerDb } from "./open-db";
import { webProcessEnv } from "../../core/child-env";

const NEXT_BIN = path.join(OVERSEER_ROOT, "node_modules", "next", "dist", "bin", "next");
const WEB_WATCHDOG = path.join(OVERSEER_ROOT, "runner", "web-watchdog.cjs");
const SOURCE_DIRS = ["app", "components", "server", "core", "db", "public"];
const SOURCE_FILES = ["proxy.ts", "next.config.mjs", "package.json", "tsconfig.json"];

/** Where a browser finds the dashboard: a wildcard bind is shown as this machine's name. */
export function dashboardUrl(settings: Pick<Settings, "host" | "port">): string {
  const host = ["0.0.0.0", "::", "[::]"].includes(settings.host) ? os.hostname() : settings.host.includes(":") && !settings.host.startsWith("[") ? `[${settings.host}]` : settings.host;
  return `http://${host}:${settings.port}`;
}

export async function startCommand(args: string[], base: Settings): Promise<number> {
  const { values } = parseArgs({ args, options: { host: { type: "string" }, port: { type: "string" } }, strict: true });
  const port = values.port === undefined ? base.port : Number(values.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    console.error(`overseer start: --port takes a number from 1 to 65535, not "${values.port}".`);
    return 2;
  }
  const settings = { ...base, host: values.host ?? base.host, port };
  const db = openRunnerDb(settings);
  if (listWorkspaces(db).length === 0) {
    const example = await loadWorkspace(EXAMPLE_WORKSPACE);
    if (example.ok) registerWorkspace(db, example.workspace, Date.now());
    else console.error(`overseer: the example workspace could not be registered: ${example.error}`);
  }
  // The token is set before anything is spawned, and no child inherits it (the web reads its digest).
  const notice = accessNotice(settings);
  delete process.env.OVERSEER_TOKEN;
  // The web process holds no secrets: the key stays with the runner, which reports what the API made of it, and
  // a webhook's URL (urlEnv) with the runner that posts to it. It gets an allowlist of the environment.
  const webEnv = {
    ...webProcessEnv(process.env),
    NODE_ENV: "production" as const, // what next build and next start run as
    NEXT_TELEMETRY_DISABLED: "1",
    // The configuration was read once, here (runner/configuration): Next.js must not read .env again, which
    // would also put the API key back into the web process.
    __NEXT_PROCESSED_ENV: "true",
    OVERSEER_DATA_DIR: settings.dataDir,
    OVERSEER_DB_FILE: settings.dbFile,
    OVERSEER_HOST: settings.host,
    OVERSEER_PORT: String(settings.port),
  };
  if (buildIsStale()) {
    console.log("overseer: building the dashboard (once, about a minute)…");
    const code = await waitExit(spawn(process.execPath, [NEXT_BIN, "build"], { cwd: OVERSEER_ROOT, env: webEnv, stdio: "inherit" }));
    if (code !== 0) {
      console.error("overseer: `next build` failed; see the errors above.");
      return 1;
    }
  }
  const daemon = await startDaemon({ db, settings });
  const web = superviseWeb(settings, webEnv);
  console.log(`overseer: dashboard on ${dashboardUrl(settings)}${notice}`);

  const stop = () => {
    web.stop();
    void daemon.stop();
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  await daemon.done;
  web.stop();
  db.$client.close();
  return 0;
}

/**
 * Every change needs the access token. On loopback a new one is made at every start and printed in the URL, as
 * Jupyter does (the page keeps it, core/page-token); beyond loopback it is made at the first such start and
 * printed that once, since remote browsers keep it. OVERSEER_TOKEN sets it instead, in both cases.
 */
function accessNotice(settings: Settings): string {
  if (settings.fixedToken) {
    storeAccessToken(settings.accessTokenFile, settings.fixedToken);
    return `/?token=${settings.fixedToken}\n  (the access token is OVERSEER_TOKEN's)`;
  }
  if (isLoopback(settings.host)) {
    const token = resetAccessToken(settings.accessTokenFile);
    return `/?token=${token}\n  (open this URL: it gives this browser the access token, which every change needs; a new one at every start, or set OVERSEER_TOKEN)`;
  }
  const token = ensureAccessToken(settings.accessTokenFile);
  if (token) return `/?token=${token}\n  (listening on ${settings.host}: this URL carries the access token, shown only now; \`overseer token --reset\` makes a new one)`;
  return `\n  (listening on ${settings.host}: open it with the token printed at the first start, or make a new one with \`overseer token --reset\`)`;
}

/**
 * Keeps the web process up: restarted whenever it exits, after 1 s, doubling to at most a minute while it keeps
 * failing (a port held by another program, say) and back to 1 s once it has stayed up a minute. It dies with
 * this process (runner/web-watchdog.cjs watches its stdin, whose other end is here), so a kill -9 of
 * `overseer start` leaves no web process on the port.
 */
function superviseWeb(settings: Settings, env: NodeJS.ProcessEnv): { stop(): void } {
  let child: ChildProcess | null = null;
  let stopped = false;
  let delayMs = 1000;
  const launch = () => {
    const startedAt = Date.now();
    child = spawn(process.execPath, ["--require", WEB_WATCHDOG, NEXT_BIN, "start", "-H", settings.host, "-p", String(settings.port)], {
      cwd: OVERSEER_ROOT,
      env,
      stdio: ["pipe", "inherit", "inherit"],
    });
    child.once("exit", (code, signal) => {
      if (stopped) return;
      delayMs = Date.now() - startedAt > 60_000 ? 1000 : delayMs;
      console.error(`overseer: the web process exited (${signal ?? code}); restarting it in ${delayMs / 1000} s — runs are not affected.`);
      setTimeout(launch, delayMs);
      delayMs = Math.min(delayMs * 2, 60_000);
    });
  };
  launch();
  return {
    stop() {
      stopped = true;
      child?.kill("SIGTERM");
    },
  };
}

function waitExit(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.once("exit", (code) => resolve(code));
    child.once("error", () => resolve(1));
  });
}

function buildIsStale(): boolean {
  const buildId = path.join(OVERSEER_ROOT, ".next", "BUILD_ID");
  if (!fs.existsSync(buildId)) return true;
  const builtAt = fs.statSync(buildId).mtimeMs;
  const newer = (p: string): boolean => {
    if (!fs.existsSync(p)) return false;
    const st = fs.statSync(p);
    if (!st.isDirectory()) return st.mtimeMs > builtAt;
    return fs.readdirSync(p).some((name) => newer(path.join(p, name)));
  };
  return [...SOURCE_DIRS, ...SOURCE_FILES].some((p) => newer(path.join(OVERSEER_ROOT, p)));
}
