import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../test/helpers/temp";
import { interpreterRoots, sandboxedCommand } from "./sandbox";

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
    const argv = sandboxedCommand(["node", "train.mjs"], { probe: { available: true, kind: "bubblewrap", detail: "" }, settings: { network: false, maxFileSizeMb: 1, maxProcesses: 10 }, mounts: { writable: ["/tmp"], readable: [] } });
    const binds = argv.flatMap((a, i) => (a === "--ro-bind" || a === "--bind" ? [argv[i + 1]!] : []));
    expect(binds.filter((b) => b.startsWith("/root") || b.startsWith("/home") || b === "/")).toEqual([]);
    expect(argv.join(" ")).toContain("--tmpfs /dev/shm");
    // The private /tmp comes before what is bound under it, or it would hide it.
    expect(argv.indexOf("--tmpfs", argv.indexOf("--tmpfs") + 1)).toBeLessThan(argv.lastIndexOf("/tmp"));
  });
});
