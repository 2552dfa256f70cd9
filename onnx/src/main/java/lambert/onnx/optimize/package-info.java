/** Offline graph optimisation with ONNX Runtime, at levels whose output is portable across CPUs. */
package lambert.onnx.optimize;
