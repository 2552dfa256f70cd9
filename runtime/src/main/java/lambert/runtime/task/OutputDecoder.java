package lambert.runtime.task;

import java.util.List;
import lambert.runtime.bundle.Manifest;
import lambert.runtime.session.Output;
import lambert.runtime.tokenize.Tokens;

/** Turns the raw output of one micro-batch into one {@link Prediction} per text. */
public final class OutputDecoder {
    private final Manifest manifest;

    /** A decoder for the task, labels, pooling and normalisation the manifest describes. */
    public OutputDecoder(Manifest manifest) {
        this.manifest = manifest;
    }

    /**
     * Decodes row {@code row} of the batch output.
     *
     * @param output the model output for the whole batch
     * @param row the row of this text in the batch
     * @param text the original text (for entity offsets)
     * @param tokens its tokens
     */
    public Prediction decode(Output output, int row, String text, Tokens tokens, Parameters parameters) {
        long[] shape = output.shape();
        int size = (int) shape[shape.length - 1];
        switch (manifest.task()) {
            case EMBED: {
                float[] vector = shape.length == 3
                        ? Pooler.pool(output.data(), row, (int) shape[1], size, tokens.length(), manifest.pooling(),
                                manifest.normalize())
                        : Pooler.row(output.data(), row, size, manifest.normalize());
                return new Embedding(vector, tokens.length(), tokens.truncated());
            }
            case CLASSIFY: {
                float[] probabilities = manifest.multiLabel()
                        ? Scores.sigmoid(output.data(), row * size, size)
                        : Scores.softmax(output.data(), row * size, size);
                return new Classification(Scores.ranked(probabilities, manifest.labels(), parameters.topK()),
                        tokens.length(), tokens.truncated());
            }
            default: {
                int width = (int) shape[1];
                int[] best = new int[tokens.length()];
                float[] score = new float[tokens.length()];
                for (int t = 0; t < tokens.length(); t++) {
                    float[] p = Scores.softmax(output.data(), (row * width + t) * size, size);
                    best[t] = Scores.argmax(p);
                    score[t] = p[best[t]];
                }
                List<Entity> entities = EntityGrouper.group(text, tokens, manifest.labels(), best, score,
                        parameters.aggregation());
                return new Tagging(entities, tokens.length(), tokens.truncated());
            }
        }
    }
}
