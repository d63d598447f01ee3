/**
 * `gpu()`: one WebGPU device plus what einsight keeps per device: the pipeline cache, the memory
 * accounting behind `stats()` (tests and benchmarks read it to prove no hidden copy happened), and
 * errors raised by the GPU, turned into EinsightError before they can reach the user. Making the
 * device is runtime/device-setup's job, keeping freed buffers runtime/buffer-pool's, and encoding
 * the recorded work runtime/submit's.
 */
import { check, EinsightError } from "../codegen/errors.js";
import type { KernelSpec } from "../codegen/wgsl/kernel.js";
import type { DeviceProfile } from "../codegen/profile.js";
import type { TileTable } from "../codegen/tiles.js";
import { BufferPool } from "./buffer-pool.js";
import { gpuErrorOf } from "./gpu-errors.js";
import { createDevice, givenDevice, retireDevice, type AdapterFacts } from "./device-setup.js";
import { PipelineCache } from "./pipelines.js";
import { Submitter, type Work } from "./submit.js";

import { checkGpuOptions, type GpuOptions, type GpuStats } from "./gpu-options.js";

export type { GpuOptions, GpuStats } from "./gpu-options.js";

const DEFAULT_POOL_BYTES = 4 * 2 ** 30;
const DEFAULT_PIPELINE_CACHE_SIZE = 256;
const DEFAULT_SIZED_PLANS_AFTER = 4;

/** Buffer usage flags, numerically as the WebGPU spec fixes them (Node has no GPUBufferUsage global). */
const Usage = { MAP_READ: 0x1, COPY_SRC: 0x4, COPY_DST: 0x8, STORAGE: 0x80 } as const;
const MAP_MODE_READ = 0x1;

export type BufferRole = "tensor" | "temporary" | "staging";

interface Batch {
  readonly work: Work[];
  readonly freed: Storage[];
}

/**
 * What einsight needs of a buffer another owner made (`fromGpuBuffer`, `fromTfjs`): einsight never
 * pools, resizes or destroys it.
 */
export interface External {
  /** Submits the owner's recorded work, so that einsight's next submit is queued after it. */
  readonly flush?: () => void;
  /** Called once when einsight lets go of the buffer: every view destroyed, or the Gpu. */
  readonly release?: () => void;
  /** Called after einsight queued a write into the buffer (`out`, gradients): the owner's copies are stale. */
  readonly written?: () => void;
}

/** One GPU buffer and its accounting; tensors and their views share one. */
export class Storage {
  destroyed = false;
  /**
   * Set while another library reads this buffer in place (`toTfjs` with zeroCopy): submits that
   * library's recorded work, so that einsight's next write is queued after its reads.
   */
  lentFlush: (() => void) | undefined = undefined;
  constructor(
    readonly gpu: Gpu,
    readonly buffer: GPUBuffer,
    readonly bytes: number,
    /** Mappable read-back buffer: never pooled. */
    readonly staging = false,
    /** Set for a buffer einsight views but does not own. */
    readonly external?: External,
  ) {}
}

export class Gpu {
  /** A short name of the adapter the device came from. */
  readonly adapterName: string;
  readonly limits: GPUSupportedLimits;
  readonly #adapter: AdapterFacts;
  readonly #features: GPUSupportedFeatures;
  readonly #tileTable: TileTable | undefined;
  #profile: DeviceProfile | undefined;
  #device: GPUDevice | undefined;
  readonly #owned: boolean;
  readonly #live = new Set<Storage>();
  readonly #pipelines: PipelineCache;
  #empty: Storage | undefined;
  /** Reads not yet settled: `destroy()` marks them handled, so one never awaited cannot crash the process. */
  readonly #reads = new Set<Promise<unknown>>();
  /** Encodes and submits recorded work; holds the params buffer. */
  readonly #submitter = new Submitter();
  /** Freed storage buffers kept for reuse. */
  readonly #pool: BufferPool;
  /**
   * Work recorded by `batch()`, submitted together. Buffers freed meanwhile are pooled or destroyed
   * only after the submit: recorded work may still use them, and a buffer reused inside the batch
   * could be overwritten by an upload (queue.writeBuffer) that runs before the recorded work.
   */
  #batch: Batch | undefined;
  #gpuError: EinsightError | undefined;
  /** Why the device was lost, where it was lost other than by `destroy()`. */
  #lost: string | undefined;
  #allocated = 0;
  #wrapped = 0;
  #bytesRead = 0;
  #peak = 0;
  #temporary = 0;
  #plans = 0;
  #dispatches = 0;

  /** `GpuOptions.sizedPlansAfter`. */
  readonly sizedPlansAfter: number;

  /** @internal Use `gpu()`. */
  constructor(
    device: GPUDevice,
    adapterName: string,
    owned: boolean,
    adapter: AdapterFacts = { info: undefined, wgslFeatures: new Set() },
    options: Pick<GpuOptions, "poolBytes" | "pipelineCacheSize" | "sizedPlansAfter" | "tileTable"> = {},
  ) {
    this.#adapter = adapter;
    this.#features = device.features;
    this.#tileTable = options.tileTable;
    const {
      poolBytes = DEFAULT_POOL_BYTES,
      pipelineCacheSize = DEFAULT_PIPELINE_CACHE_SIZE,
      sizedPlansAfter = DEFAULT_SIZED_PLANS_AFTER,
    } = options;
    this.sizedPlansAfter = sizedPlansAfter;
    this.#pool = new BufferPool(poolBytes);
    this.#pipelines = new PipelineCache(pipelineCacheSize);
    this.#device = device;
    this.#owned = owned;
    this.adapterName = adapterName;
    this.limits = device.limits;
    void device.lost.then((info) => {
      // Lost while still ours: a driver reset, or a device passed in and destroyed by its owner.
      if (this.#device !== undefined) this.#lost = info.message || `reason: ${info.reason}`;
    });
  }

  /** The WebGPU device; throws once `destroy()` was called or the device was lost. */
  get device(): GPUDevice {
    if (this.#device === undefined)
      throw new EinsightError("destroyedDevice", "This einsight GPU was destroyed; create a new one with gpu().");
    if (this.#lost !== undefined)
      throw new EinsightError(
        "deviceLost",
        `The GPU device was lost (${this.#lost}); its tensors are gone. Create a new one with gpu() and ` +
          `upload the data again.`,
      );
    return this.#device;
  }

  /**
   * What the planner assumes about this device (codegen/profile): read from the adapter, with
   * `gpu({ tileTable })`'s table. The planner's: einsight/runtime alone has none.
   */
  get profile(): DeviceProfile {
    if (this.#profile !== undefined) return this.#profile;
    check(
      planning !== undefined,
      "plannerMissing",
      () =>
        "g.profile is what the planner plans for, and this program imports einsight/runtime, which has " +
        'none (the build\'s plans carry their profile); import "einsight/jit", or import from "einsight".',
    );
    const [profile, table] = [planning.profile(this.#features, this.#adapter), this.#tileTable];
    return (this.#profile = table === undefined ? profile : { ...profile, tileTable: table });
  }

  get destroyed(): boolean {
    return this.#device === undefined;
  }

  stats(): GpuStats {
    return {
      allocatedBytes: this.#allocated,
      peakBytes: this.#peak,
      temporaryBytes: this.#temporary,
      plansMade: this.#plans,
      pipelinesCompiled: this.#pipelines.compiled,
      pipelinesEvicted: this.#pipelines.evicted,
      pipelinesCached: this.#pipelines.size,
      dispatches: this.#dispatches,
      pooledBytes: this.#pool.bytes,
      wrappedBytes: this.#wrapped,
      bytesRead: this.#bytesRead,
    };
  }

  /** Zeroes the counters and starts the peak again from the bytes allocated now. */
  resetStats(): void {
    this.#peak = this.#allocated;
    this.#temporary = 0;
    this.#pipelines.compiled = 0;
    this.#pipelines.evicted = 0;
    this.#plans = 0;
    this.#dispatches = 0;
    this.#bytesRead = 0;
  }

  /**
   * Frees every buffer einsight made on this device and, if einsight created it, the device. Work
   * already queued is dropped; reads still pending reject with `destroyedDevice`.
   */
  destroy(): void {
    if (this.#device === undefined) return;
    for (const read of this.#reads) read.catch(() => undefined);
    for (const s of this.#live) this.free(s);
    this.trim();
    this.#pipelines.clear();
    this.#empty?.buffer.destroy();
    this.#submitter.destroy();
    if (this.#owned) retireDevice(this.#device);
    this.#device = undefined;
  }

  /**
   * What a kernel binds for an empty operand, which it never reads: 16 bytes, so that a kernel that
   * would read 16 bytes at a time (a sum over a size of 0) binds it too. Made once, not counted.
   */
  emptyStorage(): Storage {
    return (this.#empty ??= new Storage(
      this,
      this.device.createBuffer({ size: 16, usage: Usage.STORAGE, label: "einsight empty operand" }),
      16,
    ));
  }

  /** `using g = await gpu()` destroys it at the end of the scope. */
  [Symbol.dispose](): void {
    this.destroy();
  }

  /**
   * @internal A storage over a buffer einsight did not make (checked by the caller): counted in
   * `wrappedBytes`, never pooled or destroyed; `external.release` runs when einsight lets go.
   */
  wrap(buffer: GPUBuffer, external: External): Storage {
    void this.device;
    const storage = new Storage(this, buffer, buffer.size, false, external);
    this.#live.add(storage);
    this.#wrapped += storage.bytes;
    return storage;
  }

  /**
   * A buffer of at least `bytes` bytes (WebGPU buffers are whole 4-byte words): a pooled one of
   * the same size if one waits (its old contents remain unless `zeroed`), else a new one (zeros).
   */
  allocate(bytes: number, role: BufferRole = "tensor", zeroed = false): Storage {
    const size = Math.max(4, Math.ceil(bytes / 4) * 4);
    const device = this.device;
    const limit = this.limits.maxBufferSize;
    check(
      size <= limit,
      "bufferTooLarge",
      () =>
        `A ${role} buffer of ${bytes} bytes is more than this adapter's maxBufferSize of ${limit} bytes ` +
        `(${this.adapterName}); use smaller tensors, or split the work into smaller einsums.`,
    );
    const usage =
      role === "staging" ? Usage.MAP_READ | Usage.COPY_DST : Usage.STORAGE | Usage.COPY_SRC | Usage.COPY_DST;
    const pooled = role === "staging" ? undefined : this.#pool.take(size);
    let buffer: GPUBuffer;
    if (pooled !== undefined) {
      buffer = pooled;
      // queued: after the work that used the buffer before
      if (zeroed) this.batch(() => this.#record({ clear: buffer }));
    } else {
      buffer = device.createBuffer({ size, usage, label: `einsight ${role}` });
    }
    const storage = new Storage(this, buffer, size, role === "staging");
    this.#live.add(storage);
    this.#allocated += size;
    this.#peak = Math.max(this.#peak, this.#allocated);
    if (role === "temporary") this.#temporary += size;
    return storage;
  }

  /**
   * Gives a buffer back: into the pool, or destroyed when it is staging, larger than the pool, or
   * the pool is off. Work already queued on it still runs first: the queue keeps its order.
   */
  free(storage: Storage): void {
    if (storage.destroyed) return;
    storage.destroyed = true;
    this.#live.delete(storage);
    if (storage.external !== undefined) this.#wrapped -= storage.bytes;
    else this.#allocated -= storage.bytes;
    if (this.#batch !== undefined) this.#batch.freed.push(storage);
    else this.#recycle(storage);
  }

  /** Staging buffers, and any buffer once the device is destroyed, are destroyed; the others go to the pool. */
  #recycle(storage: Storage): void {
    if (storage.external !== undefined) storage.external.release?.();
    else if (storage.staging || this.#device === undefined) storage.buffer.destroy();
    else this.#pool.put(storage.buffer, storage.bytes);
  }

  /** Destroys every pooled buffer (the pool refills as tensors are freed). */
  trim(): void {
    this.#pool.trim();
  }

  /**
   * Queues one dispatch of `kernel`: `bindings` go to group 0 in order, then `params` (u32 words)
   * as a uniform buffer. Params are kernel arguments, not data: their few bytes are not counted.
   * Inside `batch()` the dispatch is recorded and submitted with the rest.
   */
  dispatch(kernel: KernelSpec, bindings: readonly GPUBufferBinding[], params: readonly number[]): void {
    if (this.#batch === undefined) return this.batch(() => this.dispatch(kernel, bindings, params));
    // compiled (or found) now, so a bad kernel fails where it is dispatched, and looked up once
    this.#record({ kernel, pipeline: this.#pipelines.get(this.device, kernel.code), bindings, params });
    this.#dispatches += 1;
  }

  /**
   * Runs `record`, collecting every dispatch and clear it queues into one command buffer and one
   * submit (one compute pass, one uniform buffer): an einsum of several kernels costs one submit.
   * Dispatches in a pass run in order, each seeing the previous one's writes.
   */
  batch<T>(record: () => T): T {
    if (this.#batch !== undefined) return record();
    const batch: Batch = (this.#batch = { work: [], freed: [] });
    try {
      return this.scoped(() => {
        const result = record();
        this.#submit(batch.work);
        return result;
      });
    } finally {
      this.#batch = undefined;
      batch.freed.forEach((s) => this.#recycle(s));
    }
  }

  /**
   * @internal Runs `run`, which calls the device, inside a validation error scope: an error the
   * GPU reports for it is this Gpu's, raised by its next call or read. (No device-wide listener:
   * other libraries on a shared device, and other Gpus on it, keep their errors.)
   */
  scoped<T>(run: () => T): T {
    const device = this.device;
    device.pushErrorScope("validation");
    try {
      return run();
    } finally {
      device.popErrorScope().then(
        (error) => {
          if (error !== null && this.#device !== undefined) this.#gpuError ??= gpuErrorOf(error.message);
        },
        () => undefined, // the device went away: its loss is reported as such
      );
    }
  }

  #record(work: Work): void {
    if (this.#batch !== undefined) this.#batch.work.push(work);
    else this.#submit([work]);
  }

  /** Nothing to submit asks nothing of the device (which may be gone). */
  #submit(work: readonly Work[]): void {
    if (work.length > 0) this.#submitter.submit(this.device, work);
  }

  /**
   * @internal Holds a read's promise until it settles, so that `destroy()` can mark it handled: a
   * read the program never awaits cannot end the process with an unhandled rejection.
   */
  trackRead<T>(read: Promise<T>): Promise<T> {
    this.#reads.add(read);
    const settled = () => void this.#reads.delete(read);
    read.then(settled, settled);
    return read;
  }

  /** @internal Counts a plan made just in time (einsum's cache miss). */
  notePlanMade(): void {
    this.#plans += 1;
  }

  /**
   * Copies `size` bytes at byte `offset` of `storage` back to the CPU, after all queued work.
   * Rejects with `destroyedDevice` where `destroy()` comes first.
   */
  async readBytes(storage: Storage, offset: number, size: number): Promise<ArrayBuffer> {
    const device = this.device;
    const staging = this.allocate(size, "staging");
    try {
      this.scoped(() => {
        const encoder = device.createCommandEncoder();
        encoder.copyBufferToBuffer(storage.buffer, offset, staging.buffer, 0, staging.bytes);
        device.queue.submit([encoder.finish()]);
      });
      try {
        await staging.buffer.mapAsync(MAP_MODE_READ);
      } catch (cause) {
        void this.device; // destroyed meanwhile: destroyedDevice
        this.throwGpuError();
        throw new EinsightError("gpuError", `Reading a tensor back from the GPU failed: ${String(cause)}`, { cause });
      }
      void this.device; // destroyed while the map was settling: destroyedDevice, not WebGPU's error
      this.throwGpuError();
      this.#bytesRead += size;
      return staging.buffer.getMappedRange().slice(0, size);
    } finally {
      this.free(staging);
    }
  }

  /** Rethrows, once, an error the GPU reported since the last call. */
  throwGpuError(): void {
    const error = this.#gpuError;
    this.#gpuError = undefined;
    if (error !== undefined) throw error;
  }
}

/** What the planner gives a Gpu: the device profile it plans for (`g.profile`), and `gpu({ tileTable })`'s check. */
export interface DevicePlanning {
  readonly profile: (features: GPUSupportedFeatures, adapter: AdapterFacts) => DeviceProfile;
  readonly checkTileTable: (table: TileTable) => void;
}

let planning: DevicePlanning | undefined;

/** Installs what the planner gives a Gpu (runtime/jit, with the planner). */
export function usePlanning(p: DevicePlanning): void {
  planning = p;
}

/** A GPU for einsight: the device you pass, or one from the best adapter found (see runtime/adapter). */
export async function gpu(options: GpuOptions = {}): Promise<Gpu> {
  checkGpuOptions(options);
  const table = options.tileTable;
  if (table !== undefined) {
    // tiles are the planner's to choose: the build's plans carry theirs
    check(
      planning !== undefined,
      "plannerMissing",
      () =>
        "gpu(): a tileTable guides the planner, and this program imports einsight/runtime, which has none " +
        '(the build\'s plans carry their tiles: give the table to the bundler plugin instead); import "einsight/jit" ' +
        'to plan with it, or import from "einsight".',
    );
    planning.checkTileTable(table);
  }
  const owned = options.device === undefined;
  const { device, adapterName, adapter } = owned ? await createDevice(options) : givenDevice(options.device);
  return new Gpu(device, adapterName, owned, adapter, options);
}
