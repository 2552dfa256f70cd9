package example.library;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import lambert.runtime.api.Classifier;
import lambert.runtime.api.Embeddings;
import lambert.runtime.api.Label;
import lambert.runtime.api.Span;
import lambert.runtime.api.TokenTagger;
import lambert.runtime.bundle.BundleException;
import lambert.runtime.testing.TestModels;
import lambert.runtime.testing.TinyModels;
import lambert.runtime.tokenize.TextTokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The library API as a service outside lambert's packages uses it: only {@code lambert.runtime.api} types in the
 * calls and the assertions (the fixtures only lay out models). Checked against the similarities sentence-transformers
 * publishes for all-MiniLM-L6-v2, and against tiny models whose answers are known by construction.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LibraryApiTest {
    private static final List<String> NER = List.of("O", "B-PER", "I-PER", "B-LOC", "I-LOC");

    @TempDir
    Path dir;

    private Embeddings minilm;

    @BeforeAll
    void open() {
        minilm = Embeddings.open(TestModels.minilm());
    }

    @AfterAll
    void close() {
        minilm.close();
    }

    @ParameterizedTest
    @MethodSource("lambert.runtime.testing.TestModels#minilmPublishedSimilarities")
    void embed_matchesPublishedSimilarity(String a, String b, double expected) {
        assertThat(Embeddings.similarity(minilm.embed(a), minilm.embed(b))).isCloseTo(expected, within(0.002));
    }

    @Test
    void embed_listAnswersInOrderLikeOneByOne() {
        List<String> texts = List.of("A man is playing guitar", "ok", "The weather is lovely today.");
        List<float[]> vectors = minilm.embed(texts);
        assertThat(vectors).hasSize(3);
        for (int i = 0; i < texts.size(); i++) {
            assertThat(Embeddings.similarity(vectors.get(i), minilm.embed(texts.get(i)))).isCloseTo(1.0, within(1e-5));
        }
        assertThat(minilm.embed(List.of())).isEmpty();
    }

    @Test
    void dimension_isMiniLmHiddenSizeAndVectorsAreUnitLength() {
        float[] v = minilm.embed("Hey, how are you?");
        assertThat(minilm.dimension()).isEqualTo(384);
        assertThat(v).hasSize(384);
        double norm = 0;
        for (float x : v) {
            norm += x * x;
        }
        assertThat(Math.sqrt(norm)).isCloseTo(1.0, within(1e-5));
        assertThat(minilm.maxLength()).isEqualTo(256);
    }

    @Test
    void open_builtinNameMaterialisesFromTheArtifactOnTheClasspath() {
        try (Embeddings byName = Embeddings.open("minilm")) {
            assertThat(byName.name()).isEqualTo("all-MiniLM-L6-v2");
            assertThat(Embeddings.similarity(byName.embed("The new movie is awesome"),
                    byName.embed("The new movie is so great"))).isCloseTo(0.8939, within(0.002));
            // all-MiniLM-L6-v2 was trained without prefixes: a query is embedded as it is.
            assertThat(Embeddings.similarity(byName.embedQuery("a query"), byName.embed("a query")))
                    .isCloseTo(1.0, within(1e-6));
        }
    }

    @Test
    void open_unknownBuiltinNameListsTheNames() {
        assertThatThrownBy(() -> Embeddings.open("minilm-l12"))
                .isInstanceOf(BundleException.class)
                .hasMessageContaining("\"minilm-l12\" is not a built-in model name")
                .hasMessageContaining("minilm, minilm-int8")
                .hasMessageContaining("pass a Path");
    }

    @Test
    void open_classifierBundleAsEmbeddingsNamesTheTaskFound() throws Exception {
        Path bundle = TinyModels.classifier(dir.resolve("cls"), 30522, List.of("negative", "positive"), false, 5)
                .bundle().dir();
        assertThatThrownBy(() -> Embeddings.open(bundle))
                .isInstanceOf(BundleException.class)
                .hasMessageContaining("has task \"classify\", expected \"embed\" to open it as Embeddings")
                .hasMessageContaining("open it with Classifier.open");
    }

    @Test
    void open_embeddingBundleAsClassifierOrTaggerNamesTheTaskFound() {
        assertThatThrownBy(() -> Classifier.open(TestModels.minilm()))
                .isInstanceOf(BundleException.class)
                .hasMessageContaining("has task \"embed\", expected \"classify\"")
                .hasMessageContaining("open it with Embeddings.open");
        assertThatThrownBy(() -> TokenTagger.open(TestModels.minilm()))
                .hasMessageContaining("expected \"tag\"");
    }

    @Test
    void classify_answersEveryLabelBestFirstAsProbabilities() throws Exception {
        List<String> labels = List.of("negative", "neutral", "positive");
        Path bundle = TinyModels.classifier(dir.resolve("cls3"), 30522, labels, false, 7).bundle().dir();
        try (Classifier classifier = Classifier.open(bundle)) {
            assertThat(classifier.labels()).isEqualTo(labels);
            List<Label> answer = classifier.classify("I really enjoyed this film");
            assertThat(answer).extracting(Label::name).containsExactlyInAnyOrderElementsOf(labels);
            assertThat(answer).extracting(Label::score).isSortedAccordingTo((a, b) -> Float.compare(b, a));
            assertThat(answer.stream().mapToDouble(Label::score).sum()).isCloseTo(1.0, within(1e-5));
            assertThat(classifier.classify(List.of("a", "b"))).hasSize(2);
        }
    }

    @Test
    void tag_spansCarryLabelsAndOffsetsIntoTheText() throws Exception {
        long john;
        long smith;
        long paris;
        try (TextTokenizer tokenizer = TextTokenizer.load(TestModels.tokenizer(), 64)) {
            john = tokenizer.encode("john").ids()[1];
            smith = tokenizer.encode("smith").ids()[1];
            paris = tokenizer.encode("paris").ids()[1];
        }
        Path bundle = TinyModels.tagger(dir.resolve("ner"), 30522, NER, Map.of(john, 1, smith, 2, paris, 3))
                .bundle().dir();
        String text = "🙂 John Smith moved to Paris.";
        try (TokenTagger tagger = TokenTagger.open(bundle)) {
            List<Span> spans = tagger.tag(text);
            assertThat(spans).extracting(Span::label, Span::text, Span::start, Span::end).containsExactly(
                    tuple("PER", "John Smith", text.indexOf("John"), text.indexOf("John") + 10),
                    tuple("LOC", "Paris", text.indexOf("Paris"), text.indexOf("Paris") + 5));
            // softmax of 10 on one label and 0 on the four others
            assertThat((double) spans.get(0).score()).isCloseTo(Math.exp(10) / (Math.exp(10) + 4), within(1e-5));
        }
    }

    @Test
    void close_isIdempotentAndLaterCallsAreRefused() {
        Embeddings model = Embeddings.open(TestModels.minilm());
        model.close();
        model.close();
        assertThatThrownBy(() -> model.embed("x")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void embed_nullTextIsRefusedWithItsIndex() {
        assertThatThrownBy(() -> minilm.embed(java.util.Arrays.asList("a", null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("text 1 is null; expected a string");
    }
}
