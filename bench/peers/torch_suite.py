"""torch.einsum on the benchmark suite's full preset (bench/lib/suite.ts), fp32 with TF32 off, for
the GPU machine, so that einsight's figures have cuBLAS beside them from the same card and run.

    python3 bench/peers/torch_suite.py torch.json

Times with CUDA events over repetitions queued back to back (at least --min-seconds of work), and
the peak bytes allocated above the inputs during one call.
"""
import json
import sys

import torch

torch.backends.cuda.matmul.allow_tf32 = False
torch.backends.cudnn.allow_tf32 = False
DEV = "cuda"
MIN_SECONDS = 0.5


def timed(fn):
    fn()
    torch.cuda.synchronize()
    reps = 1
    while True:
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        for _ in range(reps):
            fn()
        end.record()
        torch.cuda.synchronize()
        ms = start.elapsed_time(end)
        if ms >= MIN_SECONDS * 1000 or reps >= 4096:
            return ms / reps
        reps = min(4096, max(reps * 2, int(reps * MIN_SECONDS * 1000 / max(ms, 0.01)) + 1))


def peak_above_inputs(fn):
    torch.cuda.synchronize()
    torch.cuda.reset_peak_memory_stats()
    base = torch.cuda.memory_allocated()
    out = fn()
    torch.cuda.synchronize()
    peak = torch.cuda.max_memory_allocated() - base
    del out
    return peak


def randn(*shape):
    return torch.randn(*shape, device=DEV, dtype=torch.float32)


def cases():
    n = 4096
    X = randn(16, 16384, 2048)
    x = X[3:11]
    Y = randn(8, 2048, 1024)
    yield "matmul", "ij,jk->ik", [randn(n, n), randn(n, n)], None
    yield "seed (slice of X)", "ijk,ikl->jl", [x, Y], ("(x @ Y).sum(0)", lambda: (x @ Y).sum(0))
    yield "attention scores", "bhqd,bhkd->bhqk", [randn(8, 16, 1024, 64), randn(8, 16, 1024, 64)], None
    yield "attention values", "bhqk,bhkd->bhqd", [randn(8, 16, 1024, 1024), randn(8, 16, 1024, 64)], None
    yield "transposed matmul", "ji,jk->ik", [randn(n, n), randn(n, n)], None
    yield "4-d contraction", "abcd,cdef->abef", [randn(64, 64, 64, 64), randn(64, 64, 64, 64)], None
    yield "chain", "ij,jk,kl->il", [randn(4096, 256), randn(256, 4096), randn(4096, 64)], None
    yield "outer product", "i,j->ij", [randn(16384), randn(16384)], None
    yield "reduction", "bij->bj", [randn(64, 4096, 1024)], None


def main(path):
    results = []
    for name, equation, operands, alternative in cases():
        run = lambda: torch.einsum(equation, *operands)  # noqa: E731
        row = {"name": name, "equation": equation, "shapes": [list(o.shape) for o in operands], "ms": timed(run), "peakAboveInputsBytes": peak_above_inputs(run)}
        if alternative is not None:
            label, fn = alternative
            row["alternative"] = {"code": label, "ms": timed(fn), "peakAboveInputsBytes": peak_above_inputs(fn)}
        results.append(row)
        print(json.dumps(row), flush=True)
    report = {"device": torch.cuda.get_device_name(), "torch": torch.__version__, "tf32": False, "results": results}
    with open(path, "w") as f:
        json.dump(report, f, indent=2)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "torch.json")
