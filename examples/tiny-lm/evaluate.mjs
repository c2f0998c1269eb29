// tiny-lm's trusted evaluation (overseer.json "evaluate"): protected, like prepare.mjs. Overseer runs it after
// training, in a sandbox of its own that reads the held-out files. The candidate's model is served to it by
// processes Overseer starts in sandboxes of their own (evaluate.serve: node train.mjs --serve), which read the
// checkpoint and never the held-out text; it asks them only for logits, computes the bits per byte itself and
// prints the summary Overseer scores the run by. Run by hand, it starts those processes itself.
import { loadData, evaluateServedBpb, modelServers } from "./prepare.mjs";

const started = Date.now();
const { val } = loadData();
if (!val) {
  console.error("evaluation failed: the held-out files (names ending in 0) are missing or empty");
  process.exit(1);
}
try {
  const bpb = await evaluateServedBpb(await modelServers([process.execPath, "train.mjs", "--serve"], process.cwd()), val);
  console.log("---");
  console.log(`val_bpb:          ${bpb.toFixed(6)}`);
  console.log(`eval_seconds:     ${((Date.now() - started) / 1000).toFixed(2)}`);
} catch (e) {
  console.error(`evaluation failed: ${e.message}`);
  process.exitCode = 1;
}
