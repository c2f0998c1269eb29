import { describe, expect, it } from "vitest";
import { heartbeatFresh, LEASE_STALE_MS } from "./runner-lease";

describe("heartbeatFresh", () => {
  it("is fresh within the staleness limit, stale past it, and stale from the future (the clock jumped back)", () => {
    const now = 1_700_000_000_000;
    expect(heartbeatFresh(now - 1000, now)).toBe(true);
    expect(heartbeatFresh(now - LEASE_STALE_MS, now)).toBe(false);
    expect(heartbeatFresh(now + 500, now)).toBe(true);
    expect(heartbeatFresh(now + 3600_000, now)).toBe(false);
  });
});
