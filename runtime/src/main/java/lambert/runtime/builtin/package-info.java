/**
 * Built-in models: embedding models whose files come in Maven artifacts ({@code dev.langchain4j}'s), materialised
 * from the classpath into a cache folder as bundles. Used by the toolkit's {@code --model} names and by the
 * library API's {@code open(String)}.
 */
package lambert.runtime.builtin;
