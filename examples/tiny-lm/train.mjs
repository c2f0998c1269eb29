// tiny-lm: a byte-level MLP language model (Bengio et al. 2003) in plain JavaScript — the file an agent edits.
// Prints autoresearch's progress records and summary, so Overseer reads it like karpathy/autoresearch's train.py.
import { TIME_BUDGET, MAX_CONTEXT, VOCAB_SIZE, loadData, contextsAt, evaluateBpb, saveCheckpoint, loadCheckpoint, serveLogits } from "./prepare.mjs";

// Hyperparameters
const CONTEXT = 12; // bytes of history the model looks at (at most MAX_CONTEXT)
const EMBED = 16; // embedding width per byte
const HIDDEN = 128; // hidden units
const BATCH_SIZE = 64;
const LEARNING_RATE = 0.01;
const ADAM_BETAS = [0.9, 0.99];
const WARMDOWN_RATIO = 0.4; // the last part of the budget during which the learning rate decays to zero
const LOG_EVERY = 5; // steps between progress records
const SEED = 1337;

let seed = SEED >>> 0;
function random() {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const init = (n, scale) => Float32Array.from({ length: n }, () => (random() * 2 - 1) * scale);

const IN = CONTEXT * EMBED;
const params = {
  emb: init(VOCAB_SIZE * EMBED, 1),
  w1: init(IN * HIDDEN, 1 / Math.sqrt(IN)),
  b1: new Float32Array(HIDDEN),
  w2: init(HIDDEN * VOCAB_SIZE, 1 / Math.sqrt(HIDDEN)),
  b2: new Float32Array(VOCAB_SIZE),
};
const grads = Object.fromEntries(Object.entries(params).map(([k, p]) => [k, new Float32Array(p.length)]));
const adam = Object.fromEntries(Object.entries(params).map(([k, p]) => [k, { m: new Float32Array(p.length), v: new Float32Array(p.length) }]));
const numParams = Object.values(params).reduce((n, p) => n + p.length, 0);

// Buffers for one batch, reused every step.
function buffers(batch) {
  return { x: new Float32Array(batch * IN), h: new Float32Array(batch * HIDDEN), logits: new Float32Array(batch * VOCAB_SIZE) };
}

/** Forward pass: contexts (batch×MAX_CONTEXT ids) → logits; keeps x and h for the backward pass. */
function forward(contexts, batch, buf) {
  const { x, h, logits } = buf;
  const off = MAX_CONTEXT - CONTEXT;
  for (let b = 0; b < batch; b++)
    for (let c = 0; c < CONTEXT; c++) {
      const id = contexts[b * MAX_CONTEXT + off + c];
      x.set(params.emb.subarray(id * EMBED, id * EMBED + EMBED), b * IN + c * EMBED);
    }
  for (let b = 0; b < batch; b++) {
    const hr = h.subarray(b * HIDDEN, (b + 1) * HIDDEN);
    hr.set(params.b1);
    for (let k = 0; k < IN; k++) {
      const a = x[b * IN + k];
      if (a === 0) continue;
      const w = k * HIDDEN;
      for (let j = 0; j < HIDDEN; j++) hr[j] += a * params.w1[w + j];
    }
    for (let j = 0; j < HIDDEN; j++) hr[j] = Math.tanh(hr[j]);
    const lr = logits.subarray(b * VOCAB_SIZE, (b + 1) * VOCAB_SIZE);
    lr.set(params.b2);
    for (let k = 0; k < HIDDEN; k++) {
      const a = hr[k];
      const w = k * VOCAB_SIZE;
      for (let v = 0; v < VOCAB_SIZE; v++) lr[v] += a * params.w2[w + v];
    }
  }
  return logits;
}

/** Cross-entropy loss and gradients for one batch. */
function step(contexts, targets, batch, buf) {
  const logits = forward(contexts, batch, buf);
  const { x, h } = buf;
  for (const g of Object.values(grads)) g.fill(0);
  const dh = new Float32Array(HIDDEN);
  const dx = new Float32Array(IN);
  let loss = 0;
  const off = MAX_CONTEXT - CONTEXT;
  for (let b = 0; b < batch; b++) {
    const lr = logits.subarray(b * VOCAB_SIZE, (b + 1) * VOCAB_SIZE);
    let max = -Infinity;
    for (let v = 0; v < VOCAB_SIZE; v++) max = Math.max(max, lr[v]);
    let sum = 0;
    for (let v = 0; v < VOCAB_SIZE; v++) sum += (lr[v] = Math.exp(lr[v] - max));
    loss += -Math.log(lr[targets[b]] / sum);
    for (let v = 0; v < VOCAB_SIZE; v++) lr[v] = (lr[v] / sum - (v === targets[b] ? 1 : 0)) / batch; // dlogits
    const hr = h.subarray(b * HIDDEN, (b + 1) * HIDDEN);
    for (let v = 0; v < VOCAB_SIZE; v++) grads.b2[v] += lr[v];
    for (let k = 0; k < HIDDEN; k++) {
      const w = k * VOCAB_SIZE;
      let acc = 0;
      for (let v = 0; v < VOCAB_SIZE; v++) {
        grads.w2[w + v] += hr[k] * lr[v];
        acc += params.w2[w + v] * lr[v];
      }
      dh[k] = acc * (1 - hr[k] * hr[k]);
    }
    for (let j = 0; j < HIDDEN; j++) grads.b1[j] += dh[j];
    for (let k = 0; k < IN; k++) {
      const a = x[b * IN + k];
      const w = k * HIDDEN;
      let acc = 0;
      for (let j = 0; j < HIDDEN; j++) {
        grads.w1[w + j] += a * dh[j];
        acc += params.w1[w + j] * dh[j];
      }
      dx[k] = acc;
    }
    for (let c = 0; c < CONTEXT; c++) {
      const id = contexts[b * MAX_CONTEXT + off + c];
      for (let e = 0; e < EMBED; e++) grads.emb[id * EMBED + e] += dx[c * EMBED + e];
    }
  }
  return loss / batch;
}

function adamUpdate(lr, t) {
  const [b1, b2] = ADAM_BETAS;
  const c1 = 1 - b1 ** t;
  const c2 = 1 - b2 ** t;
  for (const [k, p] of Object.entries(params)) {
    const g = grads[k];
    const { m, v } = adam[k];
    for (let i = 0; i < p.length; i++) {
      m[i] = b1 * m[i] + (1 - b1) * g[i];
      v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
      p[i] -= (lr * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + 1e-8);
    }
  }
}

const lrMultiplier = (progress) => (progress < 1 - WARMDOWN_RATIO ? 1 : Math.max(0, (1 - progress) / WARMDOWN_RATIO));

/** Trains for the budget, prints the summary, and leaves the weights for a trusted evaluation. */
function trainAndReport() {
  const t0 = Date.now();
  const { train, val } = loadData();
  console.log(`Vocab size: ${VOCAB_SIZE}`);
  console.log(`Train bytes: ${train.length.toLocaleString("en-US")}, validation bytes: ${val ? val.length.toLocaleString("en-US") : "hidden (the trusted evaluation scores the run)"}`);
  console.log(`Model config: ${JSON.stringify({ CONTEXT, EMBED, HIDDEN, BATCH_SIZE })}`);
  console.log(`Time budget: ${TIME_BUDGET}s`);

  const buf = buffers(BATCH_SIZE);
  const contexts = new Int32Array(BATCH_SIZE * MAX_CONTEXT);
  const targets = new Int32Array(BATCH_SIZE);
  const positions = new Array(BATCH_SIZE);
  let trainingMs = 0;
  let smoothLoss = 0;
  let stepIndex = 0;
  let tokens = 0;
  for (;;) {
    const stepStart = performance.now();
    for (let b = 0; b < BATCH_SIZE; b++) positions[b] = MAX_CONTEXT + Math.floor(random() * (train.length - MAX_CONTEXT));
    contextsAt(train, positions, contexts);
    for (let b = 0; b < BATCH_SIZE; b++) targets[b] = train[positions[b]];
    const progress = Math.min(1, trainingMs / 1000 / TIME_BUDGET);
    const lrm = lrMultiplier(progress);
    const loss = step(contexts, targets, BATCH_SIZE, buf);
    adamUpdate(LEARNING_RATE * lrm, stepIndex + 1);
    const dt = performance.now() - stepStart;
    trainingMs += dt;
    tokens += BATCH_SIZE;
    smoothLoss = 0.9 * smoothLoss + 0.1 * loss;
    const debiased = smoothLoss / (1 - 0.9 ** (stepIndex + 1));
    if (!Number.isFinite(loss) || debiased > 100) {
      console.log("FAIL");
      process.exit(1);
    }
    if (stepIndex % LOG_EVERY === 0) {
      const pct = (100 * Math.min(1, trainingMs / 1000 / TIME_BUDGET)).toFixed(1);
      const remaining = Math.max(0, TIME_BUDGET - trainingMs / 1000).toFixed(0);
      const tokPerSec = Math.round(BATCH_SIZE / (dt / 1000)).toLocaleString("en-US");
      process.stdout.write(
        `\rstep ${String(stepIndex).padStart(5, "0")} (${pct}%) | loss: ${debiased.toFixed(6)} | lrm: ${lrm.toFixed(2)} | dt: ${dt.toFixed(0)}ms | tok/sec: ${tokPerSec} | epoch: ${Math.floor(tokens / train.length)} | remaining: ${remaining}s    `,
      );
    }
    stepIndex++;
    if (trainingMs / 1000 >= TIME_BUDGET) break;
  }
  process.stdout.write("\n");

  const evalBuf = buffers(256);
  // Where the held-out text is hidden (Overseer's trusted evaluation), evaluate.mjs scores the run instead.
  const valBpb = val ? evaluateBpb((ctx, batch) => forward(ctx, batch, evalBuf).slice(0, batch * VOCAB_SIZE), val) : null;
  const line = (key, value) => console.log(`${`${key}:`.padEnd(18)}${value}`);
  console.log("---");
  if (valBpb !== null) line("val_bpb", valBpb.toFixed(6));
  line("training_seconds", (trainingMs / 1000).toFixed(1));
  line("total_seconds", ((Date.now() - t0) / 1000).toFixed(1));
  line("peak_rss_mb", (process.memoryUsage().rss / 1024 / 1024).toFixed(1));
  line("total_tokens_M", (tokens / 1e6).toFixed(1));
  line("num_steps", stepIndex);
  line("num_params_M", (numParams / 1e6).toFixed(3));
  line("context", CONTEXT);
  if (process.env.OVERSEER_CHECKPOINT_DIR) saveCheckpoint(process.env.OVERSEER_CHECKPOINT_DIR, params);
}

if (process.argv[2] === "--serve") {
  // For evaluate.mjs: the trained weights, answering logits requests (contexts only, never a target).
  loadCheckpoint(process.env.OVERSEER_CHECKPOINT_DIR, params);
  const served = buffers(256);
  await serveLogits((ctx, n) => forward(ctx, n, n <= 256 ? served : buffers(n)));
} else trainAndReport();
