import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { tempDb } from "../test/helpers/temp";
import { databaseChange } from "./db-changes";

describe("databaseChange", () => {
  it("wakes at a write from another connection, long before its fallback interval", async () => {
    const { db, file } = tempDb();
    const other = new Database(file);
    try {
      const woke = databaseChange(db, 60_000); // the test's 30 s timeout fails it if only the fallback ends the wait
      setTimeout(() => other.prepare("INSERT INTO events (type, at, payload_json) VALUES ('test_written', 1, '{}')").run(), 50);
      await woke;
      expect(other.prepare("SELECT COUNT(*) AS n FROM events WHERE type = 'test_written'").get()).toEqual({ n: 1 });
    } finally {
      other.close();
    }
  });

  it("ends at once when its signal aborts, and after the fallback interval without writes", async () => {
    const { db } = tempDb();
    const controller = new AbortController();
    const aborted = databaseChange(db, 60_000, controller.signal);
    controller.abort();
    await aborted;
    await databaseChange(db, 20);
  });
});
