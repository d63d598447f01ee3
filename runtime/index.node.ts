/** einsight under Node's `node` condition: runtime/index, finding its GPU through the webgpu package. */
import "./use-node-adapter.js";

export * from "./index.js";
