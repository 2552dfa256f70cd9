package lambert.lambda.events;

import java.util.Locale;

/**
 * The shapes of event the function accepts, with what each service allows: the largest response it takes from
 * the function, and how long a gateway in front waits for it.
 */
public enum EventKind {
    /** A direct invocation: the event is the request JSON itself. */
    DIRECT("direct", "a direct invocation", null, Limit.LAMBDA, 0),
    /** API Gateway REST API, Lambda proxy integration (payload format 1.0). */
    API_GATEWAY_V1("apigw-rest", "an API Gateway REST API event", "httpMethod", Limit.LAMBDA, 29_000),
    /** API Gateway HTTP API (payload format 2.0). */
    HTTP_API_V2("apigw-http", "an API Gateway HTTP API event (payload format 2.0)", "requestContext.http.method",
            Limit.LAMBDA, 30_000),
    /** A Lambda function URL (same shape as payload format 2.0). */
    FUNCTION_URL("function-url", "a function URL event", "requestContext.http.method", Limit.LAMBDA, 0),
    /** An Application Load Balancer target. */
    ALB("alb", "an Application Load Balancer event", "httpMethod", Limit.ALB, 0),
    /** A VPC Lattice target group with Lambda event structure version V1 ({@code raw_path}, string headers). */
    LATTICE_V1("vpc-lattice-v1", "a VPC Lattice event (V1)", "method", Limit.LAMBDA, 0),
    /** A VPC Lattice target group with Lambda event structure version V2 ({@code "version": "2.0"}, list headers). */
    LATTICE_V2("vpc-lattice-v2", "a VPC Lattice event (V2)", "method", Limit.LAMBDA, 0);

    /**
     * The largest response Lambda returns from a synchronous invocation: "6 MB each for request and response"
     * (Lambda quotas); Lambda's own error names 6,291,556 bytes, so 6 MiB is on the safe side. API Gateway (REST
     * and HTTP APIs allow 10 MB payloads), function URLs (buffered) and VPC Lattice ("the maximum size of the
     * response JSON that the Lambda function can send is 6 MB") all get the function's answer through it.
     */
    public static final long LAMBDA_RESPONSE_BYTES = 6L << 20;
    /**
     * The largest response an Application Load Balancer takes from a Lambda target: "the maximum size of the
     * response JSON that the Lambda function can send is 1 MB". AWS does not say whether that MB is 10^6 or 2^20
     * bytes; the smaller is safe either way.
     */
    public static final long ALB_RESPONSE_BYTES = 1_000_000;

    private final String id;
    private final String description;
    private final String methodField;
    private final Limit limit;
    private final long gatewayTimeoutMillis;

    EventKind(String id, String description, String methodField, Limit limit, long gatewayTimeoutMillis) {
        this.id = id;
        this.description = description;
        this.methodField = methodField;
        this.limit = limit;
        this.gatewayTimeoutMillis = gatewayTimeoutMillis;
    }

    /** The name used in logs. */
    public String id() {
        return id;
    }

    /** What the event is, for messages: "an Application Load Balancer event". */
    public String description() {
        return description;
    }

    /** Where the event carries its HTTP method ({@code requestContext.http.method}); null for a direct call. */
    public String methodField() {
        return methodField;
    }

    /** The largest response, in bytes as Lambda counts them (the whole JSON written), that the caller takes. */
    public long maxResponseBytes() {
        return limit.bytes;
    }

    /** The limit on the response, for messages: "the 1 MB (1,000,000 bytes) an Application Load Balancer ...". */
    public String responseLimit() {
        return String.format(Locale.ROOT, "the %s (%,d bytes) %s", limit.name, limit.bytes, limit.who);
    }

    /**
     * How long the gateway in front waits for the function by default, counted from the request time it puts in the
     * event: 29 s for REST APIs (their integration timeout's default and, for edge-optimised APIs, its maximum), 30
     * s for HTTP APIs (their maximum); 0 where the function's own timeout is the only limit.
     */
    public long gatewayTimeoutMillis() {
        return gatewayTimeoutMillis;
    }

    private enum Limit {
        LAMBDA("6 MB", LAMBDA_RESPONSE_BYTES, "Lambda returns from a synchronous invocation"),
        ALB("1 MB", ALB_RESPONSE_BYTES, "an Application Load Balancer takes from a Lambda target");

        private final String name;
        private final long bytes;
        private final String who;

        Limit(String name, long bytes, String who) {
            this.name = name;
            this.bytes = bytes;
            this.who = who;
        }
    }
}
