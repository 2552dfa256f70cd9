/**
 * Reading Hugging Face checkpoints, the first step of {@code lambert convert}: a {@link
 * lambert.onnx.checkpoint.Checkpoint} is a parsed {@link lambert.onnx.checkpoint.ModelConfig}
 * ({@code config.json}) plus float32 {@link lambert.onnx.checkpoint.Tensor}s by name; {@link
 * lambert.onnx.checkpoint.CheckpointReader} finds {@code config.json} and the weights in
 * a folder ({@code model.safetensors}, {@code pytorch_model.bin}, or their sharded indexes) and
 * turns them into a {@link lambert.onnx.checkpoint.Checkpoint} of float32 tensors. Every file is
 * untrusted input: sizes and offsets are checked against the file before anything is allocated,
 * {@code data.pkl} is unpickled with an allowlist of the globals a state dict needs (nothing else
 * is ever constructed, let alone run), and everything refused is a {@link
 * lambert.onnx.checkpoint.CheckpointException} that names the file and tensor. The writers of those
 * formats ({@code SafetensorsWriter}, {@code TorchBinWriter}, {@code PickleWriter}) are test
 * fixtures, in the {@code lambert-onnx} test-jar.
 */
package lambert.onnx.checkpoint;
