package lambert.toolkit.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import lambert.base.json.Json;
import lambert.runtime.testing.TestModels;
import lambert.runtime.tokenize.TextTokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RequestPackerTest {
    @TempDir
    Path dir;

    private static FunctionInfo info(int maxTexts, int maxBytes, int maxTokens) {
        return new FunctionInfo("m", "embed", 16, 4, maxTexts, maxBytes, maxTokens);
    }

    private List<Chunk> pack(String text, FunctionInfo info, TokenCounter counter, int texts, long tokens)
            throws IOException {
        Path p = dir.resolve("in.txt");
        Files.writeString(p, text);
        List<Chunk> out = new ArrayList<>();
        try (InputReader in = InputReader.open(InputSpec.lines(p))) {
            RequestPacker packer = new RequestPacker(in, info, counter, texts, tokens);
            for (Chunk c = packer.next(); c != null; c = packer.next()) {
                out.add(c);
            }
        }
        return out;
    }

    private static List<List<Long>> lines(List<Chunk> chunks) {
        return chunks.stream().map(c -> c.records().stream().map(InputRecord::line).toList()).toList();
    }

    @Test
    void next_textsPerRequest_closesEachRequestAtTheCountAndCoversEveryLine() throws IOException {
        List<Chunk> c = pack("a\nb\nc\nd\ne\n", info(256, 1 << 20, Integer.MAX_VALUE), TokenCounter.estimate(), 2, 0);
        assertThat(lines(c)).containsExactly(List.of(1L, 2L), List.of(3L, 4L), List.of(5L));
        assertThat(c).extracting(Chunk::index).containsExactly(0L, 1L, 2L);
    }

    @Test
    void next_tokenBudget_putsALongTextAloneAndShortOnesTogether() throws IOException {
        // estimate: bytes + 2, capped at max_length 16: "aaaa...(30)" counts 16, "b" counts 3
        String longText = "a".repeat(30);
        List<Chunk> c = pack("b\nb\n" + longText + "\nb\nb\nb\n", info(256, 1 << 20, Integer.MAX_VALUE),
                TokenCounter.estimate(), 0, 10);
        assertThat(lines(c)).containsExactly(List.of(1L, 2L), List.of(3L), List.of(4L, 5L, 6L));
        assertThat(c.get(1).tokens()).isEqualTo(16);
        assertThat(c.get(2).tokens()).isEqualTo(9);
    }

    @Test
    void next_bodyBytes_neverPassTheFunctionLimitAndMatchTheBodySent() throws Exception {
        StringBuilder in = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            in.append("text number ").append(i).append(" with \"quotes\" and é\n");
        }
        int limit = 300;
        List<Chunk> c = pack(in.toString(), info(256, limit, Integer.MAX_VALUE), TokenCounter.estimate(), 0, 0);
        assertThat(c.stream().mapToInt(ch -> ch.records().size()).sum()).isEqualTo(100);
        for (Chunk chunk : c) {
            byte[] body = chunk.body(true);
            assertThat(body.length).isEqualTo(chunk.bodyBytes()).isLessThanOrEqualTo(limit);
            Map<?, ?> parsed = (Map<?, ?>) Json.parse(body);
            assertThat((List<?>) parsed.get("texts")).hasSize(chunk.texts().size());
            assertThat(parsed.get("encoding")).isEqualTo("base64");
        }
    }

    @Test
    void next_textTooLargeForAnyRequest_isRefusedWithTheSizesInItsChunk() throws IOException {
        // {"texts":["xxx...(200)"],"encoding":"base64"} is 234 bytes (Python's json.dumps with compact separators)
        List<Chunk> c = pack("ok\n" + "x".repeat(200) + "\nok\n", info(256, 100, Integer.MAX_VALUE),
                TokenCounter.estimate(), 0, 0);
        assertThat(lines(c)).containsExactly(List.of(1L, 2L, 3L));
        InputRecord refused = c.get(0).records().get(1);
        assertThat(refused.problem()).isEqualTo("the text is 234 bytes as a request of its own, over the function's "
                + "limit of 100 bytes per request (max_input_bytes)");
        assertThat(c.get(0).texts()).extracting(InputRecord::line).containsExactly(1L, 3L);
    }

    @Test
    void next_onlyRefusedLinesAtTheEnd_formAChunkWithoutTexts() throws IOException {
        List<Chunk> c = pack("a\n\n\n", info(1, 1 << 20, Integer.MAX_VALUE), TokenCounter.estimate(), 0, 0);
        assertThat(lines(c)).containsExactly(List.of(1L, 2L, 3L));
        List<Chunk> d = pack("a\nb\n\n", info(1, 1 << 20, Integer.MAX_VALUE), TokenCounter.estimate(), 0, 0);
        assertThat(lines(d)).containsExactly(List.of(1L), List.of(2L, 3L));
    }

    @Test
    void estimate_isNeverBelowTheRealTokenizersCount() throws IOException {
        try (TextTokenizer t = TextTokenizer.load(TestModels.minilmInt8().resolve("tokenizer.json"), 100_000)) {
            TokenCounter exact = TokenCounter.of(t);
            for (String text : List.of("Hey, how are you?", "ünïcödé çhåräctêrs", "東京都は日本の首都です",
                    "!!!???...", "a b c d e f", "emoji 😀 and more 😀😀", "supercalifragilisticexpialidocious")) {
                assertThat(TokenCounter.estimate().count(text)).as(text).isGreaterThanOrEqualTo(exact.count(text));
            }
            assertThat(exact.count("Hey, how are you?")).isEqualTo(8);
        }
    }
}
