/** `import einsight from "einsight/webpack"`: the einsight plugin for webpack (plugin/unplugin). */
import { einsightPlugin } from "./index.js";

export default einsightPlugin.webpack;
export type { EinsightPluginOptions } from "./index.js";
