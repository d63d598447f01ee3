/**
 * Every test file's modules as Node's `node` entry sets them up (runtime/index.node): the planner
 * and Node's adapter finder installed, whichever runtime module a test imports.
 */
import "../runtime/index.node.js";
