package lambert.benchmarks;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.jr.ob.JSON;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What each JSON layer costs at cold start: in a fresh JVM, the time and classes loaded to parse one
 * request and write one 384-float response, for Jackson's streaming core (lambert's choice),
 * jackson-jr and full data binding. Median of 5 fresh processes each.
 *
 * <pre>
 * ./mvnw -q -DskipTests -pl benchmarks -am package
 * java -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" lambert.benchmarks.JsonColdStart
 * </pre>
 */
public final class JsonColdStart {
    private static final byte[] REQUEST = "{\"texts\":[\"a\",\"b\"],\"parameters\":{\"top_k\":2}}"
            .getBytes(StandardCharsets.UTF_8);

    private JsonColdStart() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 1) {
            long start = System.nanoTime();
            once(args[0]);
            System.out.printf(Locale.ROOT, "%.2f %d%n", (System.nanoTime() - start) / 1e6,
                    ManagementFactory.getClassLoadingMXBean().getLoadedClassCount());
            return;
        }
        System.out.println("| JSON layer | first parse + write, fresh JVM (ms, median of 5) | classes loaded |");
        System.out.println("|---|---|---|");
        for (String layer : List.of("streaming", "jr", "databind")) {
            List<double[]> runs = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                runs.add(child(layer));
            }
            runs.sort((a, b) -> Double.compare(a[0], b[0]));
            double[] median = runs.get(2);
            System.out.printf(Locale.ROOT, "| %s | %.1f | %.0f |%n", layer, median[0], median[1]);
        }
    }

    private static double[] child(String layer) throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), JsonColdStart.class.getName(), layer).start();
        String line;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            line = r.readLine();
        }
        p.waitFor();
        String[] parts = line.split(" ");
        return new double[] {Double.parseDouble(parts[0]), Double.parseDouble(parts[1])};
    }

    private static void once(String layer) throws Exception {
        float[] vector = new float[384];
        for (int i = 0; i < vector.length; i++) {
            vector[i] = i * 0.001f;
        }
        switch (layer) {
            case "streaming": {
                JsonFactory factory = new JsonFactory();
                try (JsonParser parser = factory.createParser(REQUEST)) {
                    while (parser.nextToken() != null) {
                        parser.getText();
                    }
                }
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                try (JsonGenerator g = factory.createGenerator(out)) {
                    g.writeStartObject();
                    g.writeArrayFieldStart("embedding");
                    for (float v : vector) {
                        g.writeNumber(v);
                    }
                    g.writeEndArray();
                    g.writeEndObject();
                }
                break;
            }
            case "jr":
                JSON.std.mapFrom(REQUEST);
                JSON.std.asBytes(Map.of("embedding", vector));
                break;
            default: {
                ObjectMapper mapper = new ObjectMapper();
                mapper.readValue(REQUEST, Map.class);
                mapper.writeValueAsBytes(Map.of("embedding", vector));
            }
        }
    }
}
