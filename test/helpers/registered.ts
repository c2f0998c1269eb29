/** A fake-trainer workspace registered in a fresh database: the start of most runner tests. */
import { loadWorkspace, registerWorkspace } from "../../runner/workspace";
import { tempDb, tempDir, trainerWorkspace } from "./temp";

export async function registeredTrainer(trainer: string, config: Record<string, unknown> = {}) {
  const dataDir = tempDir("overseer-data-");
  const { db, file } = tempDb(dataDir);
  const loaded = await loadWorkspace(trainerWorkspace(trainer, config));
  if (!loaded.ok) throw new Error(loaded.error);
  const ws = registerWorkspace(db, loaded.workspace, Date.now());
  return { dataDir, db, dbFile: file, ws };
}
