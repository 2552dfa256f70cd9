/**
 * ONNX Runtime sessions: created from the model's path with a configurable thread count, spinning
 * and optimisation level, fed with padded token batches in direct buffers, every native object
 * closed after use.
 */
package lambert.runtime.session;
