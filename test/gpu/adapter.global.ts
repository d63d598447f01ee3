/** vitest global setup: every GPU test runs on a real adapter, so find one first and say which. */
import { gpu } from "../../runtime/index.node.js";

export default async function setup(): Promise<void> {
  const g = await gpu(); // throws EinsightError('noAdapter') with how to get one
  console.log(`\nWebGPU adapter for the GPU tests: ${g.adapterName}\n`);
  g.destroy();
}
