"""
nanogpt: a small GPT trained on the Brown corpus for a fixed time budget on one NVIDIA GPU, in bf16, printing
autoresearch's progress records and summary. This is the one file experiments change; its hyperparameters are
the top-level constants below. The data, the budget and the evaluation are in prepare.py, which is protected.

    python train.py > run.log 2>&1
"""
import json
import math
import os
import sys
import time

from prepare import MAX_SEQ_LEN, TIME_BUDGET, VOCAB_SIZE, evaluate_bpb, has_validation, make_dataloader, prepare, require_cuda, serve_logits, tokens_in

require_cuda()  # before torch is used: a clear message on a machine without PyTorch or a GPU

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

# Model
DEPTH = 6
N_EMBD = 384
N_HEAD = 6
DROPOUT = 0.0
# Optimisation
SEQ_LEN = 512
DEVICE_BATCH_SIZE = 64
LEARNING_RATE = 1e-3
WEIGHT_DECAY = 0.1
ADAM_BETAS = (0.9, 0.95)
GRAD_CLIP = 1.0
WARMUP_RATIO = 0.02
WARMDOWN_RATIO = 0.4
FINAL_LR_FRAC = 0.1
COMPILE = True
SEED = 1337

# Dense bf16 peak of the GPU, for MFU; 989.5 TFLOP/s (H100 SXM) for a GPU not listed.
PEAK_FLOPS = {"H100 PCIe": 756e12, "H100": 989.5e12, "H200": 989.5e12, "A100": 312e12, "L40S": 362e12, "A10G": 70e12}
WARMUP_STEPS = 10  # the first steps compile: not counted in the budget, as in autoresearch


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln1 = nn.LayerNorm(N_EMBD)
        self.qkv = nn.Linear(N_EMBD, 3 * N_EMBD, bias=False)
        self.proj = nn.Linear(N_EMBD, N_EMBD, bias=False)
        self.ln2 = nn.LayerNorm(N_EMBD)
        self.fc = nn.Linear(N_EMBD, 4 * N_EMBD, bias=False)
        self.fc_out = nn.Linear(4 * N_EMBD, N_EMBD, bias=False)
        self.drop = nn.Dropout(DROPOUT)

    def forward(self, x):
        b, t, c = x.shape
        q, k, v = self.qkv(self.ln1(x)).split(N_EMBD, dim=2)
        q, k, v = (z.view(b, t, N_HEAD, c // N_HEAD).transpose(1, 2) for z in (q, k, v))
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True, dropout_p=DROPOUT if self.training else 0.0)
        x = x + self.drop(self.proj(y.transpose(1, 2).contiguous().view(b, t, c)))
        return x + self.drop(self.fc_out(F.gelu(self.fc(self.ln2(x)))))


class GPT(nn.Module):
    def __init__(self):
        super().__init__()
        self.tok = nn.Embedding(VOCAB_SIZE, N_EMBD)
        self.pos = nn.Embedding(MAX_SEQ_LEN, N_EMBD)
        self.blocks = nn.ModuleList(Block() for _ in range(DEPTH))
        self.ln_f = nn.LayerNorm(N_EMBD)
        self.head = nn.Linear(N_EMBD, VOCAB_SIZE, bias=False)
        self.tok.weight = self.head.weight  # tied
        self.apply(self._init)
        for name, p in self.named_parameters():
            if name.endswith("proj.weight") or name.endswith("fc_out.weight"):
                nn.init.normal_(p, mean=0.0, std=0.02 / math.sqrt(2 * DEPTH))

    @staticmethod
    def _init(m):
        if isinstance(m, (nn.Linear, nn.Embedding)):
            nn.init.normal_(m.weight, mean=0.0, std=0.02)

    def forward(self, idx):
        x = self.tok(idx) + self.pos(torch.arange(idx.shape[1], device=idx.device))
        for block in self.blocks:
            x = block(x)
        return self.head(self.ln_f(x))


def lr_multiplier(progress):
    if progress < WARMUP_RATIO:
        return (progress + 1e-3) / (WARMUP_RATIO + 1e-3)
    if progress < 1 - WARMDOWN_RATIO:
        return 1.0
    into = (progress - (1 - WARMDOWN_RATIO)) / WARMDOWN_RATIO
    return 1.0 - into * (1.0 - FINAL_LR_FRAC)


def peak_flops():
    name = torch.cuda.get_device_name()
    return next((v for k, v in PEAK_FLOPS.items() if k in name), 989.5e12)


def main():
    t_start = time.time()
    torch.manual_seed(SEED + int(os.environ.get("OVERSEER_SEED", "0")))
    torch.backends.cuda.matmul.allow_tf32 = True
    torch.backends.cudnn.allow_tf32 = True
    prepare()
    print(f"Vocab size: {VOCAB_SIZE:,}")
    print(f"GPU: {torch.cuda.get_device_name()}")

    model = GPT().cuda()
    n_params = sum(p.numel() for p in model.parameters())
    print("Model config: " + json.dumps({"depth": DEPTH, "n_embd": N_EMBD, "n_head": N_HEAD, "seq_len": SEQ_LEN, "batch": DEVICE_BATCH_SIZE, "params": n_params}))
    print(f"Time budget: {TIME_BUDGET}s")
    # Training FLOPs per token: 6 per weight, plus attention's 12 · layers · width · context (PaLM, appendix B).
    flops_per_token = 6 * (n_params - MAX_SEQ_LEN * N_EMBD) + 12 * DEPTH * N_EMBD * SEQ_LEN
    decay = [p for p in model.parameters() if p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    optimizer = torch.optim.AdamW(
        [{"params": decay, "weight_decay": WEIGHT_DECAY}, {"params": no_decay, "weight_decay": 0.0}],
        lr=LEARNING_RATE, betas=ADAM_BETAS, fused=True,
    )
    step_model = torch.compile(model) if COMPILE else model
    loader = make_dataloader("train", DEVICE_BATCH_SIZE, SEQ_LEN)
    train_tokens = tokens_in("train")

    training_seconds, step, tokens, ema, mfu_sum, mfu_steps = 0.0, 0, 0, 0.0, 0.0, 0
    while True:
        torch.cuda.synchronize()
        t0 = time.time()
        progress = min(training_seconds / TIME_BUDGET, 1.0)
        lrm = lr_multiplier(progress)
        for group in optimizer.param_groups:
            group["lr"] = LEARNING_RATE * lrm
        x, y = next(loader)
        with torch.autocast(device_type="cuda", dtype=torch.bfloat16):
            logits = step_model(x)
        loss = F.cross_entropy(logits.float().view(-1, VOCAB_SIZE), y.reshape(-1))
        loss.backward()
        if GRAD_CLIP > 0:
            torch.nn.utils.clip_grad_norm_(model.parameters(), GRAD_CLIP)
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        loss_value = loss.item()  # waits for the GPU
        dt = time.time() - t0
        batch_tokens = DEVICE_BATCH_SIZE * SEQ_LEN
        tokens += batch_tokens
        ema = 0.9 * ema + 0.1 * loss_value
        smooth = ema / (1 - 0.9 ** (step + 1))
        mfu = 100 * flops_per_token * batch_tokens / dt / peak_flops()
        if step >= WARMUP_STEPS:
            training_seconds += dt
            mfu_sum, mfu_steps = mfu_sum + mfu, mfu_steps + 1
        remaining = max(0.0, TIME_BUDGET - training_seconds)
        print(
            f"\rstep {step:05d} ({100 * progress:.1f}%) | loss: {smooth:.6f} | lrm: {lrm:.2f} | dt: {dt * 1000:.0f}ms | "
            f"tok/sec: {int(batch_tokens / dt):,} | mfu: {mfu:.1f}% | epoch: {tokens // train_tokens} | remaining: {remaining:.0f}s    ",
            end="", flush=True,
        )
        if math.isnan(loss_value) or loss_value > 100:
            print(" FAIL", flush=True)
            sys.exit(1)
        step += 1
        if training_seconds >= TIME_BUDGET:
            break
    print()

    # Where the held-out text is hidden (Overseer's trusted evaluation), evaluate.py scores the saved weights instead.
    val_bpb = evaluate_bpb(model) if has_validation() else None
    print("---")
    if val_bpb is not None:
        print(f"val_bpb:          {val_bpb:.6f}")
    print(f"training_seconds: {training_seconds:.1f}")
    print(f"total_seconds:    {time.time() - t_start:.1f}")
    print(f"peak_vram_mb:     {torch.cuda.max_memory_allocated() / 1024 / 1024:.1f}")
    print(f"mfu_percent:      {mfu_sum / max(1, mfu_steps):.2f}")
    print(f"total_tokens_M:   {tokens / 1e6:.1f}")
    print(f"num_steps:        {step}")
    print(f"num_params_M:     {n_params / 1e6:.1f}")
    print(f"depth:            {DEPTH}")
    if os.environ.get("OVERSEER_CHECKPOINT_DIR"):
        torch.save(model.state_dict(), os.path.join(os.environ["OVERSEER_CHECKPOINT_DIR"], "model.pt"))


def serve():
    """For evaluate.py: the trained weights, answering logits requests (inputs only, never a target)."""
    model = GPT().cuda()
    model.load_state_dict(torch.load(os.path.join(os.environ["OVERSEER_CHECKPOINT_DIR"], "model.pt"), map_location="cuda", weights_only=True))
    model.eval()

    def predict(tokens, n, t):
        x = torch.frombuffer(bytearray(tokens), dtype=torch.uint8).view(n, t).cuda().long()
        with torch.no_grad(), torch.autocast(device_type="cuda", dtype=torch.bfloat16):
            return model(x).float().cpu().numpy().tobytes()

    serve_logits(predict)


if __name__ == "__main__":
    serve() if sys.argv[1:] == ["--serve"] else main()
