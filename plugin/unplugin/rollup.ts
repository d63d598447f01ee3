/** `import einsight from "einsight/rollup"`: the einsight plugin for rollup (plugin/unplugin). */
import { einsightPlugin } from "./index.js";

export default einsightPlugin.rollup;
export type { EinsightPluginOptions } from "./index.js";
