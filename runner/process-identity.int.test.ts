import { spawn } from "node:child_process";
import fs from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { waitFor } from "../test/helpers/temp";
import { ownGroupAlive, processIdentity, sameProcessAlive } from "./process-identity";

const children: number[] = [];
afterEach(() => {
  for (const pid of children.splice(0)) {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // gone already
    }
  }
});

/** A process that exits while its parent (a `sleep` that never waits) lives on: a zombie until the parent dies. */
async function zombie(): Promise<{ pid: number; identity: string }> {
  const parent = spawn("sh", ["-c", "sleep 0.3 & echo $!; exec sleep 30"], { detached: true, stdio: ["ignore", "pipe", "ignore"] });
  children.push(parent.pid!);
  const pid = Number(await new Promise<string>((r) => parent.stdout.once("data", (b: Buffer) => r(b.toString().trim()))));
  const identity = processIdentity(pid)!;
  await waitFor(() => fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.startsWith("Z"), 5000, "the child to become a zombie");
  return { pid, identity };
}

describe("process identity", () => {
  it("a zombie is dead, though kill(pid, 0) says it is there", async () => {
    const { pid, identity } = await zombie();
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
