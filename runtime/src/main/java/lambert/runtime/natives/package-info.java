/**
 * Native library locations for ONNX Runtime and the tokenizer: given paths in a packaged function,
 * a reusable extraction under the temp directory elsewhere.
 */
package lambert.runtime.natives;
