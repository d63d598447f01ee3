/** One real GPU per test file, destroyed after the file's tests. */
import { afterAll, beforeAll } from "vitest";
import { gpu, type Gpu } from "../../runtime/device.js";

export function useGpu(): () => Gpu {
  let g: Gpu | undefined;
  beforeAll(async () => {
    g = await gpu();
  });
  afterAll(() => g?.destroy());
  return () => {
    if (g === undefined) throw new Error("useGpu(): the GPU is made in beforeAll; call the getter inside a test.");
    return g;
  };
}
