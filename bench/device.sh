#!/usr/bin/env bash
# Every measurement for the GPU machine in one run (device time is short): f16 on subgroup
# matrices checked and timed (bench/matrix.ts) with cuBLAS fp16 beside it, einsight's suite with
# tfjs-backend-webgpu and the loop kernel beside it, torch.einsum on the same suite, the seed
# workload (forward + backward) in einsight and in PyTorch; TUNE=1 adds the direct kernel's tile
# candidates (bench/tune.ts; TUNE_ONLY=matmul,seed: cases whose names contain those; TUNE_TILES=128x64x16,...: those tiles), F16=0 leaves f16 out (F32=1 then times matrix.ts's f32 variants), SUITE=0 leaves out einsight's suite and seed
# workload (a probe of bench/matrix.ts's kernel variants, with torch.einsum's suite for the sliced
# contraction beside them; TORCH=0 leaves that out too). Most important first: a run cut short keeps what it wrote.
# On the development machine, after `npm ci && npm run build`:
#   bash ../shared/device/prepare.sh @tensorflow/tfjs-core @tensorflow/tfjs-backend-webgpu
# then run, with carry [".device", "dist"]:
#   bash .device/enter.sh bash bench/device.sh "$OUT"
# TABLE=1 runs tuneTiles() as a user would (bench/table.ts: the table, and the profile's own pick beside it),
# with the workgroup layouts among its candidates, then the suite and the seed workload planned with that table.
# LAYOUTS=1 adds the scalar kernel's workgroup layouts (tiles.invocations: checked on
# SwiftShader, never timed on a GPU) on every suite case the direct kernel runs (the GEMMs,
# the seed's contraction, attention, the 4-d contraction: what adopting one in the profile would
# change), each candidate checked against the planned kernel's output first.
set -u
out=${1:-.}
# The scalar kernel's workgroup layouts worth timing (beside 128 x 64 x 16 on 16 x 16, the nvidia-h100 profile's pick).
LAYOUT_CANDIDATES=128x64x16@8x16,128x64x16@16x16/8,128x64x16@8x16/4,128x64x8@8x16,64x64x16@8x8,128x128x8@16x16/8,128x128x16@16x16/8
if [ "${LAYOUTS:-0}" = 1 ]; then
  TUNE=1
  TUNE_ONLY=${TUNE_ONLY:-matmul,seed,attention,4-d}
  TUNE_TILES=${TUNE_TILES:-128x64x16,$LAYOUT_CANDIDATES}
fi
export PYTHONUNBUFFERED=1
# How long each part took, so that the next run can be sized to the device time left ($out/stages.txt).
begun=$(date +%s)
last=$begun
stage() { now=$(date +%s); echo "$1: $((now - last)) s (at $((now - begun)) s)" >> "$out/stages.txt"; last=$now; }
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null | tee "$out/gpu.txt"
quiet() { grep -v "^ - \|^validation\|^\[Invalid\|^    at \|^out of memory\|vkAllocate"; }
if [ "${F16:-1}" = 1 ]; then
  timeout 300 node dist/bench/matrix.js --json "$out/f16.json" 2>&1 | grep -E "^(ok|FAIL|ij,jk|ijk,ikl|bhqd,bhkd|adapter|subgroups|all|[0-9]+ f16)"
  timeout 40 python3 bench/torch_f16.py "$out/torch-f16.json" 2>&1 | tail -4
  stage "f16 kernels and cuBLAS fp16"
fi
# AB=1: the f16 GEMM with a previous build's kernels (dist/base, see bench/ab.ts) and this build's, alternating
[ "${AB:-0}" = 1 ] && [ -d dist/base ] && timeout 90 node dist/bench/ab.js --json "$out/ab.json" 2>&1 | grep -E "^ab|Error" && stage "A/B"
[ "${SUITE:-1}" = 1 ] && { timeout 180 node dist/bench/run.js --preset full --min-seconds 0.3 --json "$out/einsight.json" 2>&1 | quiet; stage "suite"; }
[ "${TORCH:-1}" = 1 ] && { timeout 90 python3 bench/torch_suite.py "$out/torch.json" 2>&1 | tail -12; stage "torch suite"; }
# F32=1 (with F16=0): bench/matrix.ts's f32 variants only (double buffering, sizes read at run time, robustness off)
[ "${F32:-0}" = 1 ] && { timeout 90 node dist/bench/matrix.js --f32 --json "$out/f32.json" 2>&1 | grep -E "^(ij,jk|ijk,ikl|bhqd,bhkd|adapter|FAIL)"; stage "f32 variants"; }
if [ "${SUITE:-1}" = 1 ]; then
  timeout 70 node dist/bench/run.js --suite seed --preset full --min-seconds 0.3 --json "$out/seed.json" 2>&1 | quiet
  timeout 50 python3 bench/torch_seed.py "$out/torch-seed.json" 2>&1 | tail -3
  stage "seed workload"
fi
# TABLE=1: tuneTiles() with the layouts added to its own candidates, then the suite (einsight alone) and the seed
# workload planned with that table, as a user's gpu({ tileTable }) plans them: figures with whatever the table adopts.
if [ "${TABLE:-0}" = 1 ]; then
  timeout 150 node dist/bench/table.js --add "$LAYOUT_CANDIDATES" --json "$out/table.json" --out "$out/tiles.json" 2>&1 | quiet
  stage "tile table"
  if [ -s "$out/tiles.json" ]; then
    timeout 120 node dist/bench/run.js --preset full --min-seconds 0.3 --tile-table "$out/tiles.json" --einsight-only --json "$out/einsight-tuned.json" 2>&1 | quiet
    timeout 70 node dist/bench/run.js --suite seed --preset full --min-seconds 0.3 --tile-table "$out/tiles.json" --json "$out/seed-tuned.json" 2>&1 | quiet
    stage "suite and seed workload with the table"
  fi
fi
[ "${TUNE:-0}" = 1 ] && { timeout 180 node dist/bench/tune.js --preset full ${TUNE_ONLY:+--only "$TUNE_ONLY"} ${TUNE_TILES:+--tiles "$TUNE_TILES"} --json "$out/tune.json" 2>&1 | quiet; stage "tile sweep"; }
