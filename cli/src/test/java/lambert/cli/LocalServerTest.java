package lambert.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import lambert.lambda.Handler;
import lambert.lambda.Settings;
import lambert.runtime.json.Json;
import lambert.runtime.testing.TestModels;
import org.junit.jupiter.api.Test;

/** {@code lambert serve}'s server on loopback with the real int8 model. */
class LocalServerTest {
    @Test
    void serve_answersPostGetAndWrongMethodsLikeTheFunction() throws Exception {
        Handler handler = new Handler(Settings.from(Map.of("LAMBERT_MODEL_DIR", TestModels.minilmInt8().toString())),
                null);
        try (LocalServer server = LocalServer.start(handler, "127.0.0.1", 0, 4)) {
            HttpClient client = HttpClient.newHttpClient();
            URI uri = URI.create("http://127.0.0.1:" + server.port() + "/");
            HttpResponse<String> post = client.send(HttpRequest.newBuilder(uri)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"text\": \"Hey, how are you?\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(post.statusCode()).isEqualTo(200);
            assertThat((List<?>) ((Map<?, ?>) Json.parse(post.body().getBytes())).get("embedding")).hasSize(384);
            HttpResponse<String> get = client.send(HttpRequest.newBuilder(uri).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(get.body()).contains("\"task\":\"embed\"");
            HttpResponse<String> put = client.send(HttpRequest.newBuilder(uri)
                    .PUT(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(put.statusCode()).isEqualTo(405);
            assertThat(put.headers().firstValue("Allow")).contains("GET, POST");
            HttpResponse<String> bad = client.send(HttpRequest.newBuilder(uri)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"texts\": 3}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(bad.statusCode()).isEqualTo(400);
        } finally {
            handler.model().close();
        }
    }

    @Test
    void serve_concurrentClientsGetTheirOwnAnswers() throws Exception {
        Handler handler = new Handler(Settings.from(Map.of("LAMBERT_MODEL_DIR", TestModels.minilmInt8().toString())),
                null);
        ExecutorService clients = Executors.newFixedThreadPool(8);
        try (LocalServer server = LocalServer.start(handler, "127.0.0.1", 0, 8)) {
            HttpClient client = HttpClient.newHttpClient();
            URI uri = URI.create("http://127.0.0.1:" + server.port() + "/");
            List<Future<Map<?, ?>>> answers = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                String text = "sentence " + "word ".repeat(i % 7) + i;
                answers.add(clients.submit(() -> (Map<?, ?>) Json.parse(client.send(HttpRequest.newBuilder(uri)
                        .POST(HttpRequest.BodyPublishers.ofString("{\"text\": \"" + text + "\"}")).build(),
                        HttpResponse.BodyHandlers.ofString()).body().getBytes())));
            }
            for (int i = 0; i < answers.size(); i++) {
                Map<?, ?> answer = answers.get(i).get();
                // "sentence", the repeated words, the number, [CLS] and [SEP]
                assertThat(answer.get("tokens")).as("request %d", i).isEqualTo((long) (i % 7 + 4));
            }
        } finally {
            clients.shutdownNow();
            handler.model().close();
        }
    }
}
