/**
 * One process of a run (its training, or its evaluation) as Overseer starts it: inside the sandbox where there
 * is one, in a cgroup of its own where the kernel allows (limits that hold for root; nothing it starts outlives
 * it), under the file-size limits, to its end or its timeout.
 */
import os from "node:os";
import type { WorkspaceConfig } from "../core/workspace-config";
import { cgroupSupport, createRunCgroup } from "./cgroup";
import { sandboxedCommand, type SandboxMounts, type SandboxProbe } from "./sandbox";
import { runTraining, type TrainingExit, type TrainingSpec } from "./train-process";

export interface SandboxedSpec extends Omit<TrainingSpec, "command"> {
  /** The cgroup's name (run-12, run-12-evaluate). */
  name: string;
  command: readonly string[];
  probe: SandboxProbe;
  sandbox: WorkspaceConfig["sandbox"];
  mounts: SandboxMounts;
}

export interface SandboxedExit extends TrainingExit {
  /** The kernel killed it for going over sandbox.maxMemoryMb. */
  overMemory: boolean;
  /** How its limits were held, in words (guards_json). */
  limits: string;
}

export const defaultMaxMemoryMb = () => Math.floor((os.totalmem() / 1024 / 1024) * 0.9);

export async function runSandboxed(spec: SandboxedSpec): Promise<SandboxedExit> {
  const group = createRunCgroup(spec.name, { maxProcesses: spec.sandbox.maxProcesses, maxMemoryMb: spec.sandbox.maxMemoryMb ?? defaultMaxMemoryMb() });
  const sandboxed = sandboxedCommand(spec.command, { probe: spec.probe, settings: spec.sandbox, mounts: spec.mounts });
  try {
    const exit = await runTraining({ ...spec, command: group ? group.wrap(sandboxed) : sandboxed });
    return { ...exit, overMemory: group?.oomKilled() ?? false, limits: group ? cgroupSupport() : "no cgroup for this run: process limits through prlimit only, which root ignores" };
  } finally {
    await group?.close();
  }
}
