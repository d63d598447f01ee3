/** What the runtime needs to run one generated compute shader. */
export interface KernelSpec {
  /** WGSL source with a `main` compute entry point; also the pipeline cache key. */
  readonly code: string;
  /** Workgroups to dispatch in x and y. */
  readonly workgroups: readonly [number, number];
  /** Bytes of workgroup memory the kernel declares (checked against the device's limit before it runs). */
  readonly workgroupBytes?: number;
  /**
   * Kernels compiled before some sizes were known: what the runtime writes into `params` after the
   * buffer offsets, in order (see `launchArguments`).
   */
  readonly runtimeParams?: readonly ParamRef[];
  /**
   * Where the number of workgroups depends on such sizes: the product over the factors of
   * ceil(product of the labels' sizes / per); `workgroups` is then [0, 0] and the runtime lays the
   * count out as `dispatchGrid` does, writing the grid's x side into the `grid` param.
   */
  readonly runtimeDispatch?: readonly DispatchFactor[];
}

/**
 * A value a kernel reads from `params`: a label's size, the stride along a label of the buffer at
 * binding `stride` ("out": the output), or the dispatch grid's x side times `grid`.
 */
export type ParamRef =
  { readonly size: string } | { readonly stride: number | "out"; readonly label: string } | { readonly grid: number };

export interface DispatchFactor {
  readonly labels: readonly string[];
  readonly per: number;
}

/**
 * A 2-D grid of at least `count` workgroups whose sides fit the adapter's per-dimension limit
 * (65535 by default), for kernels that flatten (x, y) back into one index.
 */
export function dispatchGrid(count: number, maxPerDimension: number): [number, number] {
  const x = Math.max(1, Math.min(count, maxPerDimension));
  return [x, Math.ceil(count / x)];
}
