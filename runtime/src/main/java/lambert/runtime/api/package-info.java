/**
 * The runtime as a library, for in-process use in any Java service: {@link lambert.runtime.api.Embeddings},
 * {@link lambert.runtime.api.Classifier} and {@link lambert.runtime.api.TokenTagger}, each opened from a bundle
 * folder (or, for embeddings, a built-in name), answering {@code float[]} and records without casts. The same
 * loading checks and the same answers as the function; see {@code docs/library.md}.
 */
package lambert.runtime.api;
