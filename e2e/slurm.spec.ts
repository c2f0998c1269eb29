/**
 * A loop on the Slurm backend, watched in the browser: a real single-node Slurm (test/slurm/slurm-fixture.sh, the
 * cluster runner/backends/slurm/slurm.int.test.ts uses, started after those tests ended), started from the
 * dashboard's form. Its first jobs wait for the cluster's two (fake, GRES) GPUs, and the run page says why; then
 * they run, and the loss curve and the job's GPU telemetry grow live.
 */
import { execFileSync } from "node:child_process";
import path from "node:path";
import { expect, test, type Locator } from "@playwright/test";
import Database from "better-sqlite3";
import { E2E_DATA_DIR, shortTinyLm } from "./workspaces";

const ROOT = path.resolve(__dirname, "..");
const FIXTURE = path.join(ROOT, "test", "slurm", "slurm-fixture.sh");
// The folder and configuration e2e/serve.sh gives the dashboard's runner (SLURM_CONF).
const fixtureEnv = { ...process.env, SLURM_TEST_DIR: "/tmp/overseer-slurm-test", SLURM_FIXTURE_PORT_BASE: "16917", SLURM_FIXTURE_KILLWAIT: "2", SLURM_FIXTURE_GPUS: "2" };
const clientEnv = { ...process.env, SLURM_CONF: "/tmp/overseer-slurm-test/etc/slurm.conf" };
const slurm = (program: string, args: string[]) => execFileSync(program, args, { env: clientEnv, encoding: "utf8" }).trim();
const drawn = async (points: Locator) => Number(await points.getAttribute("data-points"));

test.beforeAll(() => {
  execFileSync("bash", [FIXTURE, "clean"], { env: fixtureEnv, stdio: "ignore", timeout: 60_000 });
  execFileSync("bash", [FIXTURE, "start"], { env: fixtureEnv, stdio: "ignore", timeout: 90_000 });
});
test.afterAll(() => {
  execFileSync("bash", [FIXTURE, "clean"], { env: fixtureEnv, stdio: "ignore", timeout: 60_000 });
});

/** The session's first run, once the runner submitted it as a job. */
function firstSlurmRun(sessionId: number): { id: number; jobId: string } | null {
  const db = new Database(path.join(E2E_DATA_DIR, "overseer.db"), { readonly: true });
  try {
    const rows = db.prepare("select run_ids_json from experiments where session_id = ? order by idx").all(sessionId) as { run_ids_json: string }[];
    const ids = rows.flatMap((r) => JSON.parse(r.run_ids_json) as number[]);
    if (!ids.length) return null;
    const run = db.prepare("select id, backend_json from runs where id = ?").get(Math.min(...ids)) as { id: number; backend_json: string | null };
    return run.backend_json ? { id: run.id, jobId: (JSON.parse(run.backend_json) as { jobId: string }).jobId } : null;
  } finally {
    db.close();
  }
}

test("a loop started on Slurm from the dashboard: its queued jobs say why they wait, then their curves grow live", async ({ page }, info) => {
  test.setTimeout(240_000);
  // Another user's job holds both GPUs: the loop's jobs wait for Resources.
  const holder = slurm("sbatch", ["--parsable", "--export=NONE", "--gres=gpu:2", "--output=/dev/null", "--wrap", "sleep 300"]);
  await expect.poll(() => slurm("squeue", ["-h", "-j", holder, "-o", "%T"]), { timeout: 30_000 }).toBe("RUNNING");

  const ws = shortTinyLm(6);
  await page.goto("/");
  const card = page.getByRole("listitem", { name: `workspace ${ws.name}` });
  await card.getByLabel("experiments").fill("2");
  await card.getByText("more: tag, seed, limits, GPUs").click();
  await card.getByLabel("backend").selectOption("slurm");
  await card.getByRole("button", { name: "Start loop" }).click();
  await expect(page).toHaveURL(/\/sessions\/\d+$/);
  const sessionId = Number(/\/sessions\/(\d+)$/.exec(page.url())![1]);

  await expect.poll(() => firstSlurmRun(sessionId), { timeout: 30_000 }).not.toBeNull();
  const run = firstSlurmRun(sessionId)!;
  await page.goto(`/runs/${run.id}`);
  await expect(page.getByLabel("Slurm job")).toHaveText(`Slurm job ${run.jobId}`);
  // Resources for the first job Slurm looks at, Priority for those behind it.
  await expect(page.getByRole("status").filter({ hasText: /^queued on the cluster: (Resources|Priority)$/ })).toBeVisible({ timeout: 30_000 });
  await expect(page.getByText("The 6s budget starts when the job runs.")).toBeVisible();
  await page.screenshot({ path: info.outputPath("slurm-queued.png"), fullPage: true });
  // Queued for longer than the whole budget: none of it may count against the run.
  await page.waitForTimeout(7000);

  slurm("scancel", [holder]);
  await expect(page.getByText("queued on the cluster")).toHaveCount(0, { timeout: 30_000 });
  const points = page.getByLabel("points drawn");
  await expect.poll(() => drawn(points), { timeout: 30_000 }).toBeGreaterThan(0);
  const early = await drawn(points);
  // Its clock started with the job, not at its submission: the budget is not yet spent.
  expect(Number(await page.getByRole("progressbar", { name: "budget" }).getAttribute("aria-valuenow"))).toBeLessThan(100);
  await expect.poll(() => drawn(points), { timeout: 30_000 }).toBeGreaterThan(early + 5);
  // The job's GPU, sampled on its node (e2e/serve.sh's fake nvidia-smi), charted as a local run's is.
  const telemetry = page.getByRole("region", { name: "GPU telemetry" });
  await expect(telemetry).toContainText("NVIDIA H100 80GB HBM3", { timeout: 20_000 });
  await expect.poll(() => drawn(telemetry.getByLabel("GPU utilisation chart")), { timeout: 20_000 }).toBeGreaterThan(1);
  await expect(telemetry).not.toContainText("NaN");
  await page.screenshot({ path: info.outputPath("slurm-live.png"), fullPage: true });
  await expect(page.getByText("finished", { exact: true })).toBeVisible({ timeout: 60_000 });

  // The session goes on to decide its two experiments, each run a job of its own.
  await page.goto(`/sessions/${sessionId}`);
  await expect(page.getByText("reached 2 experiments")).toBeVisible({ timeout: 150_000 });
  const decided = page.getByRole("table", { name: "experiments" }).getByRole("row").filter({ hasText: /→/ });
  await expect(decided).toHaveCount(2);
  await page.screenshot({ path: info.outputPath("slurm-session.png"), fullPage: true });
});
