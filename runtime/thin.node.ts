/** einsight/runtime under Node's `node` condition: runtime/thin, finding its GPU through the webgpu package. */
import "./use-node-adapter.js";

export * from "./thin.js";
