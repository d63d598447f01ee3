/** Element types: f16 is stored in 2 bytes and multiplied with f32 accumulation (needs `shader-f16`). */
export type Dtype = "f32" | "f16";

export const DTYPE_BYTES: Readonly<Record<Dtype, number>> = { f32: 4, f16: 2 };
