/**
 * Tokenization with the Hugging Face tokenizers library through DJL's JNI binding, offline, with its
 * native library loaded from a given path or extracted under the temp directory only; truncation
 * is reported per text and padding is left to the batcher.
 */
package lambert.runtime.tokenize;
