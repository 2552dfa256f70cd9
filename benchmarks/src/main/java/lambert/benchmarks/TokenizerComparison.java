package lambert.benchmarks;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import lambert.runtime.tokenize.NativeTokenizer;
import lambert.runtime.tokenize.TextTokenizer;
import lambert.runtime.tokenize.WordPieceTokenizer;
import lambert.toolkit.models.ModelResolver;
import lambert.toolkit.verify.VerifyTexts;

/**
 * The pure-Java WordPiece tokenizer against the Hugging Face library (DJL's JNI binding) on a built-in model's
 * {@code tokenizer.json}: cold (a fresh JVM per run, from {@code main} to the first encoded text, load included;
 * median of 5) and warm (the 1,100 built-in verify texts one at a time, after two warm-up passes: per-text p50 and
 * p99 over 5 passes, and texts per second), with the ratio Java / library. Needs a quiet machine.
 *
 * <pre>
 * ./mvnw -q -DskipTests -pl benchmarks -am package
 * java -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" lambert.benchmarks.TokenizerComparison [minilm-int8]
 * </pre>
 */
public final class TokenizerComparison {
    private static final List<String> KINDS = List.of("java", "native");

    private TokenizerComparison() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 3 && args[0].equals("--cold")) {
            long start = System.nanoTime();
            try (TextTokenizer tokenizer = load(args[1], Path.of(args[2]), 256)) {
                tokenizer.encode("Hey, how are you?");
            }
            System.out.printf(Locale.ROOT, "%.2f%n", (System.nanoTime() - start) / 1e6);
            return;
        }
        String name = args.length > 0 ? args[0] : "minilm-int8";
        Path tokenizerJson = new ModelResolver(ModelResolver.defaultHome()).resolve(name).resolve("tokenizer.json");
        List<String> texts = VerifyTexts.builtIn();
        double[] cold = new double[KINDS.size()];
        double[][] warm = new double[KINDS.size()][];
        for (int k = 0; k < KINDS.size(); k++) {
            cold[k] = coldMedian(KINDS.get(k), tokenizerJson);
            warm[k] = warm(KINDS.get(k), tokenizerJson, texts);
        }
        System.out.println("| tokenizer (" + name + ", " + texts.size() + " verify texts) | cold: fresh JVM to first "
                + "text (ms, median of 5) | warm p50 per text (us) | warm p99 (us) | texts/s |");
        System.out.println("|---|---|---|---|---|");
        for (int k = 0; k < KINDS.size(); k++) {
            System.out.printf(Locale.ROOT, "| %s | %.1f | %.1f | %.1f | %.0f |%n", KINDS.get(k), cold[k], warm[k][0],
                    warm[k][1], warm[k][2]);
        }
        System.out.printf(Locale.ROOT, "| **ratio java / native** | **%.2f** | **%.2f** | **%.2f** | **%.2f** |%n",
                cold[0] / cold[1], warm[0][0] / warm[1][0], warm[0][1] / warm[1][1], warm[0][2] / warm[1][2]);
    }

    private static TextTokenizer load(String kind, Path tokenizerJson, int maxLength) {
        return kind.equals("java") ? WordPieceTokenizer.load(tokenizerJson, maxLength)
                : NativeTokenizer.load(tokenizerJson, maxLength);
    }

    private static double coldMedian(String kind, Path tokenizerJson) throws Exception {
        double[] runs = new double[5];
        for (int i = 0; i < runs.length; i++) {
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                    System.getProperty("java.class.path"), TokenizerComparison.class.getName(), "--cold", kind,
                    tokenizerJson.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String line;
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                line = r.readLine();
            }
            if (p.waitFor() != 0 || line == null) {
                throw new IllegalStateException("the cold run of the " + kind + " tokenizer failed");
            }
            runs[i] = Double.parseDouble(line.strip());
        }
        Arrays.sort(runs);
        return runs[2];
    }

    /** p50 and p99 per text in microseconds, and texts per second. */
    private static double[] warm(String kind, Path tokenizerJson, List<String> texts) {
        try (TextTokenizer tokenizer = load(kind, tokenizerJson, 256)) {
            for (int i = 0; i < 2; i++) {
                for (String text : texts) {
                    tokenizer.encode(text);
                }
            }
            List<Double> each = new ArrayList<>();
            long total = 0;
            for (int pass = 0; pass < 5; pass++) {
                for (String text : texts) {
                    long start = System.nanoTime();
                    tokenizer.encode(text);
                    long took = System.nanoTime() - start;
                    total += took;
                    each.add(took / 1e3);
                }
            }
            each.sort(null);
            return new double[] {each.get(each.size() / 2), each.get((int) (each.size() * 0.99)),
                each.size() / (total / 1e9)};
        }
    }
}
