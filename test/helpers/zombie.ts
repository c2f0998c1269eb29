/**
 * A real zombie: a process that exits under a parent (a `sleep` that never waits) that lives on, as a runner
 * killed a moment ago is until its parent reaps it. Its identity is read while it still lives.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import { processIdentity } from "../../runner/process-identity";
import { waitFor } from "./temp";

export async function zombie(): Promise<{ pid: number; identity: string; release(): void }> {
  const parent = spawn("sh", ["-c", "sleep 0.3 & echo $!; exec sleep 30"], { detached: true, stdio: ["ignore", "pipe", "ignore"] });
  const release = () => {
    try {
      process.kill(-parent.pid!, "SIGKILL");
    } catch {
      // gone already
    }
  };
  const pid = Number(await new Promise<string>((r) => parent.stdout!.once("data", (b: Buffer) => r(b.toString().trim()))));
  const identity = processIdentity(pid)!;
  await waitFor(() => fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.startsWith("Z"), 5000, "the child to become a zombie");
  return { pid, identity, release };
}
