import { spawn } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { zombie } from "../test/helpers/zombie";
import { ownGroupAlive, processIdentity, sameProcessAlive } from "./process-identity";

const children: number[] = [];
const releases: (() => void)[] = [];
afterEach(() => {
  for (const release of releases.splice(0)) release();
  for (const pid of children.splice(0)) {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // gone already
    }
  }
});

describe("process identity", () => {
  it("a zombie is dead, though kill(pid, 0) says it is there", async () => {
    const { pid, identity, release } = await zombie();
    releases.push(release);
    expect(() => process.kill(pid, 0)).not.toThrow(); // the bare-pid check a dead runner's lease passed
    expect(sameProcessAlive(pid, identity)).toBe(false);
    expect(sameProcessAlive(pid, null)).toBe(false);
  });

  it("a live process is itself, and a reused pid (another start time) or another boot is someone else", () => {
    const me = processIdentity(process.pid)!;
    expect(me).toMatch(/^[0-9a-f-]{36}:\d+$/);
    expect(sameProcessAlive(process.pid, me)).toBe(true);
    const [boot, start] = me.split(":");
    expect(sameProcessAlive(process.pid, `${boot}:${Number(start) + 1}`)).toBe(false);
    expect(sameProcessAlive(process.pid, `00000000-0000-0000-0000-000000000000:${start}`)).toBe(false);
  });

  it("a process group is ours only while its leader's pid still names the process recorded", () => {
    const child = spawn("sleep", ["30"], { detached: true, stdio: "ignore" });
    children.push(child.pid!);
    const identity = processIdentity(child.pid!)!;
    expect(ownGroupAlive(child.pid!, identity)).toBe(true);
    expect(ownGroupAlive(child.pid!, null)).toBe(true);
    const [boot, start] = identity.split(":");
    expect(ownGroupAlive(child.pid!, `${boot}:${Number(start) - 5}`)).toBe(false); // the pid was reused since
    expect(ownGroupAlive(child.pid!, `00000000-0000-0000-0000-000000000000:${start}`)).toBe(false); // recorded before a reboot
  });
});
