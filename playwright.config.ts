import { defineConfig } from "@playwright/test";

export const E2E_PORT = 3100;

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
  },
  projects: [{ name: "chromium", use: { browserName: "chromium" } }],
  webServer: {
    // The same `overseer start` as `npm start` (it builds when the build is stale), on a fresh database.
    command: "sh e2e/serve.sh",
    url: `http://127.0.0.1:${E2E_PORT}`,
    timeout: 300_000,
    reuseExistingServer: false,
    stdout: "pipe",
  },
});
