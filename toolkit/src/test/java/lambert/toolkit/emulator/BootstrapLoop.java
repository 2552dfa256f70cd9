package lambert.toolkit.emulator;

import java.io.IOException;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * A custom runtime for the emulator's tests: the loop a {@code provided.al2023} {@code bootstrap} runs, written from
 * AWS's Runtime API page (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html) with nothing but
 * {@code java.base}, none of lambert's code and not AWS's client. It asks for the next event, and answers each with
 * the event itself, the folder it runs in, its cgroup's CPU quota at INIT and now, the deadline header, and the
 * documented variables it sees ({@link #VARIABLES}). With {@code LOOP_INIT_ERROR} set it reports that text as an init
 * error instead and exits. {@code CustomRuntimeTest} packages it behind a shell {@code bootstrap} that starts this
 * machine's {@code java}.
 */
public final class BootstrapLoop {
    /**
     * The variables AWS's "Defined runtime environment variables" table lists (reserved and not), as a function sees
     * them; the credentials and {@code _X_AMZN_TRACE_ID} left out.
     */
    static final List<String> VARIABLES = List.of("_HANDLER", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_EXECUTION_ENV",
            "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION",
            "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME",
            "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR", "TZ", "LANG", "PATH",
            "LD_LIBRARY_PATH");

    private BootstrapLoop() {}

    /** The loop: never returns unless INIT is told to fail. */
    public static void main(String[] args) throws IOException {
        String api = "http://" + System.getenv("AWS_LAMBDA_RUNTIME_API") + "/2018-06-01/runtime/";
        String atInit = Cgroup.quota();
        String initError = System.getenv("LOOP_INIT_ERROR");
        if (initError != null) {
            post(api + "init/error", "{\"errorMessage\": " + quote(initError) + ", \"errorType\": \"Loop.InitError\", "
                    + "\"stackTrace\": []}", "Loop.InitError");
            System.exit(1);
        }
        while (true) {
            HttpURLConnection next = (HttpURLConnection) new URL(api + "invocation/next").openConnection();
            String event = new String(next.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String id = next.getHeaderField("Lambda-Runtime-Aws-Request-Id");
            String answer = "{\"event\": " + event + ", \"cwd\": " + quote(Path.of("").toAbsolutePath().toString())
                    + ", \"init\": " + quote(atInit) + ", \"invoke\": " + quote(Cgroup.quota()) + ", \"deadline\": "
                    + quote(String.valueOf(next.getHeaderField("Lambda-Runtime-Deadline-Ms"))) + ", \"env\": "
                    + variables() + "}";
            post(api + "invocation/" + id + "/response", answer, null);
        }
    }

    private static void post(String url, String body, String errorType) throws IOException {
        HttpURLConnection post = (HttpURLConnection) new URL(url).openConnection();
        post.setRequestMethod("POST");
        post.setDoOutput(true);
        if (errorType != null) {
            post.setRequestProperty("Lambda-Runtime-Function-Error-Type", errorType);
        }
        try (OutputStream out = post.getOutputStream()) {
            out.write(body.getBytes(StandardCharsets.UTF_8));
        }
        post.getInputStream().readAllBytes();
    }

    /** The documented Lambda variables this process sees, as a JSON object (absent ones left out). */
    static String variables() {
        StringBuilder json = new StringBuilder("{");
        for (String name : VARIABLES) {
            String value = System.getenv(name);
            if (value != null) {
                json.append(json.length() > 1 ? ", " : "").append(quote(name)).append(": ").append(quote(value));
            }
        }
        return json.append('}').toString();
    }

    /** {@code value} as a JSON string literal (quotes, backslashes and control characters escaped). */
    static String quote(String value) {
        StringBuilder s = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            if (c == '"' || c == '\\') {
                s.append('\\').append(c);
            } else if (c < 0x20) {
                s.append(String.format("\\u%04x", (int) c));
            } else {
                s.append(c);
            }
        }
        return s.append('"').toString();
    }
}
