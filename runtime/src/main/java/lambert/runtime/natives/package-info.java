/**
 * Native library locations for ONNX Runtime and the tokenizer: a packaged function's own unpacked libraries,
 * checked and given by path ({@code PackagedNatives}), a reusable extraction under the temp directory elsewhere
 * ({@code NativeLibraries}).
 */
package lambert.runtime.natives;
