package lambert.runtime.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import lambert.runtime.Model;
import lambert.runtime.ModelOptions;
import lambert.runtime.testing.TestModels;
import lambert.runtime.testing.TinyModels;
import lambert.runtime.tokenize.TextTokenizer;
import lambert.runtime.tokenize.Tokens;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Classification and token classification on tiny models the test builds itself, checked against
 * the forward pass computed here by hand from the same weights.
 */
class TinyModelTest {
    private static final List<String> SENTIMENT = List.of("negative", "neutral", "positive");
    private static final List<String> NER = List.of("O", "B-PER", "I-PER", "B-LOC", "I-LOC");

    @TempDir
    Path dir;

    @Test
    void classify_softmaxScoresMatchHandComputedForwardPass() throws Exception {
        TinyModels tiny = TinyModels.classifier(dir.resolve("cls"), 30522, SENTIMENT, false, 7);
        String text = "I really enjoyed this film";
        try (Model model = Model.open(tiny.bundle(), ModelOptions.defaults())) {
            Classification c = (Classification) model.predict(List.of(text), Parameters.defaults())
                    .predictions().get(0);
            double[] expected = softmax(tiny.logits(meanEmbedding(tiny, text)));
            assertThat(c.labels()).hasSize(3);
            for (LabelScore s : c.labels()) {
                assertThat((double) s.score()).as(s.label())
                        .isCloseTo(expected[SENTIMENT.indexOf(s.label())], within(1e-5));
            }
            assertThat(c.labels().get(0).score()).isGreaterThanOrEqualTo(c.labels().get(1).score());
        }
    }

    @Test
    void classify_topKKeepsTheBestLabels() throws Exception {
        TinyModels tiny = TinyModels.classifier(dir.resolve("cls"), 30522, SENTIMENT, false, 11);
        try (Model model = Model.open(tiny.bundle(), ModelOptions.defaults())) {
            Parameters top1 = new Parameters(1, Aggregation.SIMPLE, true);
            Classification all = (Classification) model.predict(List.of("fine"), Parameters.defaults())
                    .predictions().get(0);
            Classification one = (Classification) model.predict(List.of("fine"), top1).predictions().get(0);
            assertThat(one.labels()).containsExactly(all.labels().get(0));
        }
    }

    @Test
    void classify_multiLabelUsesSigmoidPerLabel() throws Exception {
        TinyModels tiny = TinyModels.classifier(dir.resolve("multi"), 30522, List.of("toxic", "spam", "urgent"), true,
                3);
        String text = "buy now, limited offer";
        try (Model model = Model.open(tiny.bundle(), ModelOptions.defaults())) {
            Classification c = (Classification) model.predict(List.of(text), Parameters.defaults())
                    .predictions().get(0);
            double[] logits = tiny.logits(meanEmbedding(tiny, text));
            for (LabelScore s : c.labels()) {
                int i = List.of("toxic", "spam", "urgent").indexOf(s.label());
                assertThat((double) s.score()).isCloseTo(1 / (1 + Math.exp(-logits[i])), within(1e-5));
            }
        }
    }

    @Test
    void tag_groupsEntitiesWithOffsetsIntoTheOriginalText() throws Exception {
        TinyModels tiny = tagger();
        String text = "🙂 John Smith moved to Paris, with José.";
        try (Model model = Model.open(tiny.bundle(), ModelOptions.defaults())) {
            Tagging t = (Tagging) model.predict(List.of(text), Parameters.defaults()).predictions().get(0);
            assertThat(t.entities()).extracting(Entity::label, Entity::word, Entity::start, Entity::end)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple("PER", "John Smith", text.indexOf("John"),
                                    text.indexOf("John") + "John Smith".length()),
                            org.assertj.core.groups.Tuple.tuple("LOC", "Paris", text.indexOf("Paris"),
                                    text.indexOf("Paris") + 5));
            // softmax of 10 on one label and 0 on four others
            double expectedScore = Math.exp(10) / (Math.exp(10) + 4);
            assertThat((double) t.entities().get(0).score()).isCloseTo(expectedScore, within(1e-5));
        }
    }

    @Test
    void tag_noAggregationListsEachToken() throws Exception {
        TinyModels tiny = tagger();
        String text = "John Smith moved to Paris";
        try (Model model = Model.open(tiny.bundle(), ModelOptions.defaults())) {
            Tagging t = (Tagging) model.predict(List.of(text), new Parameters(0, Aggregation.NONE, true))
                    .predictions().get(0);
            assertThat(t.entities()).extracting(Entity::label, Entity::word)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("B-PER", "John"),
                            org.assertj.core.groups.Tuple.tuple("I-PER", "Smith"),
                            org.assertj.core.groups.Tuple.tuple("B-LOC", "Paris"));
        }
    }

    private TinyModels tagger() throws Exception {
        try (TextTokenizer tokenizer = TextTokenizer.load(TestModels.tokenizer(), 64)) {
            long john = tokenizer.encode("john").ids()[1];
            long smith = tokenizer.encode("smith").ids()[1];
            long paris = tokenizer.encode("paris").ids()[1];
            return TinyModels.tagger(dir.resolve("ner"), 30522, NER, Map.of(john, 1, smith, 2, paris, 3));
        }
    }

    private static double[] meanEmbedding(TinyModels tiny, String text) {
        try (TextTokenizer tokenizer = TextTokenizer.load(TestModels.tokenizer(), 64)) {
            Tokens tokens = tokenizer.encode(text);
            double[] mean = new double[tiny.hidden()];
            for (long id : tokens.ids()) {
                float[] row = tiny.row(id);
                for (int h = 0; h < mean.length; h++) {
                    mean[h] += row[h] / (double) tokens.length();
                }
            }
            return mean;
        }
    }

    private static double[] softmax(double[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (double l : logits) {
            max = Math.max(max, l);
        }
        double sum = 0;
        double[] out = new double[logits.length];
        for (int i = 0; i < logits.length; i++) {
            out[i] = Math.exp(logits[i] - max);
            sum += out[i];
        }
        for (int i = 0; i < out.length; i++) {
            out[i] /= sum;
        }
        return out;
    }
}
