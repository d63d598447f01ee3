/** The tests' oracle: the CPU reference einsum (codegen/reference), which the playground shows too. */
export * from "../../codegen/reference.js";
