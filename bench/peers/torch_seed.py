"""The motivating workload in PyTorch, for the GPU machine (issue #7's comparison): four overlapping
slices X[s:s+8] of X (16, 16384, 2048), each 'ijk,ikl->jl' with Y (8, 2048, 1024), then backward
into X and Y, fp32 with TF32 off. Two ways: torch.einsum, and (x @ Y).sum(0).

    python3 bench/peers/torch_seed.py torch-seed.json [--small]

Reports the peak bytes allocated above the inputs (X, Y and the output gradients, made first), the
minimum any method needs (the four outputs and the two gradients), and the time of forward plus
backward (CUDA events, after a warm-up).
"""
import json
import sys

import torch

torch.backends.cuda.matmul.allow_tf32 = False
DEV = "cuda"
SMALL = "--small" in sys.argv
I, J, K, L = 16, (256 if SMALL else 16384), (64 if SMALL else 2048), (32 if SMALL else 1024)
STARTS = [0, 2, 5, 8]  # slices [s, s+8): overlapping


def workload(method):
    X = torch.randn(I, J, K, device=DEV, requires_grad=True)
    Y = torch.randn(8, K, L, device=DEV, requires_grad=True)
    G = [torch.randn(J, L, device=DEV) for _ in STARTS]

    def step():
        outs = [torch.einsum("ijk,ikl->jl", X[s : s + 8], Y) if method == "einsum" else (X[s : s + 8] @ Y).sum(0) for s in STARTS]
        torch.autograd.backward(outs, G)
        return outs

    step()  # warm-up (and the gradients' buffers exist from here on, as in a training loop)
    X.grad = None
    Y.grad = None
    torch.cuda.synchronize()
    torch.cuda.reset_peak_memory_stats()
    base = torch.cuda.memory_allocated()
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    start.record()
    outs = step()
    end.record()
    torch.cuda.synchronize()
    peak = torch.cuda.max_memory_allocated() - base
    minimum = sum(o.numel() for o in outs) * 4 + X.numel() * 4 + Y.numel() * 4
    return {"method": method, "ms": start.elapsed_time(end), "peakAboveInputsBytes": peak, "minimumBytes": minimum}


def main(path):
    rows = []
    for method in ["einsum", "bmm-sum"]:
        row = workload(method)
        rows.append(row)
        print(json.dumps(row), flush=True)
        torch.cuda.empty_cache()
    report = {"device": torch.cuda.get_device_name(), "torch": torch.__version__, "tf32": False, "shapes": {"X": [I, J, K], "Y": [8, K, L]}, "starts": STARTS, "results": rows}
    with open(path, "w") as f:
        json.dump(report, f, indent=2)


if __name__ == "__main__":
    main(next((a for a in sys.argv[1:] if not a.startswith("--")), "torch-seed.json"))
