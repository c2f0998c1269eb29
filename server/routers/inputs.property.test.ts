/**
 * Property-based tests (fast-check) over every query and mutation, through tRPC's real HTTP handler: whatever
 * the input, the answer is a clear 4xx or a success, never a 500, and a refused input writes nothing.
 */
import fc from "fast-check";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { describe, expect, it } from "vitest";
import type { Db } from "../../db/open";
import { createExperiment } from "../../db/queries/experiments";
import { createRun } from "../../db/queries/runs";
import { queueSession } from "../../db/queries/sessions";
import { upsertWorkspace } from "../../db/queries/workspaces";
import { sessionOptionsSchema } from "../../core/session-options";
import { gitRepo, tempDb } from "../../test/helpers/temp";
import { appRouter } from "../root";

function seeded(): Db {
  const { db } = tempDb();
  const repo = gitRepo({ "train.py": "LR = 0.1\n" });
  const ws = upsertWorkspace(db, { name: "w", path: repo, repoRoot: repo, subdir: "", configJson: "{}", configError: null }, 1);
  createRun(db, { workspaceId: ws.id, origin: "web", at: 1 });
  const s = queueSession(db, { workspaceId: ws.id, tag: "t", options: sessionOptionsSchema.parse({}), at: 1 });
  createExperiment(db, { sessionId: s.id, kind: "proposal", status: "proposed", title: "x", hypothesis: null, proposer: "manual", editsJson: "[]", at: 1 });
  return db;
}

/** Every row of every table: what "nothing written" is checked against. */
function snapshot(db: Db): string {
  const tables = db.$client.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '__drizzle%' ORDER BY name").all() as { name: string }[];
  return JSON.stringify(tables.map((t) => [t.name, db.$client.prepare(`SELECT * FROM "${t.name}"`).all()]));
}

async function call(db: Db, path: string, type: "query" | "mutation", input: unknown): Promise<{ status: number; body: { error?: { message: string; data?: { code: string } } } }> {
  const encoded = input === undefined ? "" : JSON.stringify(input);
  const req =
    type === "query"
      ? new Request(`http://127.0.0.1/api/trpc/${path}${input === undefined ? "" : `?input=${encodeURIComponent(encoded)}`}`)
      : new Request(`http://127.0.0.1/api/trpc/${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: encoded });
  const res = await fetchRequestHandler({ endpoint: "/api/trpc", req, router: appRouter, createContext: () => ({ db, credential: "page" as const, client: "test" }) });
  return { status: res.status, body: (await res.json()) as { error?: { message: string } } };
}

const procedures = Object.entries(appRouter._def.procedures as unknown as Record<string, { _def: { type: string } }>)
  .filter(([, p]) => p._def.type !== "subscription")
  .map(([path, p]) => ({ path, type: p._def.type as "query" | "mutation" }));

const KEYS = ["id", "workspaceId", "experimentId", "runId", "ids", "text", "title", "hypothesis", "diff", "files", "note", "diffHash", "offset", "limit", "q", "path", "tag", "options"];
/** Values near and past the edges: wrong types, huge and negative numbers, long strings, traversal, nesting. */
const edgy = fc.oneof(
  fc.integer(),
  fc.constantFrom(0, -1, 1, 2, 2 ** 53, 1e308, 0.5, Number.MAX_SAFE_INTEGER + 2),
  fc.string({ maxLength: 40 }),
  fc.constantFrom("", "../../etc/passwd", "/etc/passwd", "a\0b", "x".repeat(5000), "--- a/train.py\n+++ b/train.py\n@@ -1 +1 @@\n-LR = 0.1\n+LR = 0.2\n"),
  fc.constant(null),
  fc.boolean(),
  fc.array(fc.integer(), { maxLength: 300 }),
  fc.dictionary(fc.constantFrom("train.py", "../x", "/abs", "a\\..\\b"), fc.string({ maxLength: 20 }), { maxKeys: 3 }),
  fc.record({ proposer: fc.string({ maxLength: 10 }), gpus: fc.array(fc.integer()), model: fc.string({ maxLength: 200 }) }, { requiredKeys: [] }),
);
/** Ids mostly of the seeded rows (1), so that valid inputs reach the procedures' own code, not only zod. */
const idish = fc.oneof(fc.constant(1), fc.constant(1), edgy);
const ID_KEYS = new Set(["id", "workspaceId", "experimentId", "runId"]);
const nearValid = fc.record(Object.fromEntries(KEYS.map((k) => [k, ID_KEYS.has(k) ? idish : edgy])), { requiredKeys: [] });
const input = fc.oneof(nearValid, nearValid, nearValid, fc.jsonValue({ maxDepth: 3 }), fc.constant(undefined));

describe("every procedure's input", () => {
  it("finds the procedures it checks", () => {
    expect(procedures.length).toBeGreaterThan(20);
    expect(procedures).toContainEqual({ path: "session.propose", type: "mutation" });
  });

  it.each(procedures)("$path is answered with a clear 4xx or a success, never a 500, and a refusal writes nothing", async ({ path, type }) => {
    const db = seeded();
    await fc.assert(
      fc.asyncProperty(input, async (value) => {
        const before = snapshot(db);
        const { status, body } = await call(db, path, type, value);
        expect(status, `${path} ${JSON.stringify(value)?.slice(0, 200)}: ${body.error?.message}`).not.toBe(500);
        if (status >= 400) {
          expect(snapshot(db)).toBe(before);
          expect(body.error?.message).toBeTruthy();
          expect(body.error!.message).not.toMatch(/^\s*[[{]/); // a sentence, not zod's JSON
        }
      }),
      { numRuns: 150 },
    );
  });

  it("refuses far too large inputs with a message that says how large and what to do", async () => {
    const db = seeded();
    const before = snapshot(db);
    const title = await call(db, "session.propose", "mutation", { id: 1, title: "t".repeat(1_000_000), diff: "--- a/x\n+++ b/x\n" });
    expect(title.status).toBe(400);
    expect(title.body.error!.message).toContain("title: a title is at most 200 characters, and this one has 1,000,000");
    const diff = await call(db, "session.propose", "mutation", { id: 1, title: "big", diff: "+".repeat(50_000_000) });
    expect(diff.status).toBe(400);
    expect(diff.body.error!.message).toContain("a diff is at most 1,000,000 characters, and this one has 50,000,000: a change that large cannot be reviewed");
    const traversal = await call(db, "session.editAndApprove", "mutation", { experimentId: 1, files: { "../../.bashrc": "rm -rf ~" } });
    expect(traversal.status).toBe(400);
    expect(traversal.body.error!.message).toContain('"../../.bashrc" is not a path inside the workspace');
    expect(snapshot(db)).toBe(before);
  });
});
