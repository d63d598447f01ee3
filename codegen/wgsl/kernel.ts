/** What the runtime needs to run one generated compute shader. */
export interface KernelSpec {
  /** WGSL source with a `main` compute entry point; also the pipeline cache key. */
  readonly code: string;
  /** Workgroups to dispatch in x and y. */
  readonly workgroups: readonly [number, number];
  /** Bytes of workgroup memory the kernel declares (checked against the device's limit before it runs). */
  readonly workgroupBytes?: number;
}

/**
 * A 2-D grid of at least `count` workgroups whose sides fit the adapter's per-dimension limit
 * (65535 by default), for kernels that flatten (x, y) back into one index.
 */
export function dispatchGrid(count: number, maxPerDimension: number): [number, number] {
  const x = Math.max(1, Math.min(count, maxPerDimension));
  return [x, Math.ceil(count / x)];
}
