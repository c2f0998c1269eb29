/**
 * Reads files at commits through one long-lived `git cat-file --batch` per repository, instead of a
 * `git show` process per file: the loop reads the editable files and overseer.json several times per
 * experiment, and on a busy machine each process costs milliseconds the GPU waits for.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { gitEnv, SAFE_GIT_CONFIG } from "./git-safety";

export interface GitObject {
  id: string;
  type: string;
  content: Buffer;
}

interface Request {
  resolve: (object: GitObject | null) => void;
  reject: (e: Error) => void;
}

class BatchReader {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly queue: Request[] = [];
  private buffer: Buffer = Buffer.alloc(0);
  dead = false;

  constructor(repoRoot: string) {
    this.child = spawn("git", [...SAFE_GIT_CONFIG, "cat-file", "--batch"], { cwd: repoRoot, env: gitEnv() });
    // An idle reader must not keep the process alive (it exits when its stdin closes with ours); while a read
    // is outstanding its pipes are referenced (read() and settled()), or Node could exit with the read pending.
    this.child.unref();
    for (const s of this.pipes()) s.unref?.();
    this.child.stdout.on("data", (chunk: Buffer) => this.onData(chunk));
    this.child.stdin.on("error", (e) => this.fail(e));
    this.child.on("error", (e) => this.fail(e));
    this.child.on("exit", (code) => this.fail(new Error(`git cat-file --batch exited (${code})`)));
  }

  read(spec: string): Promise<GitObject | null> {
    if (this.dead) return Promise.reject(new Error("git cat-file --batch is not running"));
    return new Promise((resolve, reject) => {
      if (this.queue.length === 0) for (const s of this.pipes()) s.ref?.();
      this.queue.push({ resolve, reject });
      this.child.stdin.write(`${spec}\n`);
    });
  }

  private pipes() {
    return [this.child.stdin, this.child.stdout, this.child.stderr] as unknown as { ref?: () => void; unref?: () => void }[];
  }

  private settled(): Request | undefined {
    const r = this.queue.shift();
    if (this.queue.length === 0) for (const s of this.pipes()) s.unref?.();
    return r;
  }

  private onData(chunk: Buffer): void {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    for (;;) {
      const eol = this.buffer.indexOf(0x0a);
      if (eol < 0) return;
      const header = this.buffer.subarray(0, eol).toString("utf8");
      const m = /^([0-9a-f]+) (\w+) (\d+)$/.exec(header);
      if (!m) {
        // "<spec> missing" or "<spec> ambiguous": no content follows.
        this.buffer = this.buffer.subarray(eol + 1);
        this.settled()?.resolve(null);
        continue;
      }
      const size = Number(m[3]);
      if (this.buffer.length < eol + 1 + size + 1) return; // the rest of this object is still coming
      const content = Buffer.from(this.buffer.subarray(eol + 1, eol + 1 + size));
      this.buffer = this.buffer.subarray(eol + 1 + size + 1);
      this.settled()?.resolve({ id: m[1]!, type: m[2]!, content });
    }
  }

  private fail(e: Error): void {
    this.dead = true;
    while (this.queue.length) this.queue.shift()!.reject(e);
  }
}

const readers = new Map<string, BatchReader>();

/** An object by any name git understands (a sha, `commit:path`, `commit^{tree}`), or null when there is none. */
export async function readObject(repoRoot: string, spec: string): Promise<GitObject | null> {
  let reader = readers.get(repoRoot);
  if (!reader || reader.dead) readers.set(repoRoot, (reader = new BatchReader(repoRoot)));
  return reader.read(spec);
}

/** The file at `commit:relPath` (a path from the repository root), or null when it is not a file there. */
export async function readBlobAt(repoRoot: string, commit: string, relPath: string): Promise<string | null> {
  const object = await readObject(repoRoot, `${commit}:${relPath}`);
  return object?.type === "blob" ? object.content.toString("utf8") : null;
}

/** Whether a path can go through the batch protocol (one line per request). */
export const batchable = (commit: string, relPath: string) => !/[\n\r]/.test(commit + relPath);
