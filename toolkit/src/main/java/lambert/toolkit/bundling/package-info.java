/**
 * {@code lambert convert}: a Hugging Face checkpoint folder to a complete lambert bundle. The
 * tokenizer is taken as it is or built from {@code vocab.txt}; the manifest is composed from
 * {@code config.json} and the sentence-transformers files; the written ONNX model is compared
 * with the architecture's plain-Java reference forward pass before the bundle is moved into place.
 */
package lambert.toolkit.bundling;
