package lambert.lambda.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import lambert.lambda.runtime.ScriptedRuntimeApi.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The client's HTTP/1.1 against a server that plays raw replies (RFC 9112: chunked bodies, {@code 1xx} responses,
 * {@code Connection: close}, bodies delimited by the end of the connection, header names in any case), and its use of
 * one kept-alive connection.
 */
class RuntimeApiClientTest {
    private static final String EVENT_HEAD = "HTTP/1.1 200 OK\r\nLambda-Runtime-Aws-Request-Id: id-1\r\n"
            + "Lambda-Runtime-Deadline-Ms: 1700000000000\r\n";
    private static final String ACCEPTED = "HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\n"
            + "Content-Length: 16\r\n\r\n{\"status\":\"OK\"}\n";

    private ScriptedRuntimeApi server;
    private RuntimeApiClient client;

    @BeforeEach
    void start() throws IOException {
        server = new ScriptedRuntimeApi();
        client = new RuntimeApiClient(server.hostPort());
    }

    @AfterEach
    void stop() throws IOException {
        client.close();
        server.close();
    }

    private static String event(String body) {
        return EVENT_HEAD + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
    }

    @Test
    void next_manyEvents_oneConnectionKeptAlive() throws IOException {
        for (int i = 0; i < 3; i++) {
            server.reply(Reply.of(event("{\"text\":\"" + i + "\"}")), Reply.of(ACCEPTED));
            Invocation e = client.next();
            assertThat(new String(e.payload(), StandardCharsets.UTF_8)).isEqualTo("{\"text\":\"" + i + "\"}");
            client.respond(e.requestId(), "[1]".getBytes(StandardCharsets.UTF_8));
        }

        assertThat(server.connections.get()).isEqualTo(1);
        assertThat(server.requests).hasSize(6);
        assertThat(server.requests.get(0)).startsWith("GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\n")
                .contains("\r\nHost: " + server.hostPort() + "\r\n");
        assertThat(server.requests.get(1)).startsWith("POST /2018-06-01/runtime/invocation/id-1/response HTTP/1.1\r\n")
                .contains("\r\nContent-Length: 3\r\n").endsWith("\r\n\r\n[1]");
    }

    @Test
    void next_chunkedBodyAndHeaderNamesInAnyCase_joinedAndFound() throws IOException {
        server.reply(Reply.of("HTTP/1.1 200 OK\r\nlambda-runtime-aws-request-id: id-2\r\n"
                + "LAMBDA-RUNTIME-DEADLINE-MS: 42\r\nlambda-runtime-trace-id: Root=1-x\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n"
                + "5\r\n{\"tex\r\n" + "a;name=value\r\nt\":\"chunk\"\r\n" + "1\r\n}\r\n" + "0\r\nX-Trailer: t\r\n\r\n"));

        Invocation e = client.next();

        assertThat(e.requestId()).isEqualTo("id-2");
        assertThat(e.deadlineEpochMs()).isEqualTo(42);
        assertThat(e.traceId()).isEqualTo("Root=1-x");
        assertThat(new String(e.payload(), StandardCharsets.UTF_8)).isEqualTo("{\"text\":\"chunk\"}");
    }

    @Test
    void respond_informationalResponseFirst_skippedForTheFinalOne() throws IOException {
        server.reply(Reply.of(event("{}")), Reply.of("HTTP/1.1 100 Continue\r\n\r\n" + ACCEPTED),
                Reply.of(event("{}")));
        client.respond(client.next().requestId(), new byte[0]);

        assertThat(client.next().requestId()).isEqualTo("id-1");
        assertThat(server.connections.get()).isEqualTo(1);
    }

    @Test
    void respond_reusedConnectionClosedUnanswered_sentOnceMoreOnANewConnection() throws IOException {
        server.reply(Reply.of(event("{}")), new Reply(new byte[0], true), Reply.of(ACCEPTED));

        client.respond(client.next().requestId(), "[2]".getBytes(StandardCharsets.UTF_8));

        assertThat(server.connections.get()).isEqualTo(2);
        assertThat(server.requests).hasSize(3);
        assertThat(server.requests.get(2)).isEqualTo(server.requests.get(1)).endsWith("[2]");
    }

    @Test
    void next_newConnectionClosedUnanswered_failsWithoutRetrying() {
        server.reply(new Reply(new byte[0], true), Reply.of(event("{}")));

        assertThatThrownBy(client::next).isInstanceOf(IOException.class)
                .hasMessageContaining("closed the connection without answering");
        assertThat(server.requests).hasSize(1);
    }

    @Test
    void respond_connectionCloseHeader_nextCallOnANewConnection() throws IOException {
        server.reply(Reply.of(event("{}")), Reply.closing("HTTP/1.1 202 Accepted\r\nConnection: close\r\n"
                + "Content-Length: 0\r\n\r\n"), Reply.of(event("{\"n\":2}")));

        client.respond(client.next().requestId(), new byte[0]);
        Invocation second = client.next();

        assertThat(new String(second.payload(), StandardCharsets.UTF_8)).isEqualTo("{\"n\":2}");
        assertThat(server.connections.get()).isEqualTo(2);
        assertThat(server.requests).hasSize(3);
    }

    @Test
    void next_http10WithoutLength_bodyIsEverythingUntilTheConnectionEnds() throws IOException {
        server.reply(Reply.closing("HTTP/1.0 200 OK\r\nLambda-Runtime-Aws-Request-Id: id-3\r\n"
                + "Lambda-Runtime-Deadline-Ms: 7\r\n\r\n{\"text\":\"to the end\"}"), Reply.of(ACCEPTED));

        Invocation e = client.next();
        client.respond(e.requestId(), new byte[0]);

        assertThat(new String(e.payload(), StandardCharsets.UTF_8)).isEqualTo("{\"text\":\"to the end\"}");
        assertThat(server.connections.get()).isEqualTo(2);
    }

    @Test
    void next_notHttp_failsQuotingWhatCame() {
        server.reply(Reply.closing("SSH-2.0-OpenSSH_9.2\r\n"));

        assertThatThrownBy(client::next).isInstanceOf(IOException.class).hasMessageContaining("HTTP/1.x")
                .hasMessageContaining("SSH-2.0-OpenSSH_9.2");
    }

    @Test
    void next_badContentLength_failsNamingTheHeader() {
        server.reply(Reply.closing(EVENT_HEAD + "Content-Length: lots\r\n\r\n{}"));

        assertThatThrownBy(client::next).isInstanceOf(IOException.class).hasMessageContaining("Content-Length")
                .hasMessageContaining("lots");
    }

    @Test
    void respond_requestIdWithReservedCharacters_percentEncodedInThePath() throws IOException {
        server.reply(Reply.of(ACCEPTED));

        client.respond("a/b c", new byte[0]);

        assertThat(server.requests.get(0)).startsWith("POST /2018-06-01/runtime/invocation/a%2Fb%20c/response ");
    }

    @Test
    void constructor_hostPortForms_portRequired() {
        assertThatThrownBy(() -> new RuntimeApiClient("127.0.0.1")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("AWS_LAMBDA_RUNTIME_API").hasMessageContaining("\"127.0.0.1\"");
        assertThatThrownBy(() -> new RuntimeApiClient("127.0.0.1:http")).hasMessageContaining("host:port");
        new RuntimeApiClient("[::1]:9001").close();
    }

    @Test
    void next_nothingListening_failsNamingTheAddress() throws IOException {
        String hostPort = server.hostPort();
        server.close();

        assertThatThrownBy(() -> new RuntimeApiClient(hostPort).next()).isInstanceOf(IOException.class)
                .hasMessageContaining("cannot connect to the Runtime API at " + hostPort);
    }
}
