/** Building ONNX graphs in code: inputs, outputs, initializers and nodes. */
package lambert.onnx.graph;
