/** `overseer runner`: the daemon alone, for a GPU server with no browser. Ctrl-C stops it cleanly. */
import type { Settings } from "../../core/settings";
import { startDaemon } from "../daemon";
import { openRunnerDb } from "./open-db";

export async function runnerCommand(settings: Settings): Promise<number> {
  const db = openRunnerDb(settings);
  const daemon = await startDaemon({ db, settings });
  const stop = () => void daemon.stop();
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  await daemon.done;
  db.$client.close();
  return 0;
}
