/**
 * Writes a commit (new contents for some files on top of a parent) straight into the object database: blobs,
 * the trees on their paths and the commit, as loose objects, in process. Building a candidate with
 * checkout, add, commit and rev-parse cost four git processes, tens of milliseconds the GPU waited for when
 * a keep made the next candidate stale. Refs are still moved by `git update-ref` (runner/session-git.ts).
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { git, GitError } from "./git";
import { readObject } from "./git-objects";

export interface ObjectStore {
  repoRoot: string;
  /** The repository's objects folder (shared by its worktrees). */
  objectsDir: string;
  format: "sha1" | "sha256";
}

export async function openObjectStore(repoRoot: string): Promise<ObjectStore> {
  const [commonDir, format] = (await git(repoRoot, ["rev-parse", "--git-common-dir", "--show-object-format"])).trim().split("\n");
  if (format !== "sha1" && format !== "sha256") throw new GitError(`${repoRoot} uses the object format "${format}", which Overseer cannot write`);
  return { repoRoot, objectsDir: path.resolve(repoRoot, commonDir!, "objects"), format };
}

interface TreeEntry {
  mode: string;
  name: string;
  /** Hex. */
  id: string;
}

const hashBytes = (store: ObjectStore) => (store.format === "sha1" ? 20 : 32);

function writeObject(store: ObjectStore, type: string, body: Buffer): string {
  const raw = Buffer.concat([Buffer.from(`${type} ${body.length}\0`), body]);
  const id = crypto.createHash(store.format).update(raw).digest("hex");
  const file = path.join(store.objectsDir, id.slice(0, 2), id.slice(2));
  if (fs.existsSync(file)) return id;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // Written aside, then renamed: another git process never sees half an object.
  const tmp = path.join(path.dirname(file), `tmp_obj_overseer_${process.pid}_${crypto.randomBytes(4).toString("hex")}`);
  fs.writeFileSync(tmp, zlib.deflateSync(raw, { level: 1 }), { mode: 0o444 });
  fs.renameSync(tmp, file);
  return id;
}

function parseTree(store: ObjectStore, content: Buffer): TreeEntry[] {
  const entries: TreeEntry[] = [];
  const n = hashBytes(store);
  for (let i = 0; i < content.length; ) {
    const space = content.indexOf(0x20, i);
    const nul = content.indexOf(0, space);
    entries.push({ mode: content.subarray(i, space).toString(), name: content.subarray(space + 1, nul).toString("utf8"), id: content.subarray(nul + 1, nul + 1 + n).toString("hex") });
    i = nul + 1 + n;
  }
  return entries;
}

/** git's order: by bytes, a tree's name compared as if it ended in "/". */
function treeOrder(a: TreeEntry, b: TreeEntry): number {
  const key = (e: TreeEntry) => Buffer.from(e.mode === "40000" ? `${e.name}/` : e.name);
  return Buffer.compare(key(a), key(b));
}

function serialiseTree(entries: TreeEntry[]): Buffer {
  return Buffer.concat([...entries].sort(treeOrder).flatMap((e) => [Buffer.from(`${e.mode} ${e.name}\0`), Buffer.from(e.id, "hex")]));
}

async function readTree(store: ObjectStore, id: string): Promise<TreeEntry[]> {
  const object = await readObject(store.repoRoot, id);
  if (object?.type !== "tree") throw new GitError(`tree ${id} is missing from ${store.repoRoot}`);
  return parseTree(store, object.content);
}

/** The tree `id` (null: a new folder) with files set to new contents; keys are paths relative to it. */
async function writeTree(store: ObjectStore, id: string | null, files: ReadonlyMap<string, string>): Promise<string> {
  const entries = id ? await readTree(store, id) : [];
  const byName = new Map(entries.map((e) => [e.name, e]));
  const folders = new Map<string, Map<string, string>>();
  for (const [file, content] of files) {
    const slash = file.indexOf("/");
    if (slash >= 0) {
      const folder = file.slice(0, slash);
      if (!folders.has(folder)) folders.set(folder, new Map());
      folders.get(folder)!.set(file.slice(slash + 1), content);
      continue;
    }
    const old = byName.get(file);
    if (old && !old.mode.startsWith("100")) throw new GitError(`${file} is not a regular file in the parent commit (mode ${old.mode})`);
    // An existing file keeps its mode (an executable stays executable).
    byName.set(file, { mode: old?.mode ?? "100644", name: file, id: writeObject(store, "blob", Buffer.from(content, "utf8")) });
  }
  for (const [folder, inside] of folders) {
    const old = byName.get(folder);
    if (old && old.mode !== "40000") throw new GitError(`${folder} is not a folder in the parent commit`);
    byName.set(folder, { mode: "40000", name: folder, id: await writeTree(store, old?.id ?? null, inside) });
  }
  return writeObject(store, "tree", serialiseTree([...byName.values()]));
}

export interface CommitSpec {
  parent: string;
  /** Paths from the repository root, with / separators → new contents. */
  files: Readonly<Record<string, string>>;
  message: string;
  /** `Name <email>`, as author and committer. */
  identity: string;
  atMs: number;
}

/** Writes the commit and returns its id; nothing refers to it until a ref is set. */
export async function writeCommit(store: ObjectStore, spec: CommitSpec): Promise<string> {
  for (const f of Object.keys(spec.files)) {
    if (f.split("/").some((part) => part === "" || part === "." || part === ".." || part === ".git")) throw new GitError(`cannot commit the path "${f}"`);
  }
  const parent = await readObject(store.repoRoot, spec.parent);
  if (parent?.type !== "commit") throw new GitError(`commit ${spec.parent} is missing from ${store.repoRoot}`);
  const parentTree = /^tree ([0-9a-f]+)$/m.exec(parent.content.toString("utf8"))![1]!;
  const tree = await writeTree(store, parentTree, new Map(Object.entries(spec.files)));
  const stamp = `${spec.identity} ${Math.floor(spec.atMs / 1000)} +0000`;
  // As `git commit` cleans a message: no trailing spaces, one newline at the end.
  const message =
    spec.message
      .split("\n")
      .map((l) => l.trimEnd())
      .join("\n")
      .trim() + "\n";
  return writeObject(store, "commit", Buffer.from(`tree ${tree}\nparent ${parent.id}\nauthor ${stamp}\ncommitter ${stamp}\n\n${message}`, "utf8"));
}
