/** A run of test/fixtures/trainers/checkpoint.mjs scored by its protected evaluation, for the trusted-evaluation tests. */
import fs from "node:fs";
import path from "node:path";
import { createRun } from "../../db/queries/runs";
import { executeRun } from "../../runner/execute-run";
import { loadWorkspace, registerWorkspace } from "../../runner/workspace";
import { TRAINERS, gitRepo, tempDb, tempDir, testSettings } from "./temp";

/** A run of the checkpoint trainer; `inside`: its held-out file lies in a folder training reads (sandbox.read), named by a pattern. */
export async function trustedRun(env: Record<string, string>, evaluate: Record<string, unknown> = {}, { inside = false } = {}) {
  const dataRoot = tempDir("overseer-valdata-");
  const data = path.join(dataRoot, "val.txt");
  fs.writeFileSync(data, "held-out text");
  fs.writeFileSync(path.join(dataRoot, "train.txt"), "training text");
  const dir = gitRepo({
    "train.mjs": fs.readFileSync(path.join(TRAINERS, "checkpoint.mjs"), "utf8"),
    "evaluate.mjs": fs.readFileSync(path.join(TRAINERS, "evaluate-checkpoint.mjs"), "utf8"),
    "overseer.json": JSON.stringify({
      command: ["node", "train.mjs"],
      editable: ["train.mjs"],
      protected: ["evaluate.mjs"],
      budgetSeconds: 1,
      timeoutSeconds: 30,
      env: ["QUALITY", "REPORTED", "EVAL_DATA", "EVAL_FAIL", "LINGER", "FORGE", "PLANT", "SILENT", "TAMPER", "GITFILE"],
      timeTolerance: 0,
      evaluate: { command: ["node", "evaluate.mjs"], data: [inside ? path.join(dataRoot, "val*") : data], ...evaluate },
      ...(inside ? { sandbox: { read: [dataRoot] } } : {}),
    }),
  });
  const dataDir = tempDir("overseer-data-");
  const { db } = tempDb(dataDir);
  const loaded = await loadWorkspace(dir);
  if (!loaded.ok) throw new Error(loaded.error);
  const ws = registerWorkspace(db, loaded.workspace, Date.now());
  const final = await executeRun(createRun(db, { workspaceId: ws.id, origin: "cli", at: Date.now() }), ws, {
    db,
    settings: testSettings(dataDir),
    parentEnv: { PATH: process.env.PATH, EVAL_DATA: data, ...env },
  });
  const evaluation = final.evaluationJson ? (JSON.parse(final.evaluationJson) as { command: string; logPath: string }) : null;
  return { final, log: fs.readFileSync(final.logPath!, "utf8"), evalLog: evaluation ? fs.readFileSync(evaluation.logPath, "utf8") : "", evaluation, runDir: path.dirname(final.logPath!) };
}
