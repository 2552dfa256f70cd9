package lambert.runtime.tokenize;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import lambert.base.json.Json;
import lambert.runtime.testing.TestModels;
import org.junit.jupiter.api.Test;

/**
 * What {@link WordPieceTokenizer#load} costs a cold JVM, where a function's INIT runs it (on one vCPU, alongside ONNX
 * Runtime's session), counted rather than timed: the classes it makes at run time, in a fresh JVM's class-loading
 * log ({@code -Xlog:class+load}), and the bytes it allocates (the function's young generation is 8 MB).
 */
class WordPieceLoadTest {
    private static final String START = "-- load starts --";
    private static final String END = "-- load ends --";

    @Test
    void load_spinsNoClassesInAFreshJvm() throws Exception {
        List<String> during = classesLoadedDuringLoad(TestModels.tokenizer());
        assertThat(during).as("classes loaded during the load").isNotEmpty()
                .anyMatch(line -> line.contains("lambert.runtime.tokenize.WordPieceTokenizer "));
        // A string concatenation (invokedynamic) or a lambda spins LambdaForm / lambda classes the first time it
        // runs: ~17 ms of one CPU for the first concatenation in a fresh JVM.
        assertThat(during).as("classes made at run time (LambdaForms, lambdas) during the load")
                .noneMatch(WordPieceLoadTest::madeAtRunTime);
    }

    @Test
    void load_allocatesNoObjectPerToken() throws Exception {
        Path file = TestModels.tokenizer();
        long size = Files.size(file);
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        WordPieceTokenizer.load(file, 256).close(); // classes loaded and initialised: count a load's own bytes
        long before = threads.getThreadAllocatedBytes(thread);
        WordPieceTokenizer.load(file, 256).close();
        long allocated = threads.getThreadAllocatedBytes(thread) - before;
        // The file's bytes (kept: the vocabulary's tokens point into them), the table (16 bytes per token and 8 per
        // slot) and the rest of the document's tree: about 2.2 times the file. A string, a map node and a boxed id
        // per token (30,522 of them) came to 5.8 times.
        assertThat(allocated).as("bytes allocated by a load of the %d-byte %s", size, file)
                .isLessThan(3 * size);
    }

    /**
     * Whether a class-loading log line is a class made at run time: a LambdaForm or hidden class defined through a
     * lookup, or a lambda's class not taken from the JDK's class-data-sharing archive.
     */
    private static boolean madeAtRunTime(String line) {
        return line.contains("__JVM_") || line.contains("$$Lambda") && !line.contains("source: shared objects file");
    }

    /** The class-loading log lines of a fresh JVM between the start and end of loading {@code tokenizerJson}. */
    private static List<String> classesLoadedDuringLoad(Path tokenizerJson) throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xlog:class+load", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), FreshLoad.class.getName(), tokenizerJson.toString())
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        List<String> during = new ArrayList<>();
        boolean inside = false;
        for (String line : output.split("\n")) {
            if (line.equals(START)) {
                inside = true;
            } else if (line.equals(END)) {
                return during;
            } else if (inside) {
                during.add(line);
            }
        }
        throw new AssertionError("no load markers in the child's output:\n" + output);
    }

    /**
     * Runs in the fresh JVM: a first {@link Json#parse} (the handler parses its manifest before it loads the model),
     * then the load between two markers.
     * The manifest has numbers, so Jackson's number classes are loaded before, as in the handler.
     */
    public static final class FreshLoad {
        private FreshLoad() {}

        public static void main(String[] args) throws Exception {
            Json.parse("{\"task\": \"embed\", \"max_length\": 256}".getBytes(StandardCharsets.UTF_8));
            System.out.println(START);
            WordPieceTokenizer tokenizer = WordPieceTokenizer.load(Path.of(args[0]), 256);
            System.out.println(END);
            tokenizer.close();
        }
    }
}
