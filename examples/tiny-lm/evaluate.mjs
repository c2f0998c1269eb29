// tiny-lm's trusted evaluation (overseer.json "evaluate"): protected, like prepare.mjs. Overseer runs it after
// training, in a sandbox of its own, with the run's checkpoint in OVERSEER_CHECKPOINT_DIR. It serves the
// candidate's model from a process of its own (node train.mjs --serve), asks it only for logits, computes the
// bits per byte itself and prints the summary Overseer scores the run by.
import { loadData, evaluateServedBpb, servedModel } from "./prepare.mjs";

const started = Date.now();
const { val } = loadData();
const model = await servedModel([process.execPath, "train.mjs", "--serve"], process.cwd());
try {
  const bpb = await evaluateServedBpb(model, val);
  console.log("---");
  console.log(`val_bpb:          ${bpb.toFixed(6)}`);
  console.log(`eval_seconds:     ${((Date.now() - started) / 1000).toFixed(2)}`);
} catch (e) {
  console.error(`evaluation failed: ${e.message}`);
  process.exitCode = 1;
} finally {
  await model.close();
}
