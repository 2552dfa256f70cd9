/**
 * Loading a model bundle: the session, the tokenizer and the file hashes started side by side, then the checks
 * that the model file fits the manifest and the tokenizer (inputs, output, a probe run) before anything is
 * answered. {@link lambert.runtime.Model#open} is the entry point; this package is how it loads.
 */
package lambert.runtime.load;
