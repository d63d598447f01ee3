#!/usr/bin/env bash
# Every measurement for a GPU machine in one run, most important first (a run cut short keeps what
# it wrote): f16 on subgroup matrices checked and timed (bench/suites/matrix.ts) with cuBLAS fp16
# beside it (bench/peers/torch_f16.py), einsight's suite with tfjs-backend-webgpu and the loop
# kernel beside it (bench/run.ts), torch.einsum on the same suite (bench/peers/torch_suite.py), and
# the seed workload, forward and backward, in einsight and in PyTorch (bench/peers/torch_seed.py).
#
# Needs a GPU that Dawn (the webgpu package) opens, python3 with a CUDA build of torch, and
# `npm ci && npm run build` first. From the repository root:
#
#   bash bench/device/run.sh OUT_DIR
#
# Each part writes OUT_DIR/<what>.json (suite, suite-torch, seed, seed-torch, f16-variants,
# f16-variants-torch, ...); bench/RESULTS.md says how they are filed under bench/results/.
# OUT_DIR/stages.txt says how long each part took, OUT_DIR/gpu.txt names the card.
#
# Switches (environment):
#   F16=0      leaves the f16 kernels and cuBLAS out; F32=1 then times matrix.ts's f32 variants alone.
#   SUITE=0    leaves out einsight's suite and the seed workload (TORCH=0 leaves out torch's suite too).
#   AB=1       the f16 GEMM with a previous build's kernels (dist/base, see bench/suites/ab.ts) and this build's, alternating.
#   TUNE=1     the direct kernel's tile candidates (bench/suites/tune.ts); TUNE_ONLY=matmul,seed: cases whose
#              names contain those; TUNE_TILES=128x64x16,...: those tiles instead of the default candidates.
#   TABLE=1    tuneTiles() as a user runs it (bench/suites/table.ts: the table, and the profile's own pick beside
#              it), with the workgroup layouts among its candidates, then the suite (einsight alone) and the
#              seed workload planned with that table, as a user's gpu({ tileTable }) plans them.
#   LAYOUTS=1  adds the scalar kernel's workgroup layouts (tiles.invocations) to the tile sweep, on every
#              suite case the direct kernel runs (the GEMMs, the seed's contraction, attention, the 4-d
#              contraction), each candidate checked against the planned kernel's output first.
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
begun=$(date +%s)
last=$begun
stage() { now=$(date +%s); echo "$1: $((now - last)) s (at $((now - begun)) s)" >> "$out/stages.txt"; last=$now; }
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null | tee "$out/gpu.txt"
quiet() { grep -v "^ - \|^validation\|^\[Invalid\|^    at \|^out of memory\|vkAllocate"; }
if [ "${F16:-1}" = 1 ]; then
  timeout 300 node dist/bench/suites/matrix.js --json "$out/f16-variants.json" 2>&1 | grep -E "^(ok|FAIL|ij,jk|ijk,ikl|bhqd,bhkd|adapter|subgroups|all|[0-9]+ f16)"
  timeout 40 python3 bench/peers/torch_f16.py "$out/f16-variants-torch.json" 2>&1 | tail -4
  stage "f16 kernels and cuBLAS fp16"
fi
[ "${AB:-0}" = 1 ] && [ -d dist/base ] && timeout 90 node dist/bench/suites/ab.js --json "$out/f16-ab.json" 2>&1 | grep -E "^ab|Error" && stage "A/B"
[ "${SUITE:-1}" = 1 ] && { timeout 180 node dist/bench/run.js --preset full --min-seconds 0.3 --json "$out/suite.json" 2>&1 | quiet; stage "suite"; }
[ "${TORCH:-1}" = 1 ] && { timeout 90 python3 bench/peers/torch_suite.py "$out/suite-torch.json" 2>&1 | tail -12; stage "torch suite"; }
# F32=1 (with F16=0): matrix.ts's f32 variants only (double buffering, sizes read at run time, robustness off)
[ "${F32:-0}" = 1 ] && { timeout 90 node dist/bench/suites/matrix.js --f32 --json "$out/f32-variants.json" 2>&1 | grep -E "^(ij,jk|ijk,ikl|bhqd,bhkd|adapter|FAIL)"; stage "f32 variants"; }
if [ "${SUITE:-1}" = 1 ]; then
  timeout 70 node dist/bench/run.js --suite seed --preset full --min-seconds 0.3 --json "$out/seed.json" 2>&1 | quiet
  timeout 50 python3 bench/peers/torch_seed.py "$out/seed-torch.json" 2>&1 | tail -3
  stage "seed workload"
fi
if [ "${TABLE:-0}" = 1 ]; then
  timeout 150 node dist/bench/suites/table.js --add "$LAYOUT_CANDIDATES" --json "$out/tile-table-timings.json" --out "$out/tile-table.json" 2>&1 | quiet
  stage "tile table"
  if [ -s "$out/tile-table.json" ]; then
    timeout 120 node dist/bench/run.js --preset full --min-seconds 0.3 --tile-table "$out/tile-table.json" --einsight-only --json "$out/suite-tile-table.json" 2>&1 | quiet
    timeout 70 node dist/bench/run.js --suite seed --preset full --min-seconds 0.3 --tile-table "$out/tile-table.json" --json "$out/seed-tile-table.json" 2>&1 | quiet
    stage "suite and seed workload with the table"
  fi
fi
[ "${TUNE:-0}" = 1 ] && { timeout 180 node dist/bench/suites/tune.js --preset full ${TUNE_ONLY:+--only "$TUNE_ONLY"} ${TUNE_TILES:+--tiles "$TUNE_TILES"} --json "$out/tiles.json" 2>&1 | quiet; stage "tile sweep"; }
