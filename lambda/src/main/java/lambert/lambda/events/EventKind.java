package lambert.lambda.events;

/** The shapes of event the function accepts. */
public enum EventKind {
    /** A direct invocation: the event is the request JSON itself. */
    DIRECT("direct"),
    /** API Gateway REST API, Lambda proxy integration (payload format 1.0). */
    API_GATEWAY_V1("apigw-rest"),
    /** API Gateway HTTP API (payload format 2.0). */
    HTTP_API_V2("apigw-http"),
    /** A Lambda function URL (same shape as payload format 2.0). */
    FUNCTION_URL("function-url"),
    /** An Application Load Balancer target. */
    ALB("alb");

    private final String id;

    EventKind(String id) {
        this.id = id;
    }

    /** The name used in logs. */
    public String id() {
        return id;
    }
}
