import { describe, expect, it } from "vitest";
import { acquireLease, releaseLease, setLeaseDoctor } from "../../db/queries/runner-lease";
import { tempDb } from "../../test/helpers/temp";
import { webSettings } from "../access-policy";
import { appRouter } from "../root";
import { RUNNER_STATUS_SHARED_MS, runnerStatus } from "./system";

describe("the runner's status, shared by every stream", () => {
  it("is read once per moment and served to every caller in it, then read again", async () => {
    const { db } = tempDb();
    const now = Date.now();
    acquireLease(db, "host:1:x", 1, null, now);
    const first = runnerStatus(db, now);
    expect(first.online).toBe(true);
    releaseLease(db, "host:1:x");
    // 500 streams woken by one write: the same reading, not 500 (the lease, the disk, the write lock each time).
    for (let i = 0; i < 500; i++) expect(runnerStatus(db, now + (i % RUNNER_STATUS_SHARED_MS))).toBe(first);
    const later = runnerStatus(db, now + RUNNER_STATUS_SHARED_MS);
    expect(later).not.toBe(first);
    expect(later.online).toBe(false);
  });

  it("is not shared across databases", () => {
    const a = tempDb().db;
    const b = tempDb().db;
    const now = Date.now();
    acquireLease(a, "host:1:x", 1, null, now);
    expect(runnerStatus(a, now).online).toBe(true);
    expect(runnerStatus(b, now).online).toBe(false);
  });
});

describe("live streams per client", () => {
  it("are capped: one client past its share is refused with why, others are still served, and a closed stream frees its slot", async () => {
    const { db } = tempDb();
    const as = (client: string) => appRouter.createCaller({ db, credential: "page", client });
    const open = async (client: string) => {
      const it = (await as(client).system.live())[Symbol.asyncIterator]();
      await it.next(); // "connected": the stream holds its slot
      return it;
    };
    const max = webSettings().maxStreamsPerClient;
    const mine = [];
    for (let i = 0; i < max; i++) mine.push(await open("10.0.0.1"));
    await expect(open("10.0.0.1")).rejects.toMatchObject({ code: "TOO_MANY_REQUESTS", message: expect.stringContaining(`already has ${max} live streams open`) });
    const other = await open("10.0.0.2");
    await mine.pop()!.return!(undefined);
    mine.push(await open("10.0.0.1"));
    for (const it of [...mine, other]) await it.return!(undefined);
  });
});

describe("the machine panel", () => {
  it("shows the runner's doctor report; check again reaches a live runner only, and needs the token", async () => {
    const { db } = tempDb();
    const as = (credential: "page" | "cookie") => appRouter.createCaller({ db, credential, client: "127.0.0.1" });
    expect(await as("cookie").system.machine()).toEqual({ report: null, requestedAt: null });
    await expect(as("page").system.checkMachine()).rejects.toMatchObject({ code: "PRECONDITION_FAILED", message: expect.stringContaining("no runner is running") });
    const now = Date.now();
    acquireLease(db, "host:1:x", 1, null, now);
    const checks = [{ name: "gpu", status: "warn", detail: "no nvidia-smi", fix: "install the NVIDIA driver" }];
    setLeaseDoctor(db, "host:1:x", JSON.stringify({ checkedAt: now, checks }));
    await expect(as("cookie").system.checkMachine()).rejects.toMatchObject({ code: "FORBIDDEN" });
    // The runner's status is shared for a moment: read it once the lease is there.
    await new Promise((r) => setTimeout(r, RUNNER_STATUS_SHARED_MS));
    const { requestedAt } = await as("page").system.checkMachine();
    expect(await as("cookie").system.machine()).toEqual({ report: { checkedAt: now, checks }, requestedAt });
  });
});
