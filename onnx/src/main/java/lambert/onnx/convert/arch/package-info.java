/**
 * The model families of {@code lambert convert}: BERT (with TinyBERT, MiniLM, bge and e5),
 * RoBERTa, DistilBERT and MobileBERT, each as an ONNX graph in standard operators (opset 13 to
 * 21, 17 by default; dynamic {@code batch} and {@code sequence}) and as an independent plain-Java
 * reference forward pass over the same checkpoint.
 * {@link lambert.onnx.convert.arch.Architectures} picks the family from {@code model_type} and the
 * head from {@code architectures}; {@link lambert.onnx.convert.arch.TinyCheckpoints} makes small
 * seeded checkpoints of every family for tests.
 */
package lambert.onnx.convert.arch;
