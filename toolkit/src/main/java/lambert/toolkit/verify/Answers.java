package lambert.toolkit.verify;

import java.io.IOException;
import java.util.List;
import lambert.runtime.Model;
import lambert.runtime.bundle.Manifest;
import lambert.runtime.task.Aggregation;
import lambert.runtime.task.Parameters;
import lambert.runtime.task.Prediction;

/**
 * Something that answers texts for {@link Verifier}: a model loaded in this process, or a function package
 * running in the emulator ({@link PackageAnswers}), so that a package can be checked against a bundle or against
 * a package of another architecture.
 *
 * <pre>{@code
 * try (Answers reference = Answers.of(model); Answers candidate = new PackageAnswers(...)) {
 *     VerifyReport r = Verifier.compare(reference, candidate, VerifyTexts.spread(8), 5);
 * }
 * }</pre>
 */
public interface Answers extends AutoCloseable {
    /** Every label, token-level entities: what the comparison needs. */
    Parameters ALL = new Parameters(0, Aggregation.NONE, true);

    /** The manifest of the model that answers (task, name, quantisation). */
    Manifest manifest();

    /** One prediction per text, in order, with {@link #ALL}'s parameters. */
    List<Prediction> predict(List<String> texts) throws IOException;

    /** For people: what answers, and where it runs. */
    String describe();

    @Override
    void close() throws IOException;

    /** A model's answers; closing them leaves the model open. */
    static Answers of(Model model) {
        return of(model, false);
    }

    /** A model's answers; closing them closes the model. */
    static Answers owning(Model model) {
        return of(model, true);
    }

    private static Answers of(Model model, boolean owned) {
        return new Answers() {
            @Override
            public Manifest manifest() {
                return model.manifest();
            }

            @Override
            public List<Prediction> predict(List<String> texts) {
                return model.predict(texts, ALL).predictions();
            }

            @Override
            public String describe() {
                return model.manifest().name() + ", in this process";
            }

            @Override
            public void close() {
                if (owned) {
                    model.close();
                }
            }
        };
    }
}
