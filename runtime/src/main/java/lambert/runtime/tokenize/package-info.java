/**
 * Tokenization of a bundle's {@code tokenizer.json}: in pure Java for BERT-family WordPiece tokenizers
 * ({@code WordPieceTokenizer}), otherwise with the Hugging Face tokenizers library through DJL's JNI binding
 * ({@code NativeTokenizer}), offline, its native library loaded from a given path or extracted under the temp
 * directory only; {@code TextTokenizer.load} chooses. Truncation is reported per text and padding is left to the
 * batcher.
 */
package lambert.runtime.tokenize;
