/** What `gpu()` takes (and its checks of the numbers), and what `g.stats()` reports. */
import { check } from "../codegen/errors.js";
import type { TileTable } from "../codegen/tiles.js";
import type { DeviceRequest } from "./device-setup.js";

export interface GpuOptions extends DeviceRequest {
  /** Use this device instead of requesting one (it stays yours: `destroy()` leaves it alive). */
  readonly device?: GPUDevice;
  /**
   * Features to request when einsight creates the device (those the adapter lacks are skipped).
   * Default: `shader-f16` (f16 tensors), `subgroups` and `chromium-experimental-subgroup-matrix`
   * (tensor cores for f16 einsums), where the adapter has them.
   */
  readonly features?: readonly GPUFeatureName[];
  /**
   * Bytes of freed buffers kept for reuse (default 4 GiB; 0 turns the pool off). Creating a large
   * buffer costs far more than the kernel that fills it (about 60 ms for 1 GiB on an H200), so
   * einsum outputs and temporaries come from here when a freed buffer of the same size waits.
   */
  readonly poolBytes?: number;
  /**
   * Tile shapes measured on this device by `tuneTiles()` (a stored copy of its result): plans
   * made just in time take the fastest measured tiles for each step's sizes instead of the
   * profile's rule. Build-time plans keep the tiles they were built with.
   */
  readonly tileTable?: TileTable;
  /**
   * Compute pipelines kept compiled (default 256), least recently used evicted first; an evicted
   * kernel is compiled again when it comes back (`stats().pipelinesEvicted` counts them).
   */
  readonly pipelineCacheSize?: number;
  /**
   * After one einsum layout (equation, ranks, which strides are 0 or 1, options) has been planned
   * for this many sets of sizes, plan it once more with its sizes read at run time, and let every
   * later size it fits share those kernels (default 4; `Infinity`: always plan and compile per
   * size, the fastest kernels for a program that meets few sizes).
   */
  readonly sizedPlansAfter?: number;
}

export interface GpuStats {
  /** Bytes of GPU buffers einsight holds now: tensors, temporaries and read-back staging. */
  readonly allocatedBytes: number;
  /** The most `allocatedBytes` has been since the device was made or `resetStats()` was called. */
  readonly peakBytes: number;
  /** Bytes of temporary buffers allocated (summed over all of them) since the last reset. */
  readonly temporaryBytes: number;
  /** Einsum plans made just in time (plan cache misses without a build-time plan) since the last reset. */
  readonly plansMade: number;
  /** Compute pipelines compiled (cache misses) since the last reset. */
  readonly pipelinesCompiled: number;
  /** Pipelines dropped from the cache (least recently used, past `pipelineCacheSize`) since the last reset. */
  readonly pipelinesEvicted: number;
  /** Pipelines held compiled now. */
  readonly pipelinesCached: number;
  /** Compute dispatches issued since the last reset. */
  readonly dispatches: number;
  /**
   * Bytes of freed buffers the pool keeps for reuse (not in `allocatedBytes`, as torch's reserved memory is not in
   * its allocated).
   */
  readonly pooledBytes: number;
  /** Bytes of GPU buffers einsight views but does not own (`fromGpuBuffer`, `fromTfjs`): not in `allocatedBytes`. */
  readonly wrappedBytes: number;
  /** Bytes copied back to the CPU by `read()` since the last reset. */
  readonly bytesRead: number;
}

/** The numeric options checked (the tile table is the planner's to check). */
export function checkGpuOptions(options: GpuOptions): void {
  const pool = options.poolBytes;
  check(
    pool === undefined || (typeof pool === "number" && pool >= 0),
    "invalidOption",
    () => `gpu(): poolBytes must be a non-negative number of bytes, got ${String(pool)}.`,
  );
  const pipelines = options.pipelineCacheSize;
  check(
    pipelines === undefined || (Number.isSafeInteger(pipelines) && pipelines >= 1),
    "invalidOption",
    () => `gpu(): pipelineCacheSize must be a whole number of pipelines, at least 1, got ${String(pipelines)}.`,
  );
  const after = options.sizedPlansAfter;
  check(
    after === undefined ||
      (typeof after === "number" && after >= 1 && (Number.isSafeInteger(after) || after === Infinity)),
    "invalidOption",
    () => `gpu(): sizedPlansAfter must be a whole number, at least 1, or Infinity, got ${String(after)}.`,
  );
}
