#!/usr/bin/env bash
# Every measurement for the GPU machine in one run (device time is short): the direct kernel's tile
# candidates, einsight's suite with tfjs-backend-webgpu and the loop kernel beside it, then
# torch.einsum and the PyTorch seed workload on the same card.
# On the development machine, after `npm ci && npm run build`:
#   bash ../shared/device/prepare.sh @tensorflow/tfjs-core @tensorflow/tfjs-backend-webgpu
# then run, with carry [".device", "dist"]:
#   bash .device/enter.sh bash bench/device.sh "$OUT"
set -u
out=${1:-.}
export PYTHONUNBUFFERED=1
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null | tee "$out/gpu.txt"
quiet() { grep -v '^ - \|^validation\|^\[Invalid'; }
timeout 150 node dist/bench/tune.js --preset full --json "$out/tune.json" 2>&1 | quiet
timeout 240 node dist/bench/run.js --preset full --json "$out/einsight.json" 2>&1 | quiet
[ -f dist/bench/seed.js ] && timeout 120 node dist/bench/seed.js --preset full --json "$out/seed.json" 2>&1 | quiet
timeout 100 python3 bench/torch_suite.py "$out/torch.json" 2>&1 | tail -20
timeout 60 python3 bench/torch_seed.py "$out/torch-seed.json" 2>&1 | tail -5
