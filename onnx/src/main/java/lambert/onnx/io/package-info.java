/** Reading and writing ONNX model files, faithfully and atomically. */
package lambert.onnx.io;
