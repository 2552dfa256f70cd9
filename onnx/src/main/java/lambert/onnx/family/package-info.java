/**
 * Model families (the {@code model_type} of a Hugging Face {@code config.json}; not the CPU
 * architecture of a package): BERT (with TinyBERT, MiniLM, bge and e5),
 * RoBERTa, DistilBERT and MobileBERT, each as an ONNX graph in standard operators (opset 13 to
 * 21, 17 by default; dynamic {@code batch} and {@code sequence}) and as an independent plain-Java
 * reference forward pass over the same checkpoint. A {@link lambert.onnx.family.ModelFamily}
 * builds both; {@link lambert.onnx.family.ModelFamilies} picks the family from {@code model_type} and the
 * head ({@link lambert.onnx.family.Head}) from {@code architectures}.
 */
package lambert.onnx.family;
