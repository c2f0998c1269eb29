/** A research session on the quadratic fake trainer, ready for runSession; shared by the loop's tests. */
import fs from "node:fs";
import path from "node:path";
import { sessionOptionsSchema } from "../../core/session-options";
import type { LoopDeps } from "../../runner/loop/engine";
import { startSession } from "../../runner/loop/start-session";
import { mutateProposer } from "../../runner/proposers/mutate";
import type { Proposer } from "../../runner/proposers/types";
import { loadWorkspace, registerWorkspace } from "../../runner/workspace";
import { sh, tempDb, tempDir, testSettings, trainerWorkspace } from "./temp";

export async function loopSetup(options: object, o: { trainerSource?: (s: string) => string; proposer?: Proposer; config?: Record<string, unknown>; files?: Record<string, string> } = {}) {
  const repo = trainerWorkspace("quadratic.mjs", o.config);
  if (o.trainerSource || o.files) {
    if (o.trainerSource) fs.writeFileSync(path.join(repo, "train.mjs"), o.trainerSource(fs.readFileSync(path.join(repo, "train.mjs"), "utf8")));
    for (const [name, content] of Object.entries(o.files ?? {})) fs.writeFileSync(path.join(repo, name), content);
    sh(repo, "git", ["add", "-A"]);
    sh(repo, "git", ["commit", "-qm", "variant"]);
  }
  const dataDir = tempDir("overseer-data-");
  const { db } = tempDb(dataDir);
  const loaded = await loadWorkspace(repo);
  if (!loaded.ok) throw new Error(loaded.error);
  const ws = registerWorkspace(db, loaded.workspace, Date.now());
  const started = await startSession(db, ws, { tag: "t1", options: sessionOptionsSchema.parse(options), origin: "cli" });
  if (!started.ok) throw new Error(started.error);
  const settings = testSettings(dataDir);
  const lines: string[] = [];
  const deps: LoopDeps = { db, settings, proposer: o.proposer ?? mutateProposer, log: (l: string) => lines.push(l), pollMs: 20 };
  return { repo, db, settings, session: started.session, deps, lines };
}

/** A proposer that proposes these ideas in turn, then has nothing more to try; `asked` counts its calls. */
export function scriptedProposer(ideas: { title: string; edits: { file: string; old: string; new: string }[] }[]): Proposer & { asked: number } {
  const p = {
    name: "scripted",
    asked: 0,
    propose: async () => {
      const idea = ideas[p.asked++];
      return idea ? { kind: "proposal" as const, hypothesis: "", costUsd: 0, ...idea } : { kind: "no_change" as const, reason: "no more ideas", costUsd: 0 };
    },
  };
  return p;
}
