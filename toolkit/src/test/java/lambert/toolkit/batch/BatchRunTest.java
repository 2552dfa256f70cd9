package lambert.toolkit.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lambert.base.json.Json;
import lambert.toolkit.BadInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The driver against {@link FakeFunction} on 127.0.0.1: answers in input order whatever the concurrency, throttling
 * retried, function errors and refusals narrowed down to the texts at fault and rejected with the reason, timeouts
 * retried, and every input line accounted for. Waits are short (1 ms backoff) and no assertion is on time.
 */
class BatchRunTest {
    private static final Backoff FAST = new Backoff(Duration.ofMillis(1), Duration.ofMillis(10), 30);

    @TempDir
    Path dir;

    private static BatchRun.Options options(int concurrency) {
        return new BatchRun.Options(concurrency, 0, 0, 2, FAST, false, false);
    }

    private Path input(List<String> lines) throws IOException {
        Path p = dir.resolve("in.txt");
        Files.write(p, lines, StandardCharsets.UTF_8);
        return p;
    }

    private static List<String> texts(int n) {
        List<String> out = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            out.add("text " + i + " " + "é".repeat(i % 5));
        }
        return out;
    }

    private BatchRun.Counts run(FakeFunction fake, Path in, BatchRun.Files files, BatchRun.Options options,
            Duration timeout) throws IOException {
        try (HttpTarget target = HttpTarget.of(fake.uri(), timeout)) {
            return BatchRun.run(target, target.info(), InputSpec.lines(in), files, options, TokenCounter.estimate(),
                    c -> {}, null);
        }
    }

    /** Parses a .npy file by the NPY format's version 1.0 spec (numpy.lib.format), independently of the writer. */
    static float[][] readNpy(Path file) throws IOException {
        byte[] b = Files.readAllBytes(file);
        assertThat(b[0] & 0xff).isEqualTo(0x93);
        assertThat(new String(b, 1, 5, StandardCharsets.US_ASCII)).isEqualTo("NUMPY");
        assertThat(b[6]).isEqualTo((byte) 1);
        assertThat(b[7]).isEqualTo((byte) 0);
        int headerLength = (b[8] & 0xff) | (b[9] & 0xff) << 8;
        assertThat((10 + headerLength) % 64).as("data aligned to 64 bytes").isZero();
        String header = new String(b, 10, headerLength, StandardCharsets.US_ASCII);
        assertThat(header).endsWith("\n");
        assertThat(header).contains("'descr': '<f4'").contains("'fortran_order': False");
        Matcher m = Pattern.compile("'shape': \\((\\d+), (\\d+)\\)").matcher(header);
        assertThat(m.find()).as(header).isTrue();
        int rows = Integer.parseInt(m.group(1));
        int columns = Integer.parseInt(m.group(2));
        assertThat(b.length).isEqualTo(10 + headerLength + rows * columns * 4);
        ByteBuffer data = ByteBuffer.wrap(b, 10 + headerLength, rows * columns * 4).order(ByteOrder.LITTLE_ENDIAN);
        float[][] out = new float[rows][columns];
        for (float[] row : out) {
            for (int j = 0; j < columns; j++) {
                row[j] = data.getFloat();
            }
        }
        return out;
    }

    static List<Map<?, ?>> jsonl(Path file) throws Exception {
        List<Map<?, ?>> out = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            out.add((Map<?, ?>) Json.parse(line.getBytes(StandardCharsets.UTF_8)));
        }
        return out;
    }

    private static void assertVector(Map<?, ?> line, String text) {
        float[] expected = FakeFunction.vector(text);
        List<?> got = (List<?>) line.get("embedding");
        assertThat(got).hasSize(expected.length);
        for (int i = 0; i < expected.length; i++) {
            assertThat(((Number) got.get(i)).floatValue()).isEqualTo(expected[i]);
        }
    }

    @Test
    void run_manyTextsAtConcurrency8_writesEveryAnswerInInputOrderWithTheMatrix() throws Exception {
        List<String> texts = texts(500);
        Path in = input(texts);
        Path out = dir.resolve("out.jsonl");
        Path npy = dir.resolve("out.npy");
        try (FakeFunction fake = new FakeFunction()) {
            BatchRun.Counts c = run(fake, in, new BatchRun.Files(out, null, npy), options(8), Duration.ofSeconds(60));
            assertThat(c.done()).isEqualTo(500);
            assertThat(c.rejected()).isZero();
            assertThat(c.requests()).isEqualTo(63); // 8 texts per request (the fake's max_texts)
            assertThat(fake.textsPerRequest).allSatisfy(n -> assertThat(n).isBetween(1, 8));
        }
        List<Map<?, ?>> lines = jsonl(out);
        assertThat(lines).hasSize(500);
        float[][] matrix = readNpy(npy);
        assertThat(matrix.length).isEqualTo(500);
        for (int i = 0; i < 500; i++) {
            assertThat(lines.get(i).get("id")).isEqualTo(Integer.toString(i + 1));
            assertThat(lines.get(i).get("line")).isEqualTo((long) (i + 1));
            assertVector(lines.get(i), texts.get(i));
            assertThat(matrix[i]).containsExactly(FakeFunction.vector(texts.get(i)));
        }
        assertThat(dir.resolve("out.rejects.jsonl")).doesNotExist();
        assertThat(dir.resolve("out.jsonl.progress")).doesNotExist();
        assertThat(dir.resolve("out.jsonl.partial")).doesNotExist();
    }

    @Test
    void run_throttlingFunctionErrorsRefusalsAndTimeouts_accountsForEveryLine() throws Exception {
        List<String> texts = new ArrayList<>(texts(200));
        texts.set(9, "a POISON text");
        texts.set(50, "a text to REFUSE");
        texts.set(77, "");
        texts.set(120, "a SLOW text");
        texts.set(121, "another POISON text");
        Path in = input(texts);
        Path out = dir.resolve("out.jsonl");
        try (FakeFunction fake = new FakeFunction()) {
            fake.throttleEvery = 5;
            fake.slowMillis = 5000;
            BatchRun.Counts c = run(fake, in, new BatchRun.Files(out, null, null), options(4), Duration.ofSeconds(1));
            assertThat(c.done()).isEqualTo(196);
            assertThat(c.rejected()).isEqualTo(4);
            assertThat(c.finished()).isEqualTo(200);
            assertThat(c.throttled()).isGreaterThanOrEqualTo(fake.throttled.get()).isPositive();
        }
        List<Map<?, ?>> lines = jsonl(out);
        List<Map<?, ?>> rejects = jsonl(dir.resolve("out.rejects.jsonl"));
        List<Long> done = lines.stream().map(m -> (Long) m.get("line")).toList();
        assertThat(done).doesNotContain(10L, 51L, 78L, 122L).hasSize(196).isSorted();
        for (Map<?, ?> line : lines) {
            assertVector(line, texts.get((int) (long) (Long) line.get("line") - 1));
        }
        assertThat(rejects.stream().map(m -> (Long) m.get("line")).toList()).containsExactly(10L, 51L, 78L, 122L);
        assertThat(rejects.get(0).get("reason")).isEqualTo("the function failed: ModelFailed: the model failed "
                + "(3 attempts)");
        assertThat(rejects.get(0).get("text")).isEqualTo("a POISON text");
        assertThat(rejects.get(1).get("reason")).isEqualTo("the function refused it: InvalidRequest: texts[0] is "
                + "refused");
        assertThat(rejects.get(2).get("reason")).isEqualTo("the text is empty");
        assertThat(rejects.get(2).containsKey("text")).isFalse();
    }

    @Test
    void run_targetThatStopsAnswering_stopsResumablyAndTheResumeEqualsAnUninterruptedRun() throws Exception {
        List<String> texts = new ArrayList<>(texts(300));
        texts.set(40, "");
        texts.set(200, "POISON");
        Path in = input(texts);
        Path whole = dir.resolve("whole.jsonl");
        try (FakeFunction fake = new FakeFunction()) {
            run(fake, in, new BatchRun.Files(whole, null, dir.resolve("whole.npy")), options(3),
                    Duration.ofSeconds(60));
        }
        Path out = dir.resolve("out.jsonl");
        BatchRun.Files files = new BatchRun.Files(out, null, dir.resolve("out.npy"));
        try (FakeFunction fake = new FakeFunction()) {
            fake.fatalAfter = 17;
            assertThatThrownBy(() -> run(fake, in, files, options(3), Duration.ofSeconds(60)))
                    .isInstanceOf(BatchStoppedException.class).hasMessageContaining("refused: HTTP 403")
                    .hasMessageContaining("resume continues after line");
        }
        assertThat(dir.resolve("out.jsonl.progress")).exists();
        assertThat(out).doesNotExist();
        try (FakeFunction fake = new FakeFunction()) {
            assertThatThrownBy(() -> run(fake, in, files, options(3), Duration.ofSeconds(60)))
                    .isInstanceOf(BadInputException.class).hasMessageContaining("resume it (resume)");
            BatchRun.Options resume = new BatchRun.Options(3, 0, 0, 2, FAST, true, false);
            BatchRun.Counts c = run(fake, in, files, resume, Duration.ofSeconds(60));
            assertThat(c.finished()).isEqualTo(300);
            assertThat(fake.posts.get()).isLessThan(44); // the rest only: 38 requests and the poison's retries
        }
        assertThat(Files.readAllBytes(out)).isEqualTo(Files.readAllBytes(whole));
        assertThat(Files.readAllBytes(dir.resolve("out.npy"))).isEqualTo(Files.readAllBytes(dir.resolve("whole.npy")));
        assertThat(Files.readAllBytes(dir.resolve("out.rejects.jsonl")))
                .isEqualTo(Files.readAllBytes(dir.resolve("whole.rejects.jsonl")));
    }

    @Test
    void run_resumeWithOtherSettings_isRefusedNamingThem() throws Exception {
        Path in = input(texts(50));
        Path out = dir.resolve("out.jsonl");
        try (FakeFunction fake = new FakeFunction()) {
            fake.fatalAfter = 2;
            assertThatThrownBy(() -> run(fake, in, new BatchRun.Files(out, null, null), options(1),
                    Duration.ofSeconds(60))).isInstanceOf(BatchStoppedException.class);
            BatchRun.Options other = new BatchRun.Options(1, 3, 0, 2, FAST, true, false);
            assertThatThrownBy(() -> run(fake, in, new BatchRun.Files(out, null, null), other,
                    Duration.ofSeconds(60))).isInstanceOf(BadInputException.class)
                    .hasMessageContaining("was written by a run with other settings");
        }
    }

    @Test
    void npyHeader_isNumpysVersion1LayoutForAnyRowCount() {
        for (long rows : new long[] {0, 1, 5000, 10_000_000_000L}) {
            byte[] h = OutputFiles.npyHeader(rows, 384);
            assertThat(h).hasSize(128);
            String dict = new String(h, 10, 118, StandardCharsets.US_ASCII);
            assertThat(dict).startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (" + rows + ", 384), }")
                    .endsWith(" \n");
        }
    }
}
