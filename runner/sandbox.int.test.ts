import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../test/helpers/temp";
import { interpreterRoots, probeSandbox, sandboxedCommand } from "./sandbox";

describe("what a sandboxed run may read", () => {
  it("mounts an interpreter's installation when it lives outside the system's directories, by its path and its link", () => {
    const home = tempDir("overseer-interp-");
    const venv = path.join(home, "venv");
    const real = path.join(home, "pyenv", "versions", "3.11", "bin");
    fs.mkdirSync(path.join(venv, "bin"), { recursive: true });
    fs.mkdirSync(real, { recursive: true });
    fs.writeFileSync(path.join(real, "python3.11"), "#!/bin/sh\n", { mode: 0o755 });
    fs.symlinkSync(path.join(real, "python3.11"), path.join(venv, "bin", "python"));
    const checkout = tempDir("overseer-checkout-");
    expect(interpreterRoots("python", `${path.join(venv, "bin")}:/usr/bin`, checkout).sort()).toEqual([path.join(home, "pyenv", "versions", "3.11"), venv].sort());
    expect(interpreterRoots("node", "/usr/bin:/bin", checkout)).toEqual([]); // a system one: already read-only
    expect(interpreterRoots(".venv/bin/python", "/usr/bin", checkout)).toEqual([]); // in the checkout: already there
  });

  it("binds nothing of home or /tmp but what it is given, and gives the run its own /tmp and /dev/shm", () => {
    const argv = sandboxedCommand(["node", "train.mjs"], {
      probe: { available: true, kind: "bubblewrap", detail: "" },
      settings: { network: false, maxFileSizeMb: 1, maxProcesses: 10 },
      mounts: { writable: ["/tmp"], readable: [] },
    });
    const binds = argv.flatMap((a, i) => (a === "--ro-bind" || a === "--bind" ? [argv[i + 1]!] : []));
    expect(binds.filter((b) => b.startsWith("/root") || b.startsWith("/home") || b === "/")).toEqual([]);
    expect(argv.join(" ")).toContain("--tmpfs /dev/shm");
    // The private /tmp comes before what is bound under it, or it would hide it.
    expect(argv.indexOf("--tmpfs", argv.indexOf("--tmpfs") + 1)).toBeLessThan(argv.lastIndexOf("/tmp"));
  });
});

describe("what a sandboxed run may do", () => {
  it("has no capabilities, even started by root: it cannot unmount what hides a file, nor remount a folder writable", async () => {
    const probe = await probeSandbox();
    if (!probe.available) return void console.warn("bubblewrap is not available here: the capability check needs it (CI installs it)");
    const data = tempDir("overseer-hidden-");
    fs.writeFileSync(path.join(data, "val.txt"), "held-out");
    const script = [
      "grep CapEff /proc/self/status",
      `umount ${data}/val.txt 2>/dev/null && echo UNMOUNTED || echo umount refused`,
      `mount -o remount,rw,bind ${data} 2>/dev/null && echo REMOUNTED || echo remount refused`,
      `cat ${data}/val.txt 2>/dev/null || echo val unreadable`,
    ].join("; ");
    const argv = sandboxedCommand(["sh", "-c", script], {
      probe,
      settings: { network: false, maxFileSizeMb: 1, maxProcesses: 50 },
      mounts: { writable: [], readable: [data], hidden: [path.join(data, "val.txt")] },
    });
    const out = execFileSync(argv[0]!, argv.slice(1), { encoding: "utf8" });
    expect(out).toMatch(/CapEff:\s+0+\n/);
    expect(out).toContain("umount refused");
    expect(out).toContain("remount refused");
    expect(out).toContain("val unreadable");
  });
});

describe("what two sandboxed processes share", () => {
  it("not the kernel keyring: a key one adds, the next cannot find", async () => {
    const probe = await probeSandbox();
    if (!probe.available) return void console.warn("bubblewrap is not available here: the keyring check needs it (CI installs it)");
    const script = path.join(tempDir("overseer-keyring-"), "key.py");
    fs.writeFileSync(
      script,
      [
        "import ctypes, sys",
        "libc = ctypes.CDLL(None, use_errno=True)",
        "libc.syscall.restype = ctypes.c_long",
        "if sys.argv[1] == 'add':",
        "    print('added', libc.syscall(248, b'user', b'overseer-channel', b'answers', 7, ctypes.c_int(-4)) > 0)",
        "else:",
        "    found = libc.syscall(250, 10, ctypes.c_int(-4), b'user', b'overseer-channel', 0)",
        "    print('found', found > 0)",
        "    if found > 0: libc.syscall(250, 21, ctypes.c_long(found))",
      ].join("\n"),
    );
    const sandboxed = (arg: string) => {
      const argv = sandboxedCommand(["python3", script, arg], {
        probe,
        settings: { network: false, maxFileSizeMb: 1, maxProcesses: 50 },
        mounts: { writable: [], readable: [path.dirname(script), ...interpreterRoots("python3", process.env.PATH ?? "", "/")] },
      });
      return execFileSync(argv[0]!, argv.slice(1), { encoding: "utf8" });
    };
    expect(sandboxed("add")).toContain("added True");
    expect(sandboxed("find")).toContain("found False");
  });
});
