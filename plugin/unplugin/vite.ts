/** `import einsight from "einsight/vite"`: the einsight plugin for vite (plugin/unplugin). */
import { einsightPlugin } from "./index.js";

export default einsightPlugin.vite;
export type { EinsightPluginOptions } from "./index.js";
