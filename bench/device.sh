#!/usr/bin/env bash
# Every measurement for the GPU machine in one run (device time is short): einsight's suite with
# tfjs-backend-webgpu and the loop kernel beside it, then torch.einsum on the same card.
# On the development machine, after `npm ci && npm run build`:
#   bash ../shared/device/prepare.sh @tensorflow/tfjs-core @tensorflow/tfjs-backend-webgpu
# then run, with carry [".device", "dist"]:
#   bash .device/enter.sh bash bench/device.sh "$OUT"
set -u
out=${1:-.}
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null | tee "$out/gpu.txt"
timeout 400 node dist/bench/run.js --preset full --json "$out/einsight.json" 2>&1 | grep -v '^ - \|^validation\|^\[Invalid' | tail -60
timeout 150 python3 bench/torch_suite.py "$out/torch.json" 2>&1 | tail -20
