/* global TextEncoder */
// A minimal ONNX model writer (protobuf by hand, no download, no dependency): a graph of one
// MatMul node, A [m, k] x B [k, n] -> C [m, n], float32, opset 17. Field numbers are onnx.proto's.
const varint = (n) => {
  const out = [];
  do {
    let byte = n & 0x7f;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    out.push(byte);
  } while (n > 0);
  return out;
};
const field = (number, wire) => varint(number * 8 + wire);
const message = (number, data) => [...field(number, 2), ...varint(data.length), ...data];
const string = (number, text) => message(number, [...new TextEncoder().encode(text)]);
const integer = (number, value) => [...field(number, 0), ...varint(value)];
const FLOAT = 1;

/** ValueInfoProto { name, type: TypeProto { tensor_type: { elem_type, shape: { dim: [{ dim_value }] } } } } */
const valueInfo = (number, name, dims) =>
  message(number, [
    ...string(1, name),
    ...message(
      2,
      message(1, [
        ...integer(1, FLOAT),
        ...message(
          2,
          dims.flatMap((d) => message(1, integer(1, d))),
        ),
      ]),
    ),
  ]);

export function matMulModel(m, k, n) {
  const node = message(1, [...string(1, "A"), ...string(1, "B"), ...string(2, "C"), ...string(4, "MatMul")]);
  const graph = [...node, ...string(2, "matmul"), ...valueInfo(11, "A", [m, k]), ...valueInfo(11, "B", [k, n])];
  const model = [
    ...integer(1, 8), // ir_version
    ...message(8, [...string(1, ""), ...integer(2, 17)]), // opset_import
    ...message(7, [...graph, ...valueInfo(12, "C", [m, n])]), // graph
  ];
  return new Uint8Array(model);
}
