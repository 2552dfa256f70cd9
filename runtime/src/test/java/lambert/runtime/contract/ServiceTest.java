package lambert.runtime.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import lambert.runtime.Model;
import lambert.runtime.ModelOptions;
import lambert.runtime.json.Json;
import lambert.runtime.testing.TestModels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The JSON contract on the real int8 all-MiniLM-L6-v2: good requests, and every kind of bad one. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServiceTest {
    private Model model;
    private Service service;

    @BeforeAll
    void load() {
        model = Model.open(TestModels.minilmInt8(), ModelOptions.defaults());
        service = new Service(model, new Limits(4, 4096));
    }

    @AfterAll
    void close() {
        model.close();
    }

    @Test
    void handle_singleTextAnswersOneEmbedding() throws Exception {
        Map<?, ?> body = ok("{\"text\": \"Hey, how are you?\"}");
        assertThat(body.get("task")).isEqualTo("embed");
        assertThat(body.get("dimensions")).isEqualTo(384L);
        assertThat((List<?>) body.get("embedding")).hasSize(384);
        assertThat(body.get("tokens")).isEqualTo(8L);
        assertThat(body.get("truncated")).isEqualTo(false);
    }

    @Test
    void handle_textsAnswerResultsInOrder() throws Exception {
        Map<?, ?> batch = ok("{\"texts\": [\"a long sentence about the weather today\", \"hi\"]}");
        List<?> results = (List<?>) batch.get("results");
        assertThat(results).hasSize(2);
        Map<?, ?> hi = ok("{\"text\": \"hi\"}");
        assertThat(((Map<?, ?>) results.get(1)).get("embedding")).isEqualTo(hi.get("embedding"));
        assertThat((List<?>) batch.get("truncated")).isEmpty();
    }

    @Test
    void handle_huggingFaceInputsFormIsAccepted() throws Exception {
        Map<?, ?> single = ok("{\"inputs\": \"hi\", \"parameters\": {}, \"options\": {\"wait_for_model\": true}}");
        assertThat(single.containsKey("embedding")).isTrue();
        Map<?, ?> list = ok("{\"inputs\": [\"hi\", \"there\"]}");
        assertThat((List<?>) list.get("results")).hasSize(2);
    }

    @Test
    void handle_base64EncodingDecodesToTheSameFloats() throws Exception {
        Map<?, ?> floats = ok("{\"text\": \"hi\"}");
        Map<?, ?> packed = ok("{\"text\": \"hi\", \"encoding\": \"base64\"}");
        assertThat(packed.get("encoding")).isEqualTo("base64");
        ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode((String) packed.get("embedding")))
                .order(ByteOrder.LITTLE_ENDIAN);
        List<?> expected = (List<?>) floats.get("embedding");
        assertThat(bytes.remaining()).isEqualTo(expected.size() * 4);
        for (Object value : expected) {
            assertThat((double) bytes.getFloat()).isCloseTo(((Number) value).doubleValue(), within(1e-7));
        }
    }

    @Test
    void handle_overlongTextIsTruncatedAndSaysSo() throws Exception {
        String words = "word ".repeat(600);
        Map<?, ?> body = ok("{\"texts\": [\"short\", \"" + words + "\"]}");
        assertThat(body.get("truncated")).isEqualTo(List.of(1L));
        assertThat(((Map<?, ?>) ((List<?>) body.get("results")).get(1)).get("tokens")).isEqualTo(256L);
    }

    @Test
    void handle_overlongTextWithTruncationOffIs413() throws Exception {
        String words = "word ".repeat(600);
        error("{\"texts\": [\"short\", \"" + words + "\"], \"parameters\": {\"truncation\": false}}", 413,
                "RequestTooLarge", "texts[1]", "longer than the model's maximum of 256 tokens");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            {"text": ""}                          | text        | is empty
            {"text": "   \\n\\t "}              | text        | only whitespace
            {"text": 42}                          | text        | must be a string, found number
            {"text": null}                        | text        | must be a string, found null
            {"texts": []}                         | texts       | is empty
            {"texts": "one"}                      | texts       | must be an array of strings, found string
            {"texts": ["ok", {"a": 1}]}           | texts[1]    | must be a string, found object
            {"texts": ["ok", null]}               | texts[1]    | must be a string, found null
            {"text": "a", "texts": ["b"]}         | texts       | only one of
            {}                                    |             | found none
            {"txt": "typo"}                       | txt         | unknown field "txt"
            {"text": "a", "parameters": {"topk": 1}} | parameters.topk | unknown parameter "topk"
            {"text": "a", "parameters": {"top_k": 0}} | parameters.top_k | positive integer
            {"text": "a", "parameters": []}       | parameters  | must be an object
            {"text": "a", "encoding": "hex"}      | encoding    | "float" or "base64"
            {"text": "bad \\ud800 surrogate"}   | text        | unpaired UTF-16 surrogate \\ud800 at index 4
            {"texts": ["ok", "\\udc00"]}        | texts[1]    | unpaired UTF-16 surrogate \\udc00 at index 0
            ["not", "an", "object"]               |             | expected a JSON object
            {"text": "unterminated               |             | not valid JSON
            {"text": "a"} trailing                |             | not valid JSON
            {"text": "a", "text": "b"}            |             | Duplicate field 'text'
            """)
    void handle_badRequestIs400NamingTheField(String request, String field, String message) throws Exception {
        error(request, 400, "InvalidRequest", field, message);
    }

    @Test
    void handle_moreTextsThanTheLimitIs413() throws Exception {
        error("{\"texts\": [\"a\", \"b\", \"c\", \"d\", \"e\"]}", 413, "RequestTooLarge", "texts",
                "5 texts; the limit is 4");
    }

    @Test
    void handle_bodyOverTheByteLimitIs413() throws Exception {
        error("{\"text\": \"" + "x".repeat(5000) + "\"}", 413, "RequestTooLarge", null, "the limit is 4096");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "control\\u0001chars\\u0007 and a NUL \\u0000 inside",
        "emoji 🙂👍🏽 and a family 👨‍👩‍👧",
        "東京は日本の首都です",
        "مرحبا بالعالم",
        "e\\u0301 combining accents a\\u0308\\u0301",
        "\\u200f right-to-left mark and zero\\u200bwidth space"
    })
    void handle_unusualButValidTextIsAnswered(String text) throws Exception {
        Map<?, ?> body = ok("{\"text\": \"" + text + "\"}");
        assertThat((List<?>) body.get("embedding")).hasSize(384);
        assertThat((Long) body.get("tokens")).isGreaterThanOrEqualTo(2L);
    }

    @Test
    void handle_textOfOnlyControlCharactersStillAnswers() throws Exception {
        // The BERT normaliser drops control characters: the model sees [CLS] [SEP] and answers that.
        Map<?, ?> body = ok("{\"text\": \"\\u0000\\u0001\"}");
        assertThat(body.get("tokens")).isEqualTo(2L);
    }

    private Map<?, ?> ok(String request) throws Exception {
        Reply reply = service.handle(request.getBytes(StandardCharsets.UTF_8), "test");
        assertThat(reply.status()).as(new String(reply.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        return (Map<?, ?>) Json.parse(reply.body());
    }

    private void error(String request, int status, String type, String field, String message) throws Exception {
        Reply reply = service.handle(request.getBytes(StandardCharsets.UTF_8), "test");
        Map<?, ?> body = (Map<?, ?>) Json.parse(reply.body());
        assertThat(reply.status()).as(body.toString()).isEqualTo(status);
        assertThat(body.get("errorType")).isEqualTo(type);
        assertThat(body.get("field")).isEqualTo(field);
        assertThat((String) body.get("errorMessage")).contains(message);
    }
}
