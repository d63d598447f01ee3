/** Data for benchmarks and tests: deterministic values, and how far a result is from a reference. */

export { maxRelativeError, values } from "../../codegen/reference.js";
