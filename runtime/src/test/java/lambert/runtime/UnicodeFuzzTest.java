package lambert.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import lambert.runtime.task.Aggregation;
import lambert.runtime.task.Entity;
import lambert.runtime.task.Parameters;
import lambert.runtime.task.Tagging;
import lambert.runtime.task.TextTooLongException;
import lambert.runtime.testing.TinyModels;
import lambert.runtime.tokenize.Texts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Tokenization and inference through {@link Model#predict} on arbitrary Unicode: fuzzed strings mixed with the
 * pieces that break tokenizers and offset mapping (lone high and low surrogates, NUL and other controls,
 * right-to-left marks and overrides, long combining sequences, zero-width joiners, emoji with skin tones, BOMs,
 * ideographs) and strings of up to 100,000 characters. The real BERT tokenizer runs in this JVM through JNI, so
 * a native abort here would kill the test run: that is the finding this test exists for.
 *
 * <p>Every call answers one tagging per text with entity offsets inside the text and on code-point boundaries,
 * or refuses: an unpaired surrogate with {@link IllegalArgumentException} naming it, a text over the maximum
 * length with truncation off with {@link TextTooLongException}. A text that {@link Texts#firstKept} finds nothing in
 * (which the request contract refuses) reaches the model as [CLS] [SEP] alone. The model is the tiny generated tagger (an
 * embedding table and a linear head, most tokens tagged as entities so offsets are exercised).
 *
 * <p>{@code ./mvnw verify} fuzzes it for a few seconds; longer: {@code ./mvnw -pl runtime -am test
 * -Dtest=UnicodeFuzzTest -Dfuzz.duration=10m}.
 */
class UnicodeFuzzTest {
    private static final String[] PIECES = {"\uD800", "\uDBFF", "\uDC00", "\uDFFF", "\u0000", "\u0001", "\u007F",
        "\u200F", "\u200E", "\u202E", "\u202D", "\u2066", "\u0301\u0302\u0303\u0304\u0305", "\u0e49\u0e49\u0e49",
        "\u200D", "\uFEFF", "\uFFFD", "\uFFFF", "\uD83D\uDC4D\uD83C\uDFFD", "\uD83D\uDC68\u200D\uD83D\uDC69",
        "\u4E2D\u6587", "\u0627\u0644\u0639\u0631\u0628\u064A\u0629", "\u05E9\u05DC\u05D5\u05DD", " ", "\t", "\n",
        "\r\n", "\u3000", "\u00A0", "John", "Paris", "##", "[CLS]", "[SEP]", "[UNK]", "[PAD]", "\\", "\"", "e\u0301",
        "\uD835\uDD04", "\u1100\u1161\u11A8"};

    private static Path dir;
    private static Model model;

    @BeforeAll
    static void load() throws IOException {
        dir = Files.createTempDirectory("lambert-unicode-fuzz");
        Map<Long, Integer> forced = new HashMap<>();
        for (long id = 0; id < 30522; id++) {
            forced.put(id, (int) (id % 4));
        }
        TinyModels tiny = TinyModels.tagger(dir.resolve("tagger"), 30522, List.of("O", "B-PER", "I-PER", "B-LOC"),
                forced);
        model = Model.open(tiny.bundle().dir(), ModelOptions.defaults());
    }

    @AfterAll
    static void close() throws IOException {
        model.close();
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    @FuzzTest(maxDuration = "4s")
    void predict_anyUnicodeIsAnsweredOrRefusedByName(FuzzedDataProvider data) {
        List<String> texts = new ArrayList<>();
        int count = data.consumeInt(1, 4);
        for (int i = 0; i < count; i++) {
            texts.add(text(data));
        }
        Parameters parameters = new Parameters(data.consumeInt(0, 3), data.pickValue(Aggregation.values()),
                data.consumeBoolean());
        int unpaired = -1;
        for (int i = 0; i < texts.size() && unpaired < 0; i++) {
            if (Texts.firstUnpairedSurrogate(texts.get(i)) >= 0) {
                unpaired = i;
            }
        }
        if (unpaired >= 0) {
            assertThatThrownBy(() -> model.predict(texts, parameters))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("unpaired UTF-16 surrogate");
            return;
        }
        Predictions predictions;
        try {
            predictions = model.predict(texts, parameters);
        } catch (TextTooLongException e) {
            assertThat(parameters.truncation()).isFalse();
            return;
        }
        assertThat(predictions.predictions()).hasSize(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            String text = texts.get(i);
            if (Texts.firstKept(text) < 0) {
                // The contract refuses such a text as having nothing to answer: the tokenizer must agree that it
                // keeps nothing of it (the converse fails only for combining marks, which this tokenizer strips).
                assertThat(predictions.predictions().get(i).tokens()).as("tokens of %s", text).isEqualTo(2);
            }
            for (Entity entity : ((Tagging) predictions.predictions().get(i)).entities()) {
                assertThat(entity.start()).isBetween(0, entity.end());
                assertThat(entity.end()).isLessThanOrEqualTo(text.length());
                assertThat(boundary(text, entity.start()) && boundary(text, entity.end()))
                        .as("entity %s on code-point boundaries of %s", entity, text).isTrue();
            }
        }
    }

    private static boolean boundary(String text, int index) {
        return index == 0 || index == text.length()
                || !(Character.isHighSurrogate(text.charAt(index - 1)) && Character.isLowSurrogate(text.charAt(index)));
    }

    private static String text(FuzzedDataProvider data) {
        StringBuilder text = new StringBuilder();
        int parts = data.consumeInt(1, 8);
        for (int p = 0; p < parts; p++) {
            switch (data.consumeInt(0, 3)) {
                case 0 -> text.append(data.consumeString(64));
                case 1 -> text.append(data.pickValue(PIECES));
                case 2 -> text.append(data.pickValue(PIECES).repeat(data.consumeInt(1, 100_000 / 8)));
                default -> text.appendCodePoint(data.consumeInt(0, Character.MAX_CODE_POINT));
            }
        }
        return text.length() > 100_000 ? text.substring(0, 100_000) : text.toString();
    }
}
