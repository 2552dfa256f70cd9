package lambert.toolkit.aws;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lambert.base.json.Json;
import lambert.base.json.JsonException;

/**
 * AWS on 127.0.0.1 for tests: Lambda (REST-JSON), S3 (REST-XML, path-style, multipart, aws-chunked
 * bodies), IAM and STS (query protocol, XML), behind one endpoint override. It checks what the SDK
 * really sends (the operation from method and path, the SigV4 {@code Authorization} header and its
 * credential scope, S3's {@code x-amz-content-sha256} against the body) and answers with the shapes
 * and error codes AWS documents. Whatever it found wrong is in {@link #problems()}; every request is
 * in {@link #calls()}.
 *
 * <pre>{@code
 * try (FakeAws aws = FakeAws.start()) {
 *     System.setProperty("aws.accessKeyId", FakeAws.ACCESS_KEY); // and the secret and region
 *     Lambert.run("deploy", "--endpoint-url", aws.endpoint().toString(), ...);
 * }
 * }</pre>
 */
public final class FakeAws implements AutoCloseable {
    public static final String ACCOUNT = "123456789012";
    public static final String REGION = "us-east-1";
    public static final String ACCESS_KEY = "AKIDLAMBERTTEST";
    public static final String SECRET_KEY = "lambert-test-secret";

    /**
     * One request as the fake received it.
     *
     * @param service the service from the signature's credential scope ({@code lambda}, {@code s3}, ...)
     * @param operation the API operation it was routed to
     */
    public record Call(String service, String operation, String method, String path, Map<String, String> query,
            Map<String, String> headers, byte[] body) {
        /** A header, by case-insensitive name, or null. */
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        /**
         * The JSON body as a map; a {@code ZipFile} (base64 code, up to 67 MB of it) is replaced by
         * {@code "<N bytes>"}, its bytes are in {@link #zipFile()}.
         */
        @SuppressWarnings("unchecked")
        public Map<String, Object> json() {
            String text = new String(body, StandardCharsets.UTF_8);
            int[] zip = zipFileValue(text);
            if (zip != null) {
                text = text.substring(0, zip[0]) + "<" + zipFile().length + " bytes>" + text.substring(zip[1]);
            }
            try {
                return (Map<String, Object>) Json.parse(text.getBytes(StandardCharsets.UTF_8));
            } catch (JsonException e) {
                throw new AssertionError("not JSON: " + text, e);
            }
        }

        /** The decoded {@code ZipFile} of a CreateFunction or UpdateFunctionCode body, or null. */
        public byte[] zipFile() {
            String text = new String(body, StandardCharsets.UTF_8);
            int[] zip = zipFileValue(text);
            return zip == null ? null : Base64.getDecoder().decode(text.substring(zip[0], zip[1]));
        }

        /** Where the ZipFile string's characters start and end (Jackson refuses strings over 20 MB). */
        private static int[] zipFileValue(String text) {
            Matcher m = Pattern.compile("\"ZipFile\"\\s*:\\s*\"").matcher(text);
            if (!m.find()) {
                return null;
            }
            return new int[] {m.end(), text.indexOf('"', m.end())};
        }

        /** A form parameter of a query-protocol body (IAM, STS). */
        public String form(String name) {
            return parseQuery(new String(body, StandardCharsets.UTF_8)).get(name);
        }

        /** Whether this call changes something (anything but Get, List, Head and Invoke). */
        public boolean isWrite() {
            return !(operation.startsWith("Get") || operation.startsWith("List") || operation.startsWith("Head")
                    || operation.equals("Invoke"));
        }

        @Override
        public String toString() {
            return service + ":" + operation;
        }
    }

    /** A canned failure for an operation. */
    private record Failure(String operation, int status, String code, String message) {}

    /**
     * What an invocation returns.
     *
     * @param payload the function's answer
     * @param functionError {@code Unhandled}/{@code Handled}, or null
     * @param log the log lines (the tail is the last 4 KB of them)
     */
    public record InvokeAnswer(byte[] payload, String functionError, List<String> log) {}

    private final HttpServer server;
    private final List<Call> calls = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    private final List<Failure> failures = new ArrayList<>();
    private final Map<String, Fn> functions = new TreeMap<>();
    private final Map<String, Map<String, String>> roles = new TreeMap<>();
    private final Map<String, byte[]> objects = new TreeMap<>();
    private final Map<String, TreeMap<Integer, byte[]>> uploads = new TreeMap<>();
    private int settlePolls = 1;
    private int rolePropagationFailures = 0;
    private Function<Call, InvokeAnswer> invokeHandler;
    private int unreservedConcurrency = 1000;

    /** A function's state. */
    private static final class Fn {
        Map<String, Object> latest;
        final List<Map<String, Object>> versions = new ArrayList<>();
        final Map<String, String> aliases = new TreeMap<>();
        final Map<String, Map<String, Object>> urls = new TreeMap<>();
        final Map<String, List<Map<String, Object>>> policies = new TreeMap<>();
        final Map<String, Integer> provisioned = new TreeMap<>();
        final Map<String, Boolean> warm = new TreeMap<>();
        int pendingPolls;
    }

    private FakeAws() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/", this::handle);
        server.start();
    }

    /** Starts the fake on a free port of 127.0.0.1. */
    public static FakeAws start() throws IOException {
        return new FakeAws();
    }

    /**
     * Runs the fake until the process is stopped and prints its endpoint, to try lambert by hand:
     * {@code java -cp "toolkit/target/test-classes:$(cat cli/target/classpath.txt)"
     * lambert.toolkit.aws.FakeAws}, then {@code AWS_ACCESS_KEY_ID=AKIDLAMBERTTEST AWS_SECRET_ACCESS_KEY=x
     * ./lambert deploy ... --region us-east-1 --endpoint-url URL}.
     */
    public static void main(String[] args) throws Exception {
        FakeAws fake = start();
        System.out.println(fake.endpoint());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.err.println(String.join("\n", fake.operations()));
            fake.close();
        }));
        Thread.currentThread().join();
    }

    /** The endpoint to pass as {@code --endpoint-url}. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Every request so far. */
    public synchronized List<Call> calls() {
        return List.copyOf(calls);
    }

    /** The operations so far, as {@code service:Operation}. */
    public synchronized List<String> operations() {
        return calls.stream().map(Call::toString).toList();
    }

    /** Forgets the calls so far (the state stays). */
    public synchronized void clearCalls() {
        calls.clear();
    }

    /** What the fake found wrong in the requests; empty when the SDK sent what AWS expects. */
    public synchronized List<String> problems() {
        return List.copyOf(problems);
    }

    /** The next {@code times} calls of {@code operation} fail with this status and AWS error code. */
    public synchronized void fail(String operation, int times, int status, String code, String message) {
        for (int i = 0; i < times; i++) {
            failures.add(new Failure(operation, status, code, message));
        }
    }

    /** How many polls a create or update stays Pending / InProgress (default 1). */
    public synchronized void settleAfterPolls(int polls) {
        settlePolls = polls;
    }

    /** The next CreateFunction calls with a fresh role fail as they do while IAM propagates it. */
    public synchronized void rolePropagationFailures(int times) {
        rolePropagationFailures = times;
    }

    /** Another update of the function is in progress for the next {@code polls} polls. */
    public synchronized void updateInProgress(String function, int polls) {
        Fn f = functions.get(function);
        f.pendingPolls = polls;
        f.latest.put("LastUpdateStatus", "InProgress");
    }

    /**
     * A function that exists already, active, with version 1 and the alias {@code live} on it (for tests that only
     * invoke it, without deploying a package first).
     */
    public synchronized void existingFunction(String name, int memoryMb) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("FunctionName", name);
        config.put("FunctionArn", arn(name, null));
        config.put("Version", "$LATEST");
        config.put("MemorySize", (long) memoryMb);
        config.put("State", "Active");
        config.put("LastUpdateStatus", "Successful");
        Fn f = new Fn();
        f.latest = config;
        Map<String, Object> v1 = new LinkedHashMap<>(config);
        v1.put("Version", "1");
        v1.put("FunctionArn", arn(name, "1"));
        f.versions.add(v1);
        f.aliases.put("live", "1");
        functions.put(name, f);
    }

    /**
     * What GetAccountSettings answers as {@code AccountLimit.UnreservedConcurrentExecutions} (default 1000, Lambda's
     * default account concurrency); a negative value makes it fail with AccessDeniedException.
     */
    public synchronized void unreservedConcurrency(int executions) {
        unreservedConcurrency = executions;
    }

    /** How invocations answer (default: {@code {"ok":true}} with a REPORT line). */
    public synchronized void onInvoke(Function<Call, InvokeAnswer> handler) {
        invokeHandler = handler;
    }

    /** A function's $LATEST configuration as the fake holds it. */
    public synchronized Map<String, Object> function(String name) {
        Fn f = functions.get(name);
        return f == null ? null : new LinkedHashMap<>(f.latest);
    }

    /** A function's published versions. */
    public synchronized List<Map<String, Object>> versions(String name) {
        return List.copyOf(functions.get(name).versions);
    }

    /** The version an alias points at, or null. */
    public synchronized String alias(String function, String alias) {
        return functions.get(function).aliases.get(alias);
    }

    /** A function's aliases and their versions. */
    public synchronized Map<String, String> aliases(String function) {
        return Map.copyOf(functions.get(function).aliases);
    }

    /** The provisioned concurrency set on an alias, or null. */
    public synchronized Integer provisioned(String function, String alias) {
        return functions.get(function).provisioned.get(alias);
    }

    /** An S3 object's bytes, or null. */
    public synchronized byte[] object(String bucket, String key) {
        return objects.get(bucket + "/" + key);
    }

    /** A role's fields (RoleName, Arn, AssumeRolePolicyDocument, and the inline policies by name). */
    public synchronized Map<String, String> role(String name) {
        return roles.get(name);
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }

    // ---------------------------------------------------------------------------------------------

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            byte[] raw = x.getRequestBody().readAllBytes();
            Map<String, String> headers = new TreeMap<>();
            x.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
            String path = x.getRequestURI().getRawPath();
            Map<String, String> query = parseQuery(x.getRequestURI().getRawQuery());
            String service = service(headers.get("authorization"));
            byte[] body = "s3".equals(service) ? s3Body(headers, raw) : raw;
            Response r;
            synchronized (this) {
                String operation = operation(service, x.getRequestMethod(), path, query, body);
                Call call = new Call(service, operation, x.getRequestMethod(), path, query, headers, body);
                calls.add(call);
                Failure failure = failures.stream().filter(f -> f.operation().equals(operation)).findFirst()
                        .orElse(null);
                if (failure != null) {
                    failures.remove(failure);
                    r = error(service, failure.status(), failure.code(), failure.message());
                } else {
                    r = answer(call);
                }
            }
            r.headers.forEach((k, v) -> x.getResponseHeaders().set(k, v));
            boolean head = x.getRequestMethod().equals("HEAD");
            if (head || r.body.length == 0) {
                x.sendResponseHeaders(r.status, -1);
            } else {
                x.sendResponseHeaders(r.status, r.body.length);
                try (OutputStream out = x.getResponseBody()) {
                    out.write(r.body);
                }
            }
        } catch (RuntimeException e) {
            synchronized (this) {
                problems.add("fake failed on " + x.getRequestMethod() + " " + x.getRequestURI() + ": " + e);
            }
            throw e;
        }
    }

    private static final Pattern SCOPE = Pattern.compile(
            "AWS4-HMAC-SHA256 Credential=([^/]+)/(\\d{8})/([^/]+)/([^/]+)/aws4_request, ?SignedHeaders=([^,]+), ?"
                    + "Signature=[0-9a-f]{64}");

    private String service(String authorization) {
        if (authorization == null) {
            problems.add("a request without an Authorization header");
            return "?";
        }
        Matcher m = SCOPE.matcher(authorization);
        if (!m.find()) {
            problems.add("not a SigV4 Authorization header: " + authorization);
            return "?";
        }
        if (!m.group(1).equals(ACCESS_KEY)) {
            problems.add("signed with access key " + m.group(1));
        }
        if (!m.group(5).contains("host") || !m.group(5).contains("x-amz-date")) {
            problems.add("SignedHeaders without host and x-amz-date: " + m.group(5));
        }
        return m.group(4);
    }

    /** The S3 payload, checked against x-amz-content-sha256 and decoded from aws-chunked if need be. */
    private byte[] s3Body(Map<String, String> headers, byte[] raw) {
        String declared = headers.get("x-amz-content-sha256");
        if (declared == null) {
            problems.add("S3 request without x-amz-content-sha256");
            return raw;
        }
        if (declared.startsWith("STREAMING-")) {
            byte[] decoded = decodeChunked(raw);
            String length = headers.get("x-amz-decoded-content-length");
            if (length == null || Long.parseLong(length) != decoded.length) {
                problems.add("x-amz-decoded-content-length " + length + " but " + decoded.length + " bytes");
            }
            return decoded;
        }
        if (!declared.equals("UNSIGNED-PAYLOAD") && !declared.equals(sha256Hex(raw))) {
            problems.add("x-amz-content-sha256 " + declared + " is not the body's SHA-256 " + sha256Hex(raw));
        }
        return raw;
    }

    /** aws-chunked: "SIZE;chunk-signature=SIG\r\nDATA\r\n" ..., "0;chunk-signature=SIG\r\n", trailers. */
    private byte[] decodeChunked(byte[] raw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int i = 0;
        while (i < raw.length) {
            int eol = indexOf(raw, i);
            String header = new String(raw, i, eol - i, StandardCharsets.US_ASCII);
            if (!header.matches("[0-9a-f]+;chunk-signature=[0-9a-f]{64}")) {
                problems.add("aws-chunked chunk header without a signature: " + header);
            }
            int size = Integer.parseInt(header.split(";")[0].trim(), 16);
            i = eol + 2;
            if (size == 0) {
                break;
            }
            out.write(raw, i, size);
            i += size + 2;
        }
        byte[] data = out.toByteArray();
        String trailers = new String(raw, i, raw.length - i, StandardCharsets.US_ASCII);
        Matcher crc = Pattern.compile("x-amz-checksum-crc32:([A-Za-z0-9+/=]+)").matcher(trailers);
        if (crc.find()) {
            java.util.zip.CRC32 c = new java.util.zip.CRC32();
            c.update(data);
            byte[] expected = java.nio.ByteBuffer.allocate(4).putInt((int) c.getValue()).array();
            if (!crc.group(1).equals(Base64.getEncoder().encodeToString(expected))) {
                problems.add("x-amz-checksum-crc32 trailer " + crc.group(1) + " does not match the data");
            }
        }
        return data;
    }

    private static int indexOf(byte[] b, int from) {
        for (int i = from; i < b.length - 1; i++) {
            if (b[i] == '\r' && b[i + 1] == '\n') {
                return i;
            }
        }
        return b.length;
    }

    // ---- routing -------------------------------------------------------------------------------

    private static final Pattern LAMBDA = Pattern.compile(
            "/(2015-03-31|2019-09-30|2021-10-31)/functions(?:/([^/]+))?(?:/([a-z-]+))?(?:/([^/]+))?/?");

    private String operation(String service, String method, String path, Map<String, String> query, byte[] body) {
        switch (service) {
            case "lambda": {
                if (method.equals("GET") && path.matches("/2016-08-19/account-settings/?")) {
                    return "GetAccountSettings";
                }
                Matcher m = LAMBDA.matcher(path);
                if (!m.matches()) {
                    problems.add("unknown Lambda path " + method + " " + path);
                    return "Unknown";
                }
                String api = m.group(1);
                String sub = m.group(3) == null ? "" : m.group(3);
                String key = method + " " + api + " " + sub + (m.group(4) == null ? "" : " {}");
                String op = LAMBDA_OPERATIONS.get(key);
                if (op == null) {
                    problems.add("unknown Lambda operation " + key);
                    return "Unknown";
                }
                return op;
            }
            case "iam":
            case "sts":
                return parseQuery(new String(body, StandardCharsets.UTF_8)).getOrDefault("Action", "Unknown");
            case "s3": {
                boolean hasKey = path.indexOf('/', 1) > 0 && path.indexOf('/', 1) < path.length() - 1;
                if (!hasKey) {
                    return method.equals("HEAD") ? "HeadBucket" : "Unknown";
                }
                switch (method) {
                    case "HEAD":
                        return "HeadObject";
                    case "GET":
                        return "GetObject";
                    case "PUT":
                        return query.containsKey("partNumber") ? "UploadPart" : "PutObject";
                    case "POST":
                        return query.containsKey("uploads") ? "CreateMultipartUpload" : "CompleteMultipartUpload";
                    case "DELETE":
                        return query.containsKey("uploadId") ? "AbortMultipartUpload" : "DeleteObject";
                    default:
                        return "Unknown";
                }
            }
            default:
                return "Unknown";
        }
    }

    private static final Map<String, String> LAMBDA_OPERATIONS = Map.ofEntries(
            Map.entry("POST 2015-03-31 ", "CreateFunction"),
            Map.entry("GET 2015-03-31 ", "GetFunction"),
            Map.entry("DELETE 2015-03-31 ", "DeleteFunction"),
            Map.entry("GET 2015-03-31 configuration", "GetFunctionConfiguration"),
            Map.entry("PUT 2015-03-31 configuration", "UpdateFunctionConfiguration"),
            Map.entry("PUT 2015-03-31 code", "UpdateFunctionCode"),
            Map.entry("POST 2015-03-31 versions", "PublishVersion"),
            Map.entry("POST 2015-03-31 aliases", "CreateAlias"),
            Map.entry("GET 2015-03-31 aliases {}", "GetAlias"),
            Map.entry("PUT 2015-03-31 aliases {}", "UpdateAlias"),
            Map.entry("DELETE 2015-03-31 aliases {}", "DeleteAlias"),
            Map.entry("GET 2015-03-31 policy", "GetPolicy"),
            Map.entry("POST 2015-03-31 policy", "AddPermission"),
            Map.entry("DELETE 2015-03-31 policy {}", "RemovePermission"),
            Map.entry("POST 2015-03-31 invocations", "Invoke"),
            Map.entry("PUT 2019-09-30 provisioned-concurrency", "PutProvisionedConcurrencyConfig"),
            Map.entry("GET 2019-09-30 provisioned-concurrency", "GetProvisionedConcurrencyConfig"),
            Map.entry("DELETE 2019-09-30 provisioned-concurrency", "DeleteProvisionedConcurrencyConfig"),
            Map.entry("POST 2021-10-31 url", "CreateFunctionUrlConfig"),
            Map.entry("GET 2021-10-31 url", "GetFunctionUrlConfig"),
            Map.entry("PUT 2021-10-31 url", "UpdateFunctionUrlConfig"),
            Map.entry("DELETE 2021-10-31 url", "DeleteFunctionUrlConfig"));

    // ---- answers ---------------------------------------------------------------------------------

    private static final class Response {
        final int status;
        final byte[] body;
        final Map<String, String> headers = new LinkedHashMap<>();

        Response(int status, String contentType, byte[] body) {
            this.status = status;
            this.body = body;
            if (contentType != null) {
                headers.put("Content-Type", contentType);
            }
            headers.put("x-amzn-RequestId", UUID.randomUUID().toString());
        }
    }

    private Response answer(Call c) {
        switch (c.service()) {
            case "lambda":
                return lambda(c);
            case "iam":
                return iam(c);
            case "sts":
                return sts(c);
            case "s3":
                return s3(c);
            default:
                return error("lambda", 403, "MissingAuthenticationTokenException", "Missing Authentication Token");
        }
    }

    private Response error(String service, int status, String code, String message) {
        if (service.equals("lambda")) {
            Response r = json(status, Map.of("Type", "User", "message", message));
            r.headers.put("x-amzn-ErrorType", code);
            return r;
        }
        String xml = service.equals("s3")
                ? "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + code + "</Code><Message>" + esc(message)
                        + "</Message><RequestId>4442587FB7D0A2F9</RequestId></Error>"
                : "<ErrorResponse xmlns=\"https://" + service + ".amazonaws.com/doc/" + version(service)
                        + "/\"><Error><Type>Sender</Type><Code>" + code + "</Code><Message>" + esc(message)
                        + "</Message></Error><RequestId>" + UUID.randomUUID() + "</RequestId></ErrorResponse>";
        return new Response(status, "text/xml", xml.getBytes(StandardCharsets.UTF_8));
    }

    private static String version(String service) {
        return service.equals("iam") ? "2010-05-08" : "2011-06-15";
    }

    // ---- STS and IAM -----------------------------------------------------------------------------

    private Response sts(Call c) {
        if (!"2011-06-15".equals(c.form("Version"))) {
            problems.add("STS call without Version=2011-06-15");
        }
        if (!c.operation().equals("GetCallerIdentity")) {
            return error("sts", 400, "InvalidAction", "Could not find operation " + c.operation());
        }
        return xml("GetCallerIdentity", "sts", "<Arn>arn:aws:iam::" + ACCOUNT + ":user/deployer</Arn><UserId>"
                + "AIDAEXAMPLEUSERID</UserId><Account>" + ACCOUNT + "</Account>");
    }

    private Response iam(Call c) {
        if (!"2010-05-08".equals(c.form("Version"))) {
            problems.add("IAM call without Version=2010-05-08");
        }
        String name = c.form("RoleName");
        switch (c.operation()) {
            case "GetRole": {
                Map<String, String> role = roles.get(name);
                if (role == null) {
                    return error("iam", 404, "NoSuchEntity", "The role with name " + name + " cannot be found.");
                }
                return xml("GetRole", "iam", roleXml(role));
            }
            case "CreateRole": {
                if (roles.containsKey(name)) {
                    return error("iam", 409, "EntityAlreadyExists", "Role with name " + name + " already exists.");
                }
                String trust = c.form("AssumeRolePolicyDocument");
                if (trust == null || !trust.contains("lambda.amazonaws.com")) {
                    problems.add("CreateRole without a trust policy for lambda.amazonaws.com: " + trust);
                }
                Map<String, String> role = new TreeMap<>();
                role.put("RoleName", name);
                role.put("Arn", "arn:aws:iam::" + ACCOUNT + ":role/" + name);
                role.put("AssumeRolePolicyDocument", trust);
                roles.put(name, role);
                return xml("CreateRole", "iam", roleXml(role));
            }
            case "PutRolePolicy": {
                Map<String, String> role = roles.get(name);
                if (role == null) {
                    return error("iam", 404, "NoSuchEntity", "The role with name " + name + " cannot be found.");
                }
                role.put("policy:" + c.form("PolicyName"), c.form("PolicyDocument"));
                return xml("PutRolePolicy", "iam", null);
            }
            default:
                return error("iam", 400, "InvalidAction", "Could not find operation " + c.operation());
        }
    }

    private static String roleXml(Map<String, String> role) {
        return "<Role><Path>/</Path><Arn>" + role.get("Arn") + "</Arn><RoleName>" + role.get("RoleName")
                + "</RoleName><AssumeRolePolicyDocument>" + esc(java.net.URLEncoder.encode(
                        role.get("AssumeRolePolicyDocument"), StandardCharsets.UTF_8))
                + "</AssumeRolePolicyDocument><CreateDate>2026-11-28T05:00:00Z</CreateDate><RoleId>AROAEXAMPLEROLEID"
                + "</RoleId></Role>";
    }

    private static Response xml(String action, String service, String result) {
        String body = "<" + action + "Response xmlns=\"https://" + service + ".amazonaws.com/doc/" + version(service)
                + "/\">" + (result == null ? "" : "<" + action + "Result>" + result + "</" + action + "Result>")
                + "<ResponseMetadata><RequestId>" + UUID.randomUUID() + "</RequestId></ResponseMetadata></" + action
                + "Response>";
        return new Response(200, "text/xml", body.getBytes(StandardCharsets.UTF_8));
    }

    // ---- S3 --------------------------------------------------------------------------------------

    private Response s3(Call c) {
        String objectKey = c.path().substring(1);
        int slash = objectKey.indexOf('/');
        String bucket = slash < 0 ? objectKey : objectKey.substring(0, slash);
        String id = URLDecoder.decode(objectKey, StandardCharsets.UTF_8);
        switch (c.operation()) {
            case "HeadObject": {
                byte[] o = objects.get(id);
                if (o == null) {
                    return new Response(404, null, new byte[0]);
                }
                Response r = new Response(200, "application/zip", new byte[0]);
                r.headers.put("Content-Length", String.valueOf(o.length));
                r.headers.put("ETag", "\"" + md5(o) + "\"");
                return r;
            }
            case "PutObject": {
                objects.put(id, c.body());
                Response r = new Response(200, null, new byte[0]);
                r.headers.put("ETag", "\"" + md5(c.body()) + "\"");
                return r;
            }
            case "CreateMultipartUpload": {
                String upload = UUID.randomUUID().toString().replace("-", "");
                uploads.put(upload, new TreeMap<>());
                return new Response(200, "application/xml", ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                        + "<InitiateMultipartUploadResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Bucket>"
                        + bucket + "</Bucket><Key>" + esc(id.substring(bucket.length() + 1)) + "</Key><UploadId>"
                        + upload + "</UploadId></InitiateMultipartUploadResult>").getBytes(StandardCharsets.UTF_8));
            }
            case "UploadPart": {
                TreeMap<Integer, byte[]> parts = uploads.get(c.query().get("uploadId"));
                if (parts == null) {
                    return error("s3", 404, "NoSuchUpload", "The specified upload does not exist.");
                }
                parts.put(Integer.parseInt(c.query().get("partNumber")), c.body());
                Response r = new Response(200, null, new byte[0]);
                r.headers.put("ETag", "\"" + md5(c.body()) + "\"");
                return r;
            }
            case "CompleteMultipartUpload": {
                TreeMap<Integer, byte[]> parts = uploads.remove(c.query().get("uploadId"));
                if (parts == null) {
                    return error("s3", 404, "NoSuchUpload", "The specified upload does not exist.");
                }
                String listing = new String(c.body(), StandardCharsets.UTF_8);
                ByteArrayOutputStream all = new ByteArrayOutputStream();
                int listed = 0;
                for (Map.Entry<Integer, byte[]> p : parts.entrySet()) {
                    if (!listing.contains("<PartNumber>" + p.getKey() + "</PartNumber>")
                            || !listing.contains(md5(p.getValue()))) {
                        problems.add("CompleteMultipartUpload does not list part " + p.getKey() + " with its ETag");
                    }
                    if (p.getKey() < parts.lastKey() && p.getValue().length < 5 * 1024 * 1024) {
                        return error("s3", 400, "EntityTooSmall", "Your proposed upload is smaller than the minimum "
                                + "allowed object size.");
                    }
                    all.writeBytes(p.getValue());
                    listed++;
                }
                if (listed == 0) {
                    problems.add("CompleteMultipartUpload with no parts");
                }
                objects.put(id, all.toByteArray());
                return new Response(200, "application/xml", ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                        + "<CompleteMultipartUploadResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Location>"
                        + "http://" + bucket + ".s3.amazonaws.com/" + esc(id) + "</Location><Bucket>" + bucket
                        + "</Bucket><Key>" + esc(id.substring(bucket.length() + 1)) + "</Key><ETag>\"" + md5(
                                all.toByteArray()) + "-" + listed + "\"</ETag></CompleteMultipartUploadResult>")
                        .getBytes(StandardCharsets.UTF_8));
            }
            case "AbortMultipartUpload":
                uploads.remove(c.query().get("uploadId"));
                return new Response(204, null, new byte[0]);
            default:
                return error("s3", 405, "MethodNotAllowed", "not in the fake: " + c.operation());
        }
    }

    // ---- Lambda ----------------------------------------------------------------------------------

    private Response lambda(Call c) {
        if (c.operation().equals("GetAccountSettings")) {
            if (unreservedConcurrency < 0) {
                return error("lambda", 403, "AccessDeniedException", "User is not authorized to perform: "
                        + "lambda:GetAccountSettings");
            }
            return json(200, Map.of("AccountLimit", Map.of("TotalCodeSize", 80530636800L, "CodeSizeUnzipped",
                    262144000L, "CodeSizeZipped", 52428800L, "ConcurrentExecutions", 1000L,
                    "UnreservedConcurrentExecutions", (long) unreservedConcurrency), "AccountUsage",
                    Map.of("TotalCodeSize", 0L, "FunctionCount", (long) functions.size())));
        }
        Matcher m = LAMBDA.matcher(c.path());
        m.matches();
        String name = m.group(2) == null ? null : URLDecoder.decode(m.group(2), StandardCharsets.UTF_8);
        String qualifier = c.query().get("Qualifier");
        if (name != null && name.contains(":")) {
            qualifier = name.substring(name.indexOf(':') + 1);
            name = name.substring(0, name.indexOf(':'));
        }
        if (c.operation().equals("CreateFunction")) {
            return createFunction(c);
        }
        Fn f = functions.get(name);
        if (f == null) {
            return notFound("Function not found: " + arn(name, qualifier));
        }
        String op = c.operation();
        if (f.pendingPolls > 0 && (op.equals("UpdateFunctionCode") || op.equals("UpdateFunctionConfiguration")
                || op.equals("PublishVersion"))) {
            return error("lambda", 409, "ResourceConflictException", "The operation cannot be performed at this time. "
                    + "An update is in progress for resource: " + arn(name, null));
        }
        switch (op) {
            case "GetFunction":
            case "GetFunctionConfiguration": {
                Map<String, Object> config = resolve(f, qualifier);
                if (config == null) {
                    return notFound("Function not found: " + arn(name, qualifier));
                }
                if (config == f.latest) {
                    poll(f);
                }
                if (op.equals("GetFunctionConfiguration")) {
                    return json(200, config);
                }
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("Configuration", config);
                body.put("Code", Map.of("RepositoryType", "S3", "Location", "https://awslambda-us-east-1-tasks.s3"
                        + ".us-east-1.amazonaws.com/snapshots/" + ACCOUNT + "/" + name + "-abc?X-Amz-Signature=x"));
                return json(200, body);
            }
            case "UpdateFunctionCode": {
                Map<String, Object> req = c.json();
                Response bad = setCode(c, f.latest, req);
                if (bad != null) {
                    return bad;
                }
                if (req.get("Architectures") != null) {
                    f.latest.put("Architectures", req.get("Architectures"));
                }
                startUpdate(f);
                return json(200, f.latest);
            }
            case "UpdateFunctionConfiguration": {
                Map<String, Object> req = c.json();
                if (req.containsKey("Runtime") && !knownRuntime(req.get("Runtime"))) {
                    return unknownRuntime(req.get("Runtime"));
                }
                for (String k : List.of("Runtime", "Role", "Handler", "Timeout", "MemorySize", "Environment",
                        "EphemeralStorage")) {
                    if (req.containsKey(k)) {
                        f.latest.put(k, req.get(k));
                    }
                }
                if (req.containsKey("SnapStart")) {
                    f.latest.put("SnapStart", snapStart(req.get("SnapStart")));
                }
                startUpdate(f);
                return json(200, f.latest);
            }
            case "PublishVersion": {
                Map<String, Object> req = c.json();
                if (req.get("CodeSha256") != null && !req.get("CodeSha256").equals(f.latest.get("CodeSha256"))) {
                    return error("lambda", 412, "PreconditionFailedException", "CodeSha256 does not match $LATEST");
                }
                if (!f.versions.isEmpty() && sameAs(f.versions.get(f.versions.size() - 1), f.latest)) {
                    return json(201, f.versions.get(f.versions.size() - 1));
                }
                Map<String, Object> v = new LinkedHashMap<>(f.latest);
                String number = String.valueOf(f.versions.size() + 1);
                v.put("Version", number);
                v.put("FunctionArn", arn(name, number));
                v.put("Description", req.getOrDefault("Description", ""));
                boolean snap = "PublishedVersions".equals(((Map<?, ?>) f.latest.get("SnapStart")).get("ApplyOn"));
                v.put("State", snap ? "Pending" : "Active");
                v.put("LastUpdateStatus", "Successful");
                f.versions.add(v);
                return json(201, v);
            }
            case "DeleteFunction": {
                if (qualifier == null) {
                    functions.remove(name);
                } else {
                    String q = qualifier;
                    if (f.aliases.containsValue(q)) {
                        return error("lambda", 409, "ResourceConflictException", "Unable to delete version because "
                                + "the following aliases reference it: " + f.aliases);
                    }
                    f.versions.removeIf(v -> v.get("Version").equals(q));
                }
                return new Response(204, null, new byte[0]);
            }
            case "CreateAlias":
            case "UpdateAlias": {
                Map<String, Object> req = c.json();
                String alias = op.equals("CreateAlias") ? (String) req.get("Name") : m.group(4);
                if (op.equals("CreateAlias") && f.aliases.containsKey(alias)) {
                    return error("lambda", 409, "ResourceConflictException", "Alias already exists: "
                            + arn(name, alias));
                }
                if (op.equals("UpdateAlias") && !f.aliases.containsKey(alias)) {
                    return notFound("Alias not found: " + arn(name, alias));
                }
                String version = (String) req.get("FunctionVersion");
                if (f.versions.stream().noneMatch(v -> v.get("Version").equals(version))) {
                    return notFound("Function not found: " + arn(name, version));
                }
                if (f.provisioned.getOrDefault(alias, 0) > 0 && snapStartOn(f, version)) {
                    return snapStartWithProvisioned(name, alias);
                }
                f.aliases.put(alias, version);
                return json(op.equals("CreateAlias") ? 201 : 200, Map.of("AliasArn", arn(name, alias), "Name", alias,
                        "FunctionVersion", version, "Description", "", "RevisionId", UUID.randomUUID().toString()));
            }
            case "DeleteAlias":
                f.aliases.remove(m.group(4));
                return new Response(204, null, new byte[0]);
            case "GetAlias": {
                String alias = m.group(4);
                if (!f.aliases.containsKey(alias)) {
                    return notFound("Cannot find alias arn: " + arn(name, alias));
                }
                return json(200, Map.of("AliasArn", arn(name, alias), "Name", alias, "FunctionVersion",
                        f.aliases.get(alias), "Description", "", "RevisionId", "r1"));
            }
            case "PutProvisionedConcurrencyConfig": {
                if (!f.aliases.containsKey(qualifier)) {
                    return notFound("Alias not found: " + arn(name, qualifier));
                }
                Number n = (Number) c.json().get("ProvisionedConcurrentExecutions");
                if (n.intValue() > 0 && snapStartOn(f, f.aliases.get(qualifier))) {
                    return snapStartWithProvisioned(name, qualifier);
                }
                f.provisioned.put(qualifier, n.intValue());
                return json(202, Map.of("RequestedProvisionedConcurrentExecutions", n.intValue(),
                        "AllocatedProvisionedConcurrentExecutions", 0, "AvailableProvisionedConcurrentExecutions", 0,
                        "Status", "IN_PROGRESS", "LastModified", "2026-11-28T05:00:00+0000"));
            }
            case "GetProvisionedConcurrencyConfig": {
                Integer n = f.provisioned.get(qualifier);
                if (n == null) {
                    return error("lambda", 404, "ProvisionedConcurrencyConfigNotFoundException", "No Provisioned "
                            + "Concurrency Config found for this function");
                }
                return json(200, Map.of("RequestedProvisionedConcurrentExecutions", n,
                        "AllocatedProvisionedConcurrentExecutions", n, "AvailableProvisionedConcurrentExecutions", n,
                        "Status", "READY", "LastModified", "2026-11-28T05:00:00+0000"));
            }
            case "DeleteProvisionedConcurrencyConfig":
                f.provisioned.remove(qualifier);
                return new Response(204, null, new byte[0]);
            case "CreateFunctionUrlConfig":
            case "UpdateFunctionUrlConfig": {
                Map<String, Object> req = c.json();
                String key = qualifier == null ? "$LATEST" : qualifier;
                if (op.startsWith("Create") && f.urls.containsKey(key)) {
                    return error("lambda", 409, "ResourceConflictException", "Failed to create function url config "
                            + "for [functionArn = " + arn(name, qualifier) + "]. Error message:  FunctionUrlConfig "
                            + "exists for this Lambda function");
                }
                Object auth = req.get("AuthType");
                if (!"AWS_IAM".equals(auth) && !"NONE".equals(auth)) {
                    problems.add("function URL AuthType " + auth);
                }
                Map<String, Object> url = new LinkedHashMap<>();
                url.put("FunctionUrl", "https://" + Integer.toHexString(name.hashCode()) + "abcdef.lambda-url."
                        + REGION + ".on.aws/");
                url.put("FunctionArn", arn(name, qualifier));
                url.put("AuthType", auth);
                url.put("CreationTime", "2026-11-28T05:00:00.000000Z");
                url.put("InvokeMode", "BUFFERED");
                f.urls.put(key, url);
                return json(op.startsWith("Create") ? 201 : 200, url);
            }
            case "GetFunctionUrlConfig": {
                Map<String, Object> url = f.urls.get(qualifier == null ? "$LATEST" : qualifier);
                return url == null ? notFound("The resource you requested does not exist.") : json(200, url);
            }
            case "GetPolicy": {
                List<Map<String, Object>> statements = f.policies.get(qualifier == null ? "$LATEST" : qualifier);
                if (statements == null || statements.isEmpty()) {
                    return notFound("The resource you requested does not exist.");
                }
                return json(200, Map.of("Policy", toJson(Map.of("Version", "2012-10-17", "Id", "default",
                        "Statement", statements)), "RevisionId", "r1"));
            }
            case "AddPermission": {
                Map<String, Object> req = c.json();
                Map<String, Object> statement = new LinkedHashMap<>();
                statement.put("Sid", req.get("StatementId"));
                statement.put("Effect", "Allow");
                statement.put("Principal", req.get("Principal"));
                statement.put("Action", req.get("Action"));
                statement.put("Resource", arn(name, qualifier));
                if (req.get("FunctionUrlAuthType") != null) {
                    statement.put("Condition", Map.of("StringEquals", Map.of("lambda:FunctionUrlAuthType",
                            req.get("FunctionUrlAuthType"))));
                }
                if (Boolean.TRUE.equals(req.get("InvokedViaFunctionUrl"))) {
                    statement.put("Condition", Map.of("Bool", Map.of("lambda:InvokedViaFunctionUrl", "true")));
                }
                f.policies.computeIfAbsent(qualifier == null ? "$LATEST" : qualifier, k -> new ArrayList<>())
                        .add(statement);
                return json(201, Map.of("Statement", toJson(statement)));
            }
            case "RemovePermission": {
                String sid = m.group(4);
                f.policies.getOrDefault(qualifier == null ? "$LATEST" : qualifier, new ArrayList<>())
                        .removeIf(s -> sid.equals(s.get("Sid")));
                return new Response(204, null, new byte[0]);
            }
            case "Invoke":
                return invoke(c, f, name, qualifier);
            default:
                return error("lambda", 400, "InvalidParameterValueException", "not in the fake: " + op);
        }
    }

    private Response createFunction(Call c) {
        Map<String, Object> req = c.json();
        String name = (String) req.get("FunctionName");
        for (String k : List.of("FunctionName", "Role", "Code", "Runtime", "Handler")) {
            if (req.get(k) == null) {
                problems.add("CreateFunction without " + k);
            }
        }
        if (!knownRuntime(req.get("Runtime"))) {
            return unknownRuntime(req.get("Runtime"));
        }
        if (functions.containsKey(name)) {
            return error("lambda", 409, "ResourceConflictException", "Function already exist: " + name);
        }
        String roleName = String.valueOf(req.get("Role")).replaceAll(".*/", "");
        if (roles.containsKey(roleName) && rolePropagationFailures > 0) {
            rolePropagationFailures--;
            return error("lambda", 400, "InvalidParameterValueException", "The role defined for the function cannot be "
                    + "assumed by Lambda.");
        }
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("FunctionName", name);
        config.put("FunctionArn", arn(name, null));
        config.put("Runtime", req.get("Runtime"));
        config.put("Role", req.get("Role"));
        config.put("Handler", req.get("Handler"));
        config.put("Description", req.getOrDefault("Description", ""));
        config.put("Timeout", req.getOrDefault("Timeout", 3L));
        config.put("MemorySize", req.getOrDefault("MemorySize", 128L));
        config.put("LastModified", "2026-11-28T05:00:00.000+0000");
        config.put("Version", "$LATEST");
        config.put("Environment", req.getOrDefault("Environment", Map.of("Variables", Map.of())));
        config.put("PackageType", "Zip");
        config.put("Architectures", req.getOrDefault("Architectures", List.of("x86_64")));
        config.put("EphemeralStorage", req.getOrDefault("EphemeralStorage", Map.of("Size", 512L)));
        config.put("SnapStart", snapStart(req.getOrDefault("SnapStart", Map.of("ApplyOn", "None"))));
        Response bad = setCode(c, config, castMap(req.get("Code")));
        if (bad != null) {
            return bad;
        }
        Fn f = new Fn();
        f.latest = config;
        config.put("State", "Pending");
        config.put("StateReasonCode", "Creating");
        f.pendingPolls = settlePolls;
        functions.put(name, f);
        return json(201, config);
    }

    /** A runtime identifier Lambda's API model has (the SDK's {@code Runtime} enum is generated from it). */
    private static boolean knownRuntime(Object runtime) {
        return runtime instanceof String r && software.amazon.awssdk.services.lambda.model.Runtime.fromValue(r)
                != software.amazon.awssdk.services.lambda.model.Runtime.UNKNOWN_TO_SDK_VERSION;
    }

    private Response unknownRuntime(Object runtime) {
        problems.add("a function configured with runtime " + runtime + ", which Lambda does not have");
        return error("lambda", 400, "InvalidParameterValueException", "Value " + runtime + " at 'runtime' failed to "
                + "satisfy constraint: Member must satisfy enum value set");
    }

    /** Whether a published version has SnapStart on. */
    private static boolean snapStartOn(Fn f, String version) {
        return f.versions.stream().filter(v -> v.get("Version").equals(version)).anyMatch(v -> "PublishedVersions"
                .equals(((Map<?, ?>) v.get("SnapStart")).get("ApplyOn")));
    }

    /**
     * Lambda does not support provisioned concurrency on SnapStart versions (AWS's SnapStart page); the
     * exact error text AWS returns is not documented, so this one is the fake's own.
     */
    private Response snapStartWithProvisioned(String function, String alias) {
        problems.add("alias " + function + ":" + alias + " would have provisioned concurrency on a SnapStart version");
        return error("lambda", 400, "InvalidParameterValueException", "Provisioned concurrency is not supported on "
                + "SnapStart-enabled versions: " + arn(function, alias));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Object o) {
        return (Map<String, Object>) o;
    }

    private static Map<String, Object> snapStart(Object request) {
        Map<String, Object> s = new LinkedHashMap<>();
        Object applyOn = ((Map<?, ?>) request).get("ApplyOn");
        s.put("ApplyOn", applyOn);
        s.put("OptimizationStatus", "PublishedVersions".equals(applyOn) ? "On" : "Off");
        return s;
    }

    private Response setCode(Call c, Map<String, Object> config, Map<String, Object> code) {
        byte[] zip;
        if (code.get("ZipFile") != null) {
            zip = c.zipFile();
        } else if (code.get("S3Bucket") != null) {
            zip = objects.get(code.get("S3Bucket") + "/" + code.get("S3Key"));
            if (zip == null) {
                return error("lambda", 400, "InvalidParameterValueException", "Error occurred while GetObject. S3 "
                        + "Error Code: NoSuchKey. S3 Error Message: The specified key does not exist.");
            }
        } else {
            problems.add("code with neither ZipFile nor S3Bucket/S3Key: " + code);
            return error("lambda", 400, "InvalidParameterValueException", "Please provide a source for function code.");
        }
        if (zip.length == 0) {
            problems.add("empty code");
        }
        config.put("CodeSize", (long) zip.length);
        config.put("CodeSha256", Base64.getEncoder().encodeToString(sha256(zip)));
        return null;
    }

    private void startUpdate(Fn f) {
        f.latest.put("LastUpdateStatus", "InProgress");
        f.latest.put("RevisionId", UUID.randomUUID().toString());
        f.pendingPolls = settlePolls;
    }

    private static void poll(Fn f) {
        if (f.pendingPolls > 0) {
            f.pendingPolls--;
            return;
        }
        f.latest.put("State", "Active");
        f.latest.remove("StateReasonCode");
        f.latest.put("LastUpdateStatus", "Successful");
    }

    private static boolean sameAs(Map<String, Object> version, Map<String, Object> latest) {
        for (String k : List.of("CodeSha256", "Runtime", "Role", "Handler", "Timeout", "MemorySize", "Environment",
                "EphemeralStorage", "SnapStart", "Architectures")) {
            if (!String.valueOf(version.get(k)).equals(String.valueOf(latest.get(k)))) {
                return false;
            }
        }
        return true;
    }

    private static Map<String, Object> resolve(Fn f, String qualifier) {
        if (qualifier == null || qualifier.equals("$LATEST")) {
            return f.latest;
        }
        String version = f.aliases.getOrDefault(qualifier, qualifier);
        for (Map<String, Object> v : f.versions) {
            if (v.get("Version").equals(version)) {
                if ("Pending".equals(v.get("State"))) {
                    Map<String, Object> pending = new LinkedHashMap<>(v);
                    v.put("State", "Active"); // one poll while the snapshot is taken
                    return pending;
                }
                return v;
            }
        }
        return null;
    }

    private Response invoke(Call c, Fn f, String name, String qualifier) {
        if (!"Tail".equals(c.header("X-Amz-Log-Type"))) {
            problems.add("Invoke without X-Amz-Log-Type: Tail");
        }
        Map<String, Object> config = resolve(f, qualifier);
        if (config == null) {
            return notFound("Function not found: " + arn(name, qualifier));
        }
        String version = (String) config.get("Version");
        boolean cold = !f.warm.getOrDefault(version, false);
        f.warm.put(version, true);
        InvokeAnswer answer;
        if (invokeHandler != null) {
            answer = invokeHandler.apply(c);
        } else {
            String requestId = UUID.randomUUID().toString();
            answer = new InvokeAnswer("{\"ok\":true}".getBytes(StandardCharsets.UTF_8), null, List.of(
                    "START RequestId: " + requestId + " Version: " + version,
                    "{\"level\":\"INFO\",\"requestId\":\"" + requestId + "\",\"status\":200}",
                    "END RequestId: " + requestId,
                    "REPORT RequestId: " + requestId + "\tDuration: " + (cold ? "80.25" : "3.50") + " ms\tBilled "
                            + "Duration: " + (cold ? "450" : "4") + " ms\tMemory Size: " + config.get("MemorySize")
                            + " MB\tMax Memory Used: 130 MB\t" + (cold ? "Init Duration: 369.10 ms\t" : "")));
        }
        String log = String.join("\n", answer.log()) + "\n";
        byte[] bytes = log.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > 4096) {
            bytes = java.util.Arrays.copyOfRange(bytes, bytes.length - 4096, bytes.length);
        }
        Response r = new Response(200, "application/json", answer.payload());
        r.headers.put("X-Amz-Executed-Version", version);
        r.headers.put("X-Amz-Log-Result", Base64.getEncoder().encodeToString(bytes));
        if (answer.functionError() != null) {
            r.headers.put("X-Amz-Function-Error", answer.functionError());
        }
        return r;
    }

    private Response notFound(String message) {
        return error("lambda", 404, "ResourceNotFoundException", message);
    }

    private static String arn(String name, String qualifier) {
        return "arn:aws:lambda:" + REGION + ":" + ACCOUNT + ":function:" + name + (qualifier == null ? ""
                : ":" + qualifier);
    }

    // ---- helpers ---------------------------------------------------------------------------------

    private static Response json(int status, Map<String, Object> body) {
        return new Response(status, "application/json", toJson(body).getBytes(StandardCharsets.UTF_8));
    }

    /** Plain JSON of maps, lists, strings, numbers, booleans and null. */
    static String toJson(Object o) {
        if (o == null) {
            return "null";
        }
        if (o instanceof String s) {
            StringBuilder b = new StringBuilder("\"");
            for (char ch : s.toCharArray()) {
                switch (ch) {
                    case '"' -> b.append("\\\"");
                    case '\\' -> b.append("\\\\");
                    case '\n' -> b.append("\\n");
                    case '\t' -> b.append("\\t");
                    default -> b.append(ch < 0x20 ? String.format("\\u%04x", (int) ch) : String.valueOf(ch));
                }
            }
            return b.append('"').toString();
        }
        if (o instanceof Number || o instanceof Boolean) {
            return o.toString();
        }
        if (o instanceof Map<?, ?> m) {
            StringBuilder b = new StringBuilder("{");
            for (Map.Entry<?, ?> e : m.entrySet()) {
                b.append(b.length() > 1 ? "," : "").append(toJson(String.valueOf(e.getKey()))).append(':')
                        .append(toJson(e.getValue()));
            }
            return b.append('}').toString();
        }
        if (o instanceof List<?> l) {
            StringBuilder b = new StringBuilder("[");
            for (Object e : l) {
                b.append(b.length() > 1 ? "," : "").append(toJson(e));
            }
            return b.append(']').toString();
        }
        throw new IllegalArgumentException("not JSON: " + o.getClass());
    }

    static Map<String, String> parseQuery(String raw) {
        Map<String, String> q = new TreeMap<>();
        if (raw == null || raw.isEmpty()) {
            return q;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            q.put(k, v);
        }
        return q;
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sha256Hex(byte[] b) {
        return HexFormat.of().formatHex(sha256(b));
    }

    private static String md5(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
