/** `import einsight from "einsight/esbuild"`: the einsight plugin for esbuild (plugin/unplugin). */
import { einsightPlugin } from "./index.js";

export default einsightPlugin.esbuild;
export type { EinsightPluginOptions } from "./index.js";
