import type { TileTable, WorkgroupLayout } from "./tiles.js";

/**
 * Device profiles: the few numbers the cost model needs about a GPU. A plan is deterministic for
 * the same input and profile. The figures are estimates to rank strategies, not promises; the
 * benchmark suite measures the real ones (bench/RESULTS.md).
 */

export interface DeviceProfile {
  readonly name: string;
  /** Sustained fp32 FLOP/s of a well-tiled kernel. */
  readonly flopsPerSecond: number;
  /** Global memory bandwidth, bytes per second. */
  readonly bytesPerSecond: number;
  /** Fixed cost of one dispatch, seconds. */
  readonly launchSeconds: number;
  /** Workgroups of 256 invocations the device runs at once (compute units x occupancy). */
  readonly parallelWorkgroups: number;
  /** The fraction of `flopsPerSecond` the loop kernel (no tiles, no reuse) reaches. */
  readonly loopEfficiency: number;
  /** Largest output tile side of the direct kernel (64 or 128): 128 needs 8 x 8 accumulators per invocation. */
  readonly maxTile: number;
  /** Largest output tile (tm x tn) of the scalar tiled kernels, where less than maxTile squared: n is halved first. */
  readonly maxTileArea?: number;
  /**
   * f16 FLOP/s (f32 accumulation) on subgroup matrices (tensor cores), where the device has them:
   * the kernel that stages both operands with 16-byte loads (the others reach less: codegen/cost).
   */
  readonly matrixFlopsPerSecond?: number;
  /**
   * The subgroup-matrix shape (f16 inputs, f32 results) the device offers to WGSL, filled in by the
   * runtime from the adapter when it has `chromium-experimental-subgroup-matrix` and 32-wide
   * subgroups; absent, f16 steps run the scalar tiled kernels.
   */
  readonly subgroupMatrix?: SubgroupMatrixShape;
  /**
   * Whether the scalar tiled kernels stage their slabs in two workgroup buffers (one barrier a
   * slab), where the two take at most 16.5 KiB: 128 x 128 x 8 tiles (16.5 KiB, over WebGPU's
   * default 16 KiB limit, so only profiles of devices with more).
   */
  readonly doubleBuffer?: boolean;
  /**
   * Tile shapes measured on this device (runtime `tuneTiles()`, given to `gpu({ tileTable })`):
   * the scalar tiled kernels take the entry nearest to each step's sizes instead of the rule
   * above (codegen/tiles).
   */
  readonly tileTable?: TileTable;
  /**
   * The scalar tiled kernels' workgroup layout (say 8 x 16 invocations with 8 x 8 outputs each on
   * 128 x 64 tiles), where a step's tiles divide among it (and `maxSlabLoads` allows); 16 x 16
   * otherwise. Of the built-in profiles only `swiftshader` names one: no GPU has timed them yet
   * (bench/RESULTS.md).
   */
  readonly invocations?: WorkgroupLayout;
  /**
   * The most slab elements one invocation of the scalar tiled kernel may load a slab under that
   * layout: slabs are made shallower (where not forced) to keep within it, and a layout that
   * cannot is not used. SwiftShader compiles the unrolled loads in seconds up to 16 and in
   * minutes beyond (24 took 24 s); GPUs' compilers take any. Unset: no limit.
   */
  readonly maxSlabLoads?: number;
  /**
   * Invocations from which a loop kernel's outputs keep this device busy on their own: below it,
   * long sums are shared among lanes that meet in workgroup memory (codegen/reduction). Default
   * 2^16; SwiftShader's barriers cost more than lanes gain there (its 2 cores are busy with few).
   */
  readonly busyInvocations?: number;
  /**
   * How the staged subgroup-matrix kernel holds its slabs: one shared pair (default), one part per
   * row and column of subgroups (`per-subgroup`: constant matrix-load offsets), or `views`: 16-byte
   * stores through WGSL buffer views, only where `bufferViews` is true. No built-in profile names
   * one until a GPU has timed them (bench/RESULTS.md).
   */
  readonly matrixSlabs?: "per-subgroup" | "views";
  /**
   * Whether the device's WGSL has the `buffer_view` language feature; filled in by the runtime from
   * `wgslLanguageFeatures`.
   */
  readonly bufferViews?: boolean;
}

/** One subgroup matrix multiply: an M x K left times a K x N right. */
export interface SubgroupMatrixShape {
  readonly m: number;
  readonly n: number;
  readonly k: number;
}

export const PROFILES = {
  /**
   * An H100-class GPU through Dawn: 132 SMs. Measured on an H200 (bench/results/h200/h200-2026-11-26-tiles-gemms.json):
   * fp32 128 x 64 x 16 tiles 38.8 TFLOP/s on the 4096^3 GEMM, 39.8 on the seed's
   * contraction, against 128 x 128 x 8 (double-buffered) 31.4 and 36.0 (cuBLAS 51.2); f16 on
   * subgroup matrices 110.5 TFLOP/s at 8192^3 (h200-2026-11-26-f16-variants-padded-slabs-f32-128x128x8.json).
   */
  "nvidia-h100": {
    name: "nvidia-h100",
    flopsPerSecond: 38e12,
    bytesPerSecond: 3.0e12,
    launchSeconds: 8e-6,
    parallelWorkgroups: 264,
    loopEfficiency: 0.1,
    maxTile: 128,
    maxTileArea: 128 * 64,
    matrixFlopsPerSecond: 110e12,
    doubleBuffer: true,
  },
  /** A mid-range discrete or integrated GPU; the default when the adapter is not recognized. */
  generic: {
    name: "generic",
    flopsPerSecond: 4e12,
    bytesPerSecond: 400e9,
    launchSeconds: 10e-6,
    parallelWorkgroups: 64,
    loopEfficiency: 0.1,
    maxTile: 64,
  },
  /**
   * SwiftShader, Vulkan on the CPU (a 2-core machine here). 64 invocations with 8 x 8 outputs each
   * run its tiled kernels 2-4x faster than 256 with 4 x 4 (64 x 64 x 8 tiles: 39 against 78 ms at
   * 256^3, and every tiled case of the small suite), on 8-deep slabs, which keep an invocation's
   * loads within what it compiles quickly. Calibrated by the small benchmark preset: direct about
   * 1.2 GFLOP/s on the GEMMs, the loop kernel a fifth of that with serial sums (its pairwise sums
   * run about 1.3x slower than that estimate: bench/RESULTS.md). Lanes share a loop kernel's sums
   * only for fewer than 256 outputs: its barriers cost more than its 2 cores gain.
   */
  swiftshader: {
    name: "swiftshader",
    flopsPerSecond: 1.2e9,
    bytesPerSecond: 4e9,
    launchSeconds: 50e-6,
    parallelWorkgroups: 2,
    loopEfficiency: 0.21,
    maxTile: 64,
    invocations: { x: 8, y: 8 },
    maxSlabLoads: 16,
    busyInvocations: 256,
  },
} as const satisfies Record<string, DeviceProfile>;

export type ProfileName = keyof typeof PROFILES;

/** The profile for an adapter, from what `GPUAdapterInfo` says about it. */
export function profileForAdapter(info: {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
}): DeviceProfile {
  const text = `${info.vendor} ${info.architecture} ${info.device} ${info.description}`.toLowerCase();
  if (text.includes("swiftshader")) return PROFILES.swiftshader;
  if (text.includes("h100") || text.includes("h200") || text.includes("hopper")) return PROFILES["nvidia-h100"];
  return PROFILES.generic;
}
