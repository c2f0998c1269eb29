/** `overseer report`: a real loop's session written as one HTML file that needs nothing else to open. */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { svgOf } from "../../core/report-html";
import { ROOT, tempDir, trainerWorkspace } from "../../test/helpers/temp";

const BIN = path.join(ROOT, "bin", "overseer");
const run = (args: string[], env: NodeJS.ProcessEnv, cwd = ROOT) => spawnSync(BIN, args, { encoding: "utf8", env, cwd, timeout: 90_000 });

describe("overseer report", () => {
  it("writes the progress, the kept chain with diffs and gains, the closest discards and the hyperparameter views, self-contained", () => {
    const repo = trainerWorkspace("quadratic.mjs");
    const dataDir = tempDir();
    const env = { ...process.env, OVERSEER_DATA_DIR: dataDir };
    expect(run(["loop", repo, "--experiments", "6", "--seed", "3", "--tag", "rep"], env).status).toBe(0);
    // What the proposer wrote is the page's text, never its markup.
    const db = new Database(path.join(dataDir, "overseer.db"));
    // The runner derived what each experiment tried as it built it: nothing is left for the dashboard to do.
    expect(db.prepare("SELECT count(*) AS n FROM experiments WHERE files_json IS NOT NULL AND analysis_json IS NULL").get()).toEqual({ n: 0 });
    expect((db.prepare("SELECT count(*) AS n FROM experiments WHERE analysis_json IS NOT NULL").get() as { n: number }).n).toBeGreaterThan(3);
    const kept = db.prepare("SELECT id, diff FROM experiments WHERE status = 'kept' AND kind != 'baseline' ORDER BY idx LIMIT 1").get() as { id: number; diff: string } | undefined;
    expect(kept, "the seeded loop keeps something").toBeDefined();
    db.prepare("UPDATE experiments SET title = ?, diff = ? WHERE id = ?").run(
      '<script>alert("title")</script> <img src=https://evil.example/x>',
      `${kept!.diff}\n+</pre><script>alert("diff")</script>`,
      kept!.id,
    );
    db.close();

    const out = path.join(tempDir(), "report.html");
    const r = run(["report", "1", "--out", out], env);
    expect(r.stderr).toBe("");
    expect(r.stdout.trim()).toBe(`wrote ${out}`);
    const html = fs.readFileSync(out, "utf8");
    for (const section of ["summary", "progress", "kept chain", "top discards", "hyperparameters"]) expect(html).toContain(`<section aria-label="${section}">`);
    expect(html).toContain("Overseer report: rep");
    expect(html).toContain('<pre class="diff">');
    expect(html.match(/<svg[\s>]/g)?.length).toBeGreaterThanOrEqual(3); // progress, a scatter, parallel coordinates
    expect(html).toMatch(/gain \d/);
    // Nothing runs, nothing is fetched: no script, no external address, and a policy that forbids both.
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img/i);
    expect(html).toContain("&lt;script&gt;alert(&quot;title&quot;)&lt;/script&gt;");
    expect(html).toContain("&lt;/pre&gt;&lt;script&gt;alert(&quot;diff&quot;)");
    expect(html.match(/<[a-z][^>]*\s(?:src|href|xlink:href)\s*=/gi)).toBeNull();
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`);

    // Without --out, the file is named for the session, in the current folder.
    const cwd = tempDir();
    expect(run(["report", "1"], env, cwd).status).toBe(0);
    expect(fs.readdirSync(cwd)).toEqual(["overseer-rep-report.html"]);
  }, 120_000);

  it("says what to do with a session that does not exist or a bad id, and writes nothing", () => {
    const env = { ...process.env, OVERSEER_DATA_DIR: tempDir() };
    const cwd = tempDir();
    const missing = run(["report", "7"], env, cwd);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain("session 7 does not exist (overseer sessions lists them)");
    const bad = run(["report", "seven"], env, cwd);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("usage: overseer report SESSION_ID [--out FILE]");
    expect(fs.readdirSync(cwd)).toEqual([]);
  });
});

it("the charts' SVG carries a constant's name as text, never as markup", () => {
  const svg = svgOf({ xAxis: { type: "value", name: "</text><script>alert(1)</script>" }, yAxis: { type: "value" }, series: [] }, 300, 200);
  expect(svg).toMatch(/^<svg/);
  expect(svg).not.toContain("<script");
  expect(svg).toContain("&lt;script&gt;");
});
