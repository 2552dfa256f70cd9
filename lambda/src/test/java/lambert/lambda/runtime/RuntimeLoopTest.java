package lambert.lambda.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import lambert.base.json.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The loop against a local Runtime API that records what it receives: the paths, headers and bodies are checked
 * against AWS's Runtime API page (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html), not against the
 * loop's own constants.
 */
class RuntimeLoopTest {
    private static final String ID = "8476a536-e9f4-11e8-9739-2dfe598c3fcd";
    private static final long DEADLINE = 1_700_000_030_000L;

    private RuntimeApiRecorder api;

    @BeforeEach
    void start() throws IOException {
        api = new RuntimeApiRecorder();
    }

    @AfterEach
    void stop() {
        api.close();
    }

    private static Map<String, String> headers() {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Lambda-Runtime-Aws-Request-Id", ID);
        h.put("Lambda-Runtime-Deadline-Ms", Long.toString(DEADLINE));
        h.put("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-1:123456789012:function:f");
        h.put("Lambda-Runtime-Trace-Id", "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1");
        return h;
    }

    private RuntimeLoop loop(RequestStreamHandler handler) {
        return new RuntimeLoop(new RuntimeApiClient(api.hostPort()), handler,
                Map.of("AWS_LAMBDA_FUNCTION_NAME", "f", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "512",
                        "AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/f"),
                () -> DEADLINE - 1234, new PrintStream(new ByteArrayOutputStream()));
    }

    @Test
    void serveOne_answer_postedToResponseOfTheRequestId() throws IOException {
        api.queue(headers(), "{\"text\":\"hi\"}".getBytes(StandardCharsets.UTF_8));
        String id = loop((in, out, context) -> {
            out.write("[".getBytes(StandardCharsets.UTF_8));
            in.transferTo(out);
            out.write("]".getBytes(StandardCharsets.UTF_8));
        }).serveOne();

        assertThat(id).isEqualTo(ID);
        assertThat(api.requests).hasSize(2);
        assertThat(api.requests.get(0).method()).isEqualTo("GET");
        assertThat(api.requests.get(0).path()).isEqualTo("/2018-06-01/runtime/invocation/next");
        RuntimeApiRecorder.Request post = api.requests.get(1);
        assertThat(post.method()).isEqualTo("POST");
        assertThat(post.path()).isEqualTo("/2018-06-01/runtime/invocation/" + ID + "/response");
        assertThat(new String(post.body(), StandardCharsets.UTF_8)).isEqualTo("[{\"text\":\"hi\"}]");
        assertThat(post.header("Lambda-Runtime-Function-Error-Type")).isNull();
    }

    @Test
    void serveOne_handlerThrows_errorJsonWithTypeHeader() throws Exception {
        api.queue(headers(), "{}".getBytes(StandardCharsets.UTF_8));
        loop((in, out, context) -> {
            throw new IllegalStateException("model failed: no output");
        }).serveOne();

        RuntimeApiRecorder.Request post = api.requests.get(1);
        assertThat(post.path()).isEqualTo("/2018-06-01/runtime/invocation/" + ID + "/error");
        assertThat(post.header("Lambda-Runtime-Function-Error-Type")).isEqualTo("Runtime.UserException");
        Map<?, ?> body = (Map<?, ?>) Json.parse(post.body());
        assertThat(body.get("errorMessage")).isEqualTo("model failed: no output");
        assertThat(body.get("errorType")).isEqualTo("java.lang.IllegalStateException");
        assertThat((List<?>) body.get("stackTrace")).isNotEmpty();
    }

    @Test
    void serveOne_context_fromTheEventsHeadersAndEnvironment() throws IOException {
        Map<String, String> h = headers();
        h.put("Lambda-Runtime-Client-Context", "{\"client\":{\"installation_id\":\"inst-1\",\"app_title\":\"app\"},"
                + "\"custom\":{\"k\":\"v\"},\"env\":{\"platform\":\"Android\"}}");
        h.put("Lambda-Runtime-Cognito-Identity", "{\"cognitoIdentityId\":\"us-east-1:abc\","
                + "\"cognitoIdentityPoolId\":\"us-east-1:pool\"}");
        api.queue(h, "{}".getBytes(StandardCharsets.UTF_8));
        AtomicReference<String> seen = new AtomicReference<>();
        loop((in, out, context) -> seen.set(String.join("|", context.getAwsRequestId(),
                Integer.toString(context.getRemainingTimeInMillis()), context.getInvokedFunctionArn(),
                context.getFunctionName(), Integer.toString(context.getMemoryLimitInMB()), context.getLogGroupName(),
                context.getXrayTraceId(), System.getProperty("com.amazonaws.xray.traceHeader"),
                context.getClientContext().getClient().getInstallationId(),
                context.getClientContext().getClient().getAppTitle(), context.getClientContext().getCustom().get("k"),
                context.getClientContext().getEnvironment().get("platform"), context.getIdentity().getIdentityId(),
                context.getIdentity().getIdentityPoolId()))).serveOne();

        String trace = headers().get("Lambda-Runtime-Trace-Id");
        assertThat(seen.get()).isEqualTo(String.join("|", ID, "1234",
                "arn:aws:lambda:us-east-1:123456789012:function:f", "f", "512", "/aws/lambda/f", trace, trace,
                "inst-1", "app", "v", "Android", "us-east-1:abc", "us-east-1:pool"));
    }

    @Test
    void serveOne_noTraceOrMobileHeaders_nullsAndTracePropertyCleared() throws IOException {
        System.setProperty(RuntimeLoop.TRACE_PROPERTY, "from an earlier event");
        Map<String, String> h = headers();
        h.remove("Lambda-Runtime-Trace-Id");
        api.queue(h, "{}".getBytes(StandardCharsets.UTF_8));
        AtomicReference<Context> seen = new AtomicReference<>();
        AtomicReference<String> property = new AtomicReference<>("unset");
        loop((in, out, context) -> {
            seen.set(context);
            property.set(System.getProperty(RuntimeLoop.TRACE_PROPERTY));
        }).serveOne();

        assertThat(property.get()).isNull();
        assertThat(seen.get().getXrayTraceId()).isNull();
        assertThat(seen.get().getClientContext()).isNull();
        assertThat(seen.get().getIdentity()).isNull();
    }

    @Test
    void next_withoutRequestId_failsNamingTheHeader() {
        Map<String, String> h = headers();
        h.remove("Lambda-Runtime-Aws-Request-Id");
        api.queue(h, "{}".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> new RuntimeApiClient(api.hostPort()).next())
                .isInstanceOf(IOException.class).hasMessageContaining("Lambda-Runtime-Aws-Request-Id");
    }

    @Test
    void next_badDeadline_failsNamingTheHeaderAndValue() {
        Map<String, String> h = headers();
        h.put("Lambda-Runtime-Deadline-Ms", "soon");
        api.queue(h, "{}".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> new RuntimeApiClient(api.hostPort()).next())
                .isInstanceOf(IOException.class).hasMessageContaining("Lambda-Runtime-Deadline-Ms")
                .hasMessageContaining("\"soon\"");
    }

    @Test
    void failInit_postsToInitErrorWithTypeHeader() throws Exception {
        new RuntimeApiClient(api.hostPort()).failInit("Runtime.BadFunctionCode",
                new ClassNotFoundException("example.Missing"));

        RuntimeApiRecorder.Request post = api.requests.get(0);
        assertThat(post.method()).isEqualTo("POST");
        assertThat(post.path()).isEqualTo("/2018-06-01/runtime/init/error");
        assertThat(post.header("Lambda-Runtime-Function-Error-Type")).isEqualTo("Runtime.BadFunctionCode");
        assertThat(post.header("Content-Type")).isEqualTo("application/json");
        Map<?, ?> body = (Map<?, ?>) Json.parse(post.body());
        assertThat(body.get("errorMessage")).isEqualTo("example.Missing");
        assertThat(body.get("errorType")).isEqualTo("java.lang.ClassNotFoundException");
    }

    @Test
    void load_handlerSetting_classBeforeColonsMadeWithItsConstructor() throws Exception {
        assertThat(RuntimeLoop.load(EchoHandler.class.getName() + "::handleRequest")).isInstanceOf(EchoHandler.class);
        assertThatThrownBy(() -> RuntimeLoop.load("example.Missing::handleRequest"))
                .isInstanceOf(ClassNotFoundException.class).hasMessageContaining("example.Missing");
        assertThatThrownBy(() -> RuntimeLoop.load("java.lang.String::length"))
                .isInstanceOf(ClassCastException.class).hasMessageContaining("java.lang.String");
        assertThatThrownBy(() -> RuntimeLoop.load(" ")).hasMessageContaining("_HANDLER");
    }

    @Test
    void constructor_noRuntimeApi_namesTheVariable() {
        assertThatThrownBy(() -> new RuntimeApiClient(null)).hasMessageContaining("AWS_LAMBDA_RUNTIME_API");
    }

    @Test
    void initLine_sharingOrNot_saysWhetherTheCacheIsUsedAndWhy() throws Exception {
        Map<?, ?> used = (Map<?, ?>) Json.parse(RuntimeLoop.initLine("mixed mode, sharing", null)
                .getBytes(StandardCharsets.UTF_8));
        Map<?, ?> skipped = (Map<?, ?>) Json.parse(RuntimeLoop.initLine("mixed mode",
                "lib/x.jar differs from the training run").getBytes(StandardCharsets.UTF_8));
        assertThat(used.get("aotCache")).isEqualTo("used");
        assertThat(skipped.get("aotCache")).isEqualTo("not used: lib/x.jar differs from the training run");
    }

    /** A handler for {@code load}: public, with a no-argument constructor. */
    public static final class EchoHandler implements RequestStreamHandler {
        @Override
        public void handleRequest(java.io.InputStream in, java.io.OutputStream out, Context context)
                throws IOException {
            in.transferTo(out);
        }
    }
}
