"""cuBLAS beside einsight's f16 GEMM (bench/suites/matrix.ts): torch.matmul at 4096^3 and 8192^3 in fp16
(fp32 accumulation: reduced-precision reductions off) and fp32 (TF32 off), on the same card.

    python3 bench/peers/torch_f16.py torch-f16.json
"""
import json
import sys

import torch

from torch_suite import timed

torch.backends.cuda.matmul.allow_tf32 = False
torch.backends.cuda.matmul.allow_fp16_reduced_precision_reduction = False

rows = []
for n in (4096, 8192):
    for dtype in (torch.float16, torch.float32):
        a = torch.randn(n, n, device="cuda", dtype=dtype)
        b = torch.randn(n, n, device="cuda", dtype=dtype)
        ms = timed(lambda: a @ b)
        rows.append({"equation": "ij,jk->ik", "n": n, "dtype": str(dtype).replace("torch.", ""), "ms": ms, "tflops": 2 * n**3 / (ms / 1e3) / 1e12})
        print(f"torch {rows[-1]['dtype']} {n}^3: {ms:.3f} ms = {rows[-1]['tflops']:.1f} TFLOP/s", flush=True)
        del a, b
with open(sys.argv[1], "w") as f:
    json.dump({"torch": torch.__version__, "device": torch.cuda.get_device_name(), "rows": rows}, f, indent=1)
