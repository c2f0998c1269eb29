import { defineConfig } from "@playwright/test";

export const E2E_PORT = 3100;
/**
 * The shared server's access token (OVERSEER_TOKEN for e2e/serve.sh). Every spec's browser starts holding it as
 * opening the printed URL leaves it (in the origin's localStorage, core/page-token); e2e/local-access.spec.ts
 * checks the way there, and what a browser without it sees.
 */
export const E2E_TOKEN = "e2e-only-access-token-7f3a9c1d";
export const E2E_TOKEN_STORAGE = { origin: `http://127.0.0.1:${E2E_PORT}`, localStorage: [{ name: "overseer-token", value: E2E_TOKEN }] };

export default defineConfig({
  testDir: "e2e",
  timeout: 120_000,
  workers: 1,
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${E2E_PORT}`,
    // Debian's Chromium: nothing is downloaded (`npx playwright install` cannot work offline).
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"],
    },
    screenshot: "only-on-failure",
    storageState: { cookies: [], origins: [E2E_TOKEN_STORAGE] },
  },
  projects: [{ name: "chromium", use: { browserName: "chromium" } }],
  webServer: {
    // The same `overseer start` as `npm start` (it builds when the build is stale), on a fresh database.
    command: "sh e2e/serve.sh",
    env: { OVERSEER_TOKEN: E2E_TOKEN },
    url: `http://127.0.0.1:${E2E_PORT}`,
    timeout: 300_000,
    reuseExistingServer: false,
    stdout: "pipe",
  },
});
