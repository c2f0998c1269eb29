import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { sessionOptionsSchema } from "../../core/session-options";
import { createSession } from "../../db/queries/sessions";
import { getWorkspace } from "../../db/queries/workspaces";
import { gitRepo, tempDb, tempDir, trainerWorkspace } from "../../test/helpers/temp";
import { appRouter } from "../root";

const setup = () => {
  const { db } = tempDb();
  return { db, caller: appRouter.createCaller({ db, credential: "page", client: "test" }) };
};

describe("workspace router", () => {
  it("adds a folder by path after the checks overseer init makes, and refreshes it when added again", async () => {
    const { caller } = setup();
    const repo = trainerWorkspace("quadratic.mjs");
    const ws = await caller.workspace.add({ path: `${repo}/` });
    expect(ws).toMatchObject({ name: path.basename(repo), path: fs.realpathSync(repo), configError: null, config: { editable: ["train.mjs"] } });
    expect((await caller.workspace.add({ path: repo })).id).toBe(ws.id);
    expect(await caller.workspace.list()).toHaveLength(1);
  });

  it("refuses what is not a workspace, saying what to do, and registers nothing", async () => {
    const { caller } = setup();
    await expect(caller.workspace.add({ path: "/no/such/folder" })).rejects.toThrow(/is not a folder/);
    await expect(caller.workspace.add({ path: tempDir() })).rejects.toThrow(/not inside a git repository.*git init/);
    await expect(caller.workspace.add({ path: gitRepo({ "README.md": "x" }) })).rejects.toThrow(/editable file train.py not found/);
    const badJson = gitRepo({ "train.py": "x", "overseer.json": "{ nope" });
    await expect(caller.workspace.add({ path: badJson })).rejects.toThrow(/not valid JSON/);
    await expect(caller.workspace.add({ path: "~/work" })).rejects.toThrow(/full path/);
    await expect(caller.workspace.add({ path: "  " })).rejects.toThrow(/give the folder's path/);
    // An editable file that is a link out of the workspace: an edit would land on the link's target.
    const outside = path.join(tempDir(), "bashrc");
    fs.writeFileSync(outside, "export PATH=/usr/bin\n");
    const linked = gitRepo({ "overseer.json": JSON.stringify({ command: ["python", "train.py"], editable: ["train.py"] }) });
    fs.symlinkSync(outside, path.join(linked, "train.py"));
    await expect(caller.workspace.add({ path: linked })).rejects.toThrow(
      `editable file train.py (→ ${outside}) is a symbolic link: Overseer edits and commits regular files inside the workspace only`,
    );
    expect(await caller.workspace.list()).toEqual([]);
  });

  it("saves overseer.json only when it is valid, and lists the workspace's sessions", async () => {
    const { caller, db } = setup();
    const repo = trainerWorkspace("quadratic.mjs");
    const ws = await caller.workspace.add({ path: repo });
    const file = path.join(repo, "overseer.json");
    const before = fs.readFileSync(file, "utf8");
    await expect(caller.workspace.saveConfig({ id: ws.id, text: '{"editable": ["missing.py"]}' })).rejects.toThrow(/missing.py not found/);
    await expect(caller.workspace.saveConfig({ id: ws.id, text: "{ broken" })).rejects.toThrow(/not valid JSON/);
    expect(fs.readFileSync(file, "utf8")).toBe(before);

    const text = JSON.stringify({ ...JSON.parse(before), budgetSeconds: 7 }, null, 2);
    expect(await caller.workspace.saveConfig({ id: ws.id, text })).toMatchObject({ config: { budgetSeconds: 7 } });
    expect(fs.readFileSync(file, "utf8")).toBe(`${text}\n`);
    expect(JSON.parse(getWorkspace(db, ws.id)!.configJson!).budgetSeconds).toBe(7);

    createSession(db, { workspaceId: ws.id, tag: "a", branch: "overseer/a", origin: "cli", options: sessionOptionsSchema.parse({}), baselineCommit: "abc", at: Date.now() });
    const detail = await caller.workspace.byId({ id: ws.id });
    expect(detail).toMatchObject({ configText: `${text}\n`, sessions: [{ tag: "a" }] });
    expect(JSON.parse(detail.defaultsText)).toMatchObject({ command: ["uv", "run", "train.py"] });
    await expect(caller.workspace.byId({ id: 999 })).rejects.toThrow(/workspace 999 does not exist/);
  });
});
