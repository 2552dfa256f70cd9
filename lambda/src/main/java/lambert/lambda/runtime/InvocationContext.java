package lambert.lambda.runtime;

import com.amazonaws.services.lambda.runtime.Client;
import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import lambert.base.json.Json;
import lambert.base.json.JsonException;

/**
 * The {@link Context} of one event: its headers ({@link Invocation}) and the function's variables. The remaining time
 * is the deadline header less the wall clock; the client context and Cognito identity are read from their JSON headers
 * when asked for (null when absent or not JSON objects).
 */
final class InvocationContext implements Context {
    private final Invocation invocation;
    private final Map<String, String> env;
    private final LongSupplier clock;
    private final LambdaLogger logger;

    InvocationContext(Invocation invocation, Map<String, String> env, LongSupplier clock, PrintStream log) {
        this.invocation = invocation;
        this.env = env;
        this.clock = clock;
        this.logger = new LambdaLogger() {
            @Override
            public void log(String message) {
                log.print(message);
                log.flush();
            }

            @Override
            public void log(byte[] message) {
                log.write(message, 0, message.length);
                log.flush();
            }
        };
    }

    @Override
    public String getAwsRequestId() {
        return invocation.requestId();
    }

    @Override
    public String getLogGroupName() {
        return env.get("AWS_LAMBDA_LOG_GROUP_NAME");
    }

    @Override
    public String getLogStreamName() {
        return env.get("AWS_LAMBDA_LOG_STREAM_NAME");
    }

    @Override
    public String getFunctionName() {
        return env.get("AWS_LAMBDA_FUNCTION_NAME");
    }

    @Override
    public String getFunctionVersion() {
        return env.get("AWS_LAMBDA_FUNCTION_VERSION");
    }

    @Override
    public String getInvokedFunctionArn() {
        return invocation.functionArn();
    }

    @Override
    public CognitoIdentity getIdentity() {
        Map<?, ?> identity = object(invocation.cognitoIdentity());
        if (identity == null) {
            return null;
        }
        String id = string(identity, "cognitoIdentityId");
        String pool = string(identity, "cognitoIdentityPoolId");
        return new CognitoIdentity() {
            @Override
            public String getIdentityId() {
                return id;
            }

            @Override
            public String getIdentityPoolId() {
                return pool;
            }
        };
    }

    @Override
    public ClientContext getClientContext() {
        Map<?, ?> context = object(invocation.clientContext());
        if (context == null) {
            return null;
        }
        Map<?, ?> client = context.get("client") instanceof Map<?, ?> m ? m : Map.of();
        Client caller = new Client() {
            @Override
            public String getInstallationId() {
                return string(client, "installation_id");
            }

            @Override
            public String getAppTitle() {
                return string(client, "app_title");
            }

            @Override
            public String getAppVersionName() {
                return string(client, "app_version_name");
            }

            @Override
            public String getAppVersionCode() {
                return string(client, "app_version_code");
            }

            @Override
            public String getAppPackageName() {
                return string(client, "app_package_name");
            }
        };
        Map<String, String> custom = strings(context.get("custom"));
        Map<String, String> environment = strings(context.get("env"));
        return new ClientContext() {
            @Override
            public Client getClient() {
                return caller;
            }

            @Override
            public Map<String, String> getCustom() {
                return custom;
            }

            @Override
            public Map<String, String> getEnvironment() {
                return environment;
            }
        };
    }

    @Override
    public int getRemainingTimeInMillis() {
        long left = invocation.deadlineEpochMs() - clock.getAsLong();
        return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, left));
    }

    @Override
    public int getMemoryLimitInMB() {
        try {
            return Integer.parseInt(env.getOrDefault("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128"));
        } catch (NumberFormatException e) {
            return 128;
        }
    }

    @Override
    public LambdaLogger getLogger() {
        return logger;
    }

    @Override
    public String getXrayTraceId() {
        return invocation.traceId();
    }

    private static Map<?, ?> object(String json) {
        if (json == null || json.isBlank()) {
            return null;
        }
        try {
            return Json.parse(json.getBytes(StandardCharsets.UTF_8)) instanceof Map<?, ?> m ? m : null;
        } catch (JsonException e) {
            return null;
        }
    }

    private static String string(Map<?, ?> map, String key) {
        return map.get(key) instanceof String s ? s : null;
    }

    private static Map<String, String> strings(Object value) {
        Map<String, String> out = new LinkedHashMap<>();
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> {
                if (v instanceof String s) {
                    out.put(String.valueOf(k), s);
                }
            });
        }
        return out;
    }
}
