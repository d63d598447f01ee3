/**
 * A 2-D grid of at least `count` workgroups whose sides fit the adapter's per-dimension limit
 * (65535 by default), for kernels that flatten (x, y) back into one index.
 */
export function dispatchGrid(count, maxPerDimension) {
    const x = Math.max(1, Math.min(count, maxPerDimension));
    return [x, Math.ceil(count / x)];
}
