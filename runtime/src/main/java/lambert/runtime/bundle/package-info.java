/**
 * Model bundles: the folder with the ONNX model, {@code tokenizer.json} and the {@code lambert.json}
 * manifest (task, labels, maximum length, pooling, input and output names, hashes), or a Hugging
 * Face-style folder from which the manifest is inferred. Every problem is reported with the file
 * or field it concerns and what was expected.
 */
package lambert.runtime.bundle;
