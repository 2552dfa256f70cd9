package lambert.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import lambert.base.json.Json;
import lambert.lambda.events.EventKind;
import lambert.runtime.Predictions;
import lambert.runtime.contract.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The per-invocation log line against the key names of Powertools for AWS Lambda's structured logging and the
 * rules of CloudWatch's embedded metric format ({@link EmfSpec}).
 */
class InvocationLogTest {
    /**
     * The keys Powertools for AWS Lambda (Python, Java v2, TypeScript) writes on every structured log line, from its
     * documentation's "standard structured keys" and "Lambda context keys" tables.
     */
    private static final List<String> POWERTOOLS_KEYS = List.of("timestamp", "level", "message", "service",
            "cold_start", "function_name", "function_memory_size", "function_arn", "function_request_id",
            "xray_trace_id");
    private static final String TRACE = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";

    private final ByteArrayOutputStream logged = new ByteArrayOutputStream();

    @AfterEach
    void clearTrace() {
        System.clearProperty(InvocationLog.TRACE_PROPERTY);
    }

    @Test
    void write_carriesPowertoolsKeysWithLambdaValues() throws Exception {
        System.setProperty(InvocationLog.TRACE_PROPERTY, TRACE);
        InvocationLog log = log(Map.of());
        long before = System.currentTimeMillis();
        log.write(new TestContext("req-1"), EventKind.DIRECT, answered(), 2, 5_000_000, false);
        long after = System.currentTimeMillis();
        Map<String, Object> line = lines().get(0);
        assertThat(line.keySet()).containsAll(POWERTOOLS_KEYS);
        long at = Instant.from(DateTimeFormatter.ISO_INSTANT.parse((String) line.get("timestamp"))).toEpochMilli();
        assertThat(at).isBetween(before, after);
        assertThat((String) line.get("timestamp")).endsWith("Z");
        assertThat(line.get("level")).isEqualTo("INFO");
        assertThat(line.get("message")).isEqualTo("answered 2 texts");
        assertThat(line.get("cold_start")).isEqualTo(true);
        assertThat(line.get("function_name")).isEqualTo("test");
        assertThat(line.get("function_memory_size")).isEqualTo(1769L);
        assertThat(line.get("function_arn")).isEqualTo("arn:aws:lambda:us-east-1:123456789012:function:test");
        assertThat(line.get("function_request_id")).isEqualTo("req-1");
        assertThat(line.get("xray_trace_id")).isEqualTo("1-5759e988-bd862e3fe1be46a994272793");
        // lambert's own fields stay
        assertThat(line.get("requestId")).isEqualTo("req-1");
        assertThat(line.get("tokens")).isEqualTo(9L);
        assertThat(line.get("totalMs")).isEqualTo(5.0);
        assertThat(line).doesNotContainKey("_aws");
    }

    @Test
    void write_coldStartOnFirstInvocationAndAfterRestoreOnly() throws Exception {
        InvocationLog log = log(Map.of());
        log.write(new TestContext("a"), EventKind.DIRECT, answered(), 2, 1, false);
        log.write(new TestContext("b"), EventKind.DIRECT, answered(), 2, 1, false);
        log.write(new TestContext("c"), EventKind.DIRECT, answered(), 2, 1, true);
        log.write(new TestContext("d"), EventKind.DIRECT, answered(), 2, 1, false);
        assertThat(lines().stream().map(l -> l.get("cold_start")).toList()).containsExactly(true, false, true, false);
    }

    @Test
    void write_withoutContextFallsBackToLambdasVariables() throws Exception {
        InvocationLog log = log(Map.of("AWS_LAMBDA_FUNCTION_NAME", "embedder", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
                "512", "_X_AMZN_TRACE_ID", TRACE));
        log.write(null, EventKind.DIRECT, answered(), 2, 1, false);
        Map<String, Object> line = lines().get(0);
        assertThat(line.get("function_name")).isEqualTo("embedder");
        assertThat(line.get("function_memory_size")).isEqualTo(512L);
        assertThat(line.get("xray_trace_id")).isEqualTo("1-5759e988-bd862e3fe1be46a994272793");
        assertThat(line).doesNotContainKey("function_request_id");
    }

    @Test
    void write_emfLineFollowsTheSpecification() throws Exception {
        InvocationLog log = log(Map.of("LAMBERT_METRICS", "emf"));
        log.write(new TestContext("a"), EventKind.DIRECT, answered(), 2, 3_000_000, false);
        log.write(new TestContext("b"), EventKind.DIRECT, refused(), 0, 1_000_000, false);
        List<Map<String, Object>> lines = lines();
        for (Map<String, Object> line : lines) {
            assertThat(EmfSpec.violations(line)).as(line.toString()).isEmpty();
        }
        Map<?, ?> directive = (Map<?, ?>) ((List<?>) ((Map<?, ?>) lines.get(0).get("_aws")).get("CloudWatchMetrics"))
                .get(0);
        assertThat(directive.get("Namespace")).isEqualTo("lambert");
        assertThat(directive.get("Dimensions")).isEqualTo(List.of(List.of("function_name")));
        assertThat(((List<?>) directive.get("Metrics")).stream().map(m -> (Object) ((Map<?, ?>) m).get("Name")).toList())
                .isEqualTo(List.of("texts", "tokens", "inferenceMs", "totalMs", "coldStarts"));
        assertThat(lines.get(0).get("coldStarts")).isEqualTo(1L);
        assertThat(lines.get(1).get("coldStarts")).isEqualTo(0L);
    }

    @Test
    void emfSpec_findsWhatBreaksIt() {
        Map<String, Object> broken = new HashMap<>();
        broken.put("texts", "two");
        broken.put("_aws", Map.of("Timestamp", 1.5, "CloudWatchMetrics", List.of(Map.of("Namespace", "",
                "Dimensions", List.of(List.of("function_name")), "Metrics", List.of(Map.of("Name", "texts", "Unit",
                        "Texts"))))));
        assertThat(EmfSpec.violations(broken)).hasSize(5);
        assertThat(EmfSpec.violations(Map.of("texts", 2L))).containsExactly("no _aws object");
    }

    @Test
    void write_metricsNamespaceAndServiceFromTheEnvironment() throws Exception {
        InvocationLog log = log(Map.of("LAMBERT_METRICS", "EMF", "LAMBERT_METRICS_NAMESPACE", "search",
                "POWERTOOLS_SERVICE_NAME", "catalogue"));
        log.write(null, EventKind.DIRECT, answered(), 2, 1, false);
        Map<String, Object> line = lines().get(0);
        assertThat(line.get("service")).isEqualTo("catalogue");
        assertThat(EmfSpec.violations(line)).isEmpty();
        assertThat(line.toString()).contains("Namespace=search").contains("Dimensions=[[service]]");
    }

    @Test
    void write_warnLevelKeepsMetricLinesOnlyWhenMetricsAreOn() throws Exception {
        log(Map.of(), Settings.LogLevel.WARN).write(null, EventKind.DIRECT, answered(), 2, 1, false);
        assertThat(logged.size()).isZero();
        log(Map.of("LAMBERT_METRICS", "emf"), Settings.LogLevel.WARN).write(null, EventKind.DIRECT, answered(), 2, 1,
                false);
        assertThat(lines()).hasSize(1);
    }

    @Test
    void constructor_refusesAnUnknownMetricsValueNamingTheVariable() {
        assertThatThrownBy(() -> log(Map.of("LAMBERT_METRICS", "prometheus")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("LAMBERT_METRICS must be off or emf, found \"prometheus\"");
    }

    @Test
    void traceRoot_takesTheRootOfTheHeader() {
        assertThat(InvocationLog.traceRoot(TRACE)).isEqualTo("1-5759e988-bd862e3fe1be46a994272793");
        assertThat(InvocationLog.traceRoot("Sampled=0;Root=1-abc-def")).isEqualTo("1-abc-def");
        assertThat(InvocationLog.traceRoot("1-abc-def")).isEqualTo("1-abc-def");
        assertThat(InvocationLog.traceRoot("Parent=x;Sampled=1")).isNull();
        assertThat(InvocationLog.traceRoot("")).isNull();
    }

    @Test
    void isoUtc_matchesJavaTime() {
        DateTimeFormatter reference = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
                .withZone(ZoneOffset.UTC);
        List<Long> instants = new ArrayList<>(List.of(0L, -1L, 951_782_400_000L /* 2000-02-29 */,
                4_107_542_399_999L /* 2100-02-28T23:59:59.999 */, 253_402_300_799_999L /* 9999-12-31 */,
                1_796_000_000_123L));
        Random random = new Random(16);
        for (int i = 0; i < 10_000; i++) {
            instants.add(Math.floorMod(random.nextLong(), 253_402_300_800_000L));
        }
        for (long millis : instants) {
            assertThat(InvocationLog.isoUtc(millis)).as("%d", millis)
                    .isEqualTo(reference.format(Instant.ofEpochMilli(millis)));
        }
    }

    private InvocationLog log(Map<String, String> env) {
        return log(env, Settings.LogLevel.INFO);
    }

    private InvocationLog log(Map<String, String> env, Settings.LogLevel level) {
        return new InvocationLog(new PrintStream(logged, true, StandardCharsets.UTF_8), level, env);
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> lines() throws Exception {
        List<Map<String, Object>> out = new ArrayList<>();
        for (String line : logged.toString(StandardCharsets.UTF_8).trim().split("\n")) {
            out.add((Map<String, Object>) Json.parse(line.getBytes(StandardCharsets.UTF_8)));
        }
        return out;
    }

    private static Reply answered() {
        return new Reply(200, new byte[0], null, new Predictions(List.of(), 9, 0, 1, 1_000_000, 2_000_000));
    }

    private static Reply refused() {
        return new Reply(400, new byte[0], "InvalidRequest", null);
    }
}
