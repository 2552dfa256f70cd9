/** Dynamic int8 quantisation of ONNX graphs: MatMul weights and the word-embedding table. */
package lambert.onnx.quantize;
