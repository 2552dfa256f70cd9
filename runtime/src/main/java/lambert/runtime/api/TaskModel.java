package lambert.runtime.api;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import lambert.runtime.Model;
import lambert.runtime.ModelOptions;
import lambert.runtime.bundle.BundleException;
import lambert.runtime.bundle.ModelBundle;
import lambert.runtime.bundle.Task;
import lambert.runtime.task.Parameters;
import lambert.runtime.task.Prediction;

/**
 * A loaded model known to answer one task: the bundle's task is checked before anything is loaded, and
 * answers are narrowed to that task's prediction type here, once, so the public types need no casts.
 */
final class TaskModel<P extends Prediction> implements AutoCloseable {
    private final Model model;
    private final Class<P> type;

    private TaskModel(Model model, Class<P> type) {
        this.model = model;
        this.type = type;
    }

    /** Opens {@code dir} if its manifest says {@code task}; otherwise names the task found and the type to use. */
    static <P extends Prediction> TaskModel<P> open(Path dir, ModelOptions options, Task task, Class<P> type,
            String apiType) {
        Objects.requireNonNull(dir, "bundle folder");
        Objects.requireNonNull(options, "options");
        ModelBundle bundle = ModelBundle.open(dir);
        Task found = bundle.manifest().task();
        if (found != task) {
            throw new BundleException("the model at " + dir + " has task \"" + found.id() + "\", expected \""
                    + task.id() + "\" to open it as " + apiType + "; open it with " + typeFor(found) + ".open");
        }
        return new TaskModel<>(Model.open(bundle, options), type);
    }

    private static String typeFor(Task task) {
        return switch (task) {
            case EMBED -> "Embeddings";
            case CLASSIFY -> "Classifier";
            case TAG -> "TokenTagger";
        };
    }

    Model model() {
        return model;
    }

    /** One answer per text, in order, converted by {@code convert}. */
    <R> List<R> answer(List<String> texts, Function<P, R> convert) {
        Objects.requireNonNull(texts, "texts");
        for (int i = 0; i < texts.size(); i++) {
            if (texts.get(i) == null) {
                throw new IllegalArgumentException("text " + i + " is null; expected a string");
            }
        }
        if (texts.isEmpty()) {
            return List.of();
        }
        List<Prediction> predictions = model.predict(texts, Parameters.defaults()).predictions();
        List<R> out = new ArrayList<>(predictions.size());
        for (Prediction p : predictions) {
            out.add(convert.apply(type.cast(p)));
        }
        return out;
    }

    @Override
    public void close() {
        model.close();
    }
}
