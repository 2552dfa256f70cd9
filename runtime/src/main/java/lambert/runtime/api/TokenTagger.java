package lambert.runtime.api;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import lambert.runtime.ModelOptions;
import lambert.runtime.bundle.BundleException;
import lambert.runtime.bundle.Task;
import lambert.runtime.task.Entity;
import lambert.runtime.task.Tagging;

/**
 * Token classification (named entities) in process: a bundle of task {@code tag} loaded into ONNX Runtime,
 * answering labelled spans with their character offsets. Thread-safe; close it to free the native memory.
 *
 * <pre>{@code
 * try (TokenTagger ner = TokenTagger.open(Path.of("build/ner"))) {
 *     for (Span span : ner.tag("My name is Wolfgang and I live in Berlin")) {
 *         System.out.println(span.label() + " " + span.text());   // PER Wolfgang, LOC Berlin
 *     }
 * }
 * }</pre>
 *
 * <p>Texts longer than the model's maximum length are cut there; no span is found past the cut.
 */
public final class TokenTagger implements AutoCloseable {
    private final TaskModel<Tagging> model;

    private TokenTagger(TaskModel<Tagging> model) {
        this.model = model;
    }

    /**
     * Opens the bundle or Hugging Face folder at {@code bundle} with default options.
     *
     * @throws BundleException if the folder is not a usable bundle, or its task is not {@code tag}
     */
    public static TokenTagger open(Path bundle) {
        return open(bundle, ModelOptions.defaults());
    }

    /** Opens the bundle at {@code bundle} with {@code options}. */
    public static TokenTagger open(Path bundle, ModelOptions options) {
        return new TokenTagger(TaskModel.open(bundle, options, Task.TAG, Tagging.class, "TokenTagger"));
    }

    /** The spans of one text, in text order. */
    public List<Span> tag(String text) {
        Objects.requireNonNull(text, "text");
        return tag(List.of(text)).get(0);
    }

    /** The spans of several texts, in their order. */
    public List<List<Span>> tag(List<String> texts) {
        return model.answer(texts, t -> t.entities().stream().map(TokenTagger::span).toList());
    }

    private static Span span(Entity entity) {
        return new Span(entity.label(), entity.score(), entity.word(), entity.start(), entity.end());
    }

    /** Frees the native memory once calls under way have finished; calling it again does nothing. */
    @Override
    public void close() {
        model.close();
    }
}
