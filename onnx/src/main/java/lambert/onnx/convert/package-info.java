/**
 * Hugging Face checkpoints to ONNX: the values shared by the steps of {@code lambert convert}. A
 * {@link lambert.onnx.convert.Checkpoint} is a parsed {@code config.json} plus the weights as
 * float32 {@link lambert.onnx.convert.Tensor}s under their checkpoint names; an
 * {@link lambert.onnx.convert.Architecture} turns one into an ONNX graph and into a plain-Java
 * {@link lambert.onnx.convert.ReferenceModel} that serves as the original model in the equality
 * check. Checkpoints are untrusted input: every reader refuses what it cannot account for with a
 * {@link lambert.onnx.convert.ConvertException} naming the file, field or tensor.
 */
package lambert.onnx.convert;
