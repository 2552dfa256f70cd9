/**
 * Int8 quantisation of ONNX graphs as a Java rewrite: MatMul weights (dynamic, with activations quantised per
 * tensor, or blockwise with ONNX Runtime's {@code MatMulNBits}, whose activations are quantised per row so that
 * batching changes no answer) and the word-embedding table.
 */
package lambert.onnx.quantize;
