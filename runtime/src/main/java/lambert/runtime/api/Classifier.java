package lambert.runtime.api;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import lambert.runtime.ModelOptions;
import lambert.runtime.bundle.BundleException;
import lambert.runtime.bundle.Task;
import lambert.runtime.task.Classification;
import lambert.runtime.task.LabelScore;

/**
 * Text classification in process: a bundle of task {@code classify} loaded into ONNX Runtime, answering
 * every label with its score, best first. Thread-safe; close it to free the native memory.
 *
 * <pre>{@code
 * try (Classifier sentiment = Classifier.open(Path.of("build/sst2"))) {
 *     Label best = sentiment.classify("What a lovely day").get(0);   // Label[name=POSITIVE, score=0.9998]
 * }
 * }</pre>
 *
 * <p>Texts longer than the model's maximum length are cut there.
 */
public final class Classifier implements AutoCloseable {
    private final TaskModel<Classification> model;

    private Classifier(TaskModel<Classification> model) {
        this.model = model;
    }

    /**
     * Opens the bundle or Hugging Face folder at {@code bundle} with default options.
     *
     * @throws BundleException if the folder is not a usable bundle, or its task is not {@code classify}
     */
    public static Classifier open(Path bundle) {
        return open(bundle, ModelOptions.defaults());
    }

    /** Opens the bundle at {@code bundle} with {@code options}. */
    public static Classifier open(Path bundle, ModelOptions options) {
        return new Classifier(TaskModel.open(bundle, options, Task.CLASSIFY, Classification.class, "Classifier"));
    }

    /** Every label of one text with its score, best first. */
    public List<Label> classify(String text) {
        Objects.requireNonNull(text, "text");
        return classify(List.of(text)).get(0);
    }

    /** The labels of several texts, in their order. */
    public List<List<Label>> classify(List<String> texts) {
        return model.answer(texts, c -> c.labels().stream().map(Classifier::label).toList());
    }

    /** The label names in the model's output order. */
    public List<String> labels() {
        return model.model().manifest().labels();
    }

    private static Label label(LabelScore score) {
        return new Label(score.label(), score.score());
    }

    /** Frees the native memory once calls under way have finished; calling it again does nothing. */
    @Override
    public void close() {
        model.close();
    }
}
