"""
nanogpt's trusted evaluation (overseer.json "evaluate"): protected, like prepare.py. Overseer runs it after
training, in a sandbox of its own that reads the held-out files. The candidate's model is served to it by
processes Overseer starts in sandboxes of their own (evaluate.serve: python3 train.py --serve), which read the
checkpoint and never the held-out text; it asks them only for logits, computes the bits per byte itself, checks
that no prediction used a later byte, and prints the summary Overseer scores the run by. Run by hand (with
OVERSEER_CHECKPOINT_DIR naming the folder training saved to), it starts those processes itself.

This file needs numpy, not PyTorch: it never imports the candidate's code.
"""
import sys
import time

from prepare import EvaluationError, evaluate_served_bpb, held_out_bytes, model_servers


def main():
    started = time.time()
    val = held_out_bytes()
    if val is None:
        print("evaluation failed: the held-out files (names ending in 0) are missing or empty", file=sys.stderr)
        return 1
    try:
        bpb, largest = evaluate_served_bpb(model_servers([sys.executable, "train.py", "--serve"]), val)
    except EvaluationError as e:
        print(f"evaluation failed: {e}", file=sys.stderr)
        return 1
    print("---")
    print(f"val_bpb:          {bpb:.6f}")
    print(f"eval_seconds:     {time.time() - started:.2f}")
    print(f"check_max_diff:   {largest:.3g}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
