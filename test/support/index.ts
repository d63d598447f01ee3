/**
 * What bench/ takes from the tests' helpers, and nothing else: bench/ imports from test/ only
 * through this file, and no file under test/ imports from bench/ (test/codegen/imports.test.ts
 * checks both). Tests import the helpers' own modules beside this one.
 */
export { maxRelativeError, values } from "./data.js";
export { einsumCallsProject } from "./einsum-calls-source.js";
export { OPT_EINSUM_EQUATIONS, shapesFor } from "./opt-einsum-equations.js";
export { oracleEinsum } from "./oracle.js";
export { tfjsOnDevice } from "./tfjs.js";
export { probeCompiled, probeExpected, withTiles, type Probe } from "./variants.js";
export { buildPage, bundlePage, PAGES as WEB_PAGES, webProject, WITH_PLUGIN } from "../packed/web-pages.js";
