package lambert.toolkit.aws;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import lambert.base.json.Json;

/**
 * The identity-based policy an IAM user or role needs to call a function URL whose AuthType is
 * {@code AWS_IAM}. Since October 2025 a new function URL needs both {@code lambda:InvokeFunctionUrl}
 * and {@code lambda:InvokeFunction} (AWS Lambda developer guide, "Control access to Lambda function
 * URLs"); a caller granted only the first is refused with 403.
 *
 * <pre>{@code
 * String policy = UrlCallerPolicy.forFunction("arn:aws:lambda:us-east-1:123456789012:function:embed:live");
 * }</pre>
 */
public final class UrlCallerPolicy {
    /** The actions a caller needs, in the order the policy lists them. */
    public static final String[] ACTIONS = {"lambda:InvokeFunctionUrl", "lambda:InvokeFunction"};

    private UrlCallerPolicy() {}

    /**
     * The policy document, pretty-printed, allowing both actions on {@code functionArn}: the URL's
     * function ARN with its alias qualifier, so the caller may call that alias and nothing else.
     */
    public static String forFunction(String functionArn) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = Json.generator(out)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeStringField("Version", "2012-10-17");
            g.writeArrayFieldStart("Statement");
            g.writeStartObject();
            g.writeStringField("Sid", "CallFunctionUrl");
            g.writeStringField("Effect", "Allow");
            g.writeArrayFieldStart("Action");
            for (String action : ACTIONS) {
                g.writeString(action);
            }
            g.writeEndArray();
            g.writeStringField("Resource", functionArn);
            g.writeEndObject();
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
