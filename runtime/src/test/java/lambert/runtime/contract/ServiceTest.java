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
import lambert.base.json.Json;
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
            {"text": "a", "text": "b"}            |             | the field "text" appears twice
            {"text": "a", "parameters": null}     | parameters  | "parameters" must be an object, found null
            {"text": "a", "parameters": {"truncation": null}} | parameters.truncation | must be true or false, found null
            {"text": "a", "parameters": {"top_k": null}} | parameters.top_k | must be a positive integer, found null
            {"text": "a", "parameters": {"aggregation_strategy": null}} | parameters.aggregation_strategy | found null
            {"text": "a", "parameters": {"encoding": null}} | parameters.encoding | "float" or "base64", found null
            {"text": "a", "encoding": null}       | encoding    | "float" or "base64", found null
            """)
    void handle_badRequestIs400NamingTheField(String request, String field, String message) throws Exception {
        error(request, 400, "InvalidRequest", field, message);
    }

    /**
     * Hostile bodies kept as files under {@code ServiceTestInputs/}: invalid UTF-8 (accepted before, or misnamed
     * "unpaired UTF-16 surrogate") and malformed JSON (answered before in Jackson's words: "StreamReadConstraints",
     * "JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS", "Source: REDACTED"). Each is a 400 that names the position and
     * the problem in lambert's words.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            overlong-slash-c0-af    | not valid UTF-8 at byte 11 (0xc0 starts an overlong encoding of an ASCII character)
            cesu8-surrogate-pair    | not valid UTF-8 at byte 10 (ed a0 bd encodes a UTF-16 surrogate (CESU-8), which UTF-8 does not allow)
            above-u10ffff           | not valid UTF-8 at byte 10 (f4 90 80 80 encodes a code point above U+10FFFF)
            sequence-cut-by-quote   | not valid UTF-8 at byte 10 (the sequence e2 82 22 is cut short: 0x22 is not a continuation byte
            sequence-cut-at-end     | not valid UTF-8 at byte 13 (the sequence e2 82 is cut short
            stray-continuation-byte | not valid UTF-8 at byte 10 (0x80 is a continuation byte with no lead byte before it)
            byte-ff                 | not valid UTF-8 at byte 10 (0xff never occurs in UTF-8)
            utf16le-body            | not valid JSON at byte 1: a NUL character
            nested-1001-levels      | nested deeper than 1000 levels
            nan-number              | 'NaN' is not a JSON value (JSON numbers have no NaN or Infinity)
            infinity-number         | '-Infinity' is not a JSON value
            number-of-1200-digits   | a number of 1200 characters; at most 1000 are accepted
            unclosed-object         | at line 1, column 13: the text ends inside the object opened at line 1, column 1
            unclosed-string         | at line 1, column 12: the text ends inside a string
            comment                 | at line 1, column 14: unexpected '/': comments are not part of JSON
            raw-tab-in-string       | at line 1, column 12: a raw control character U+0009 inside a string; write it escaped, as \\u0009
            single-quotes           | at line 1, column 2: unexpected "'": expected a field name in double quotes
            trailing-comma          | at line 1, column 14: unexpected '}': expected a field name in double quotes
            mismatched-bracket      | at line 1, column 20: '}' where ']' should close the array opened at line 1, column 11
            unknown-escape          | at line 1, column 13: unknown escape \\q in a string
            leading-zero            | at line 1, column 40: a number starts with 0 followed by more digits
            """)
    void handle_bodyThatIsNotUtf8JsonIs400InOurWords(String input, String message) throws Exception {
        byte[] body;
        try (var in = ServiceTest.class.getResourceAsStream("ServiceTestInputs/" + input)) {
            body = in.readAllBytes();
        }
        Reply reply = service.handle(body, "test");
        Map<?, ?> parsed = (Map<?, ?>) Json.parse(reply.body());
        String error = (String) parsed.get("errorMessage");
        assertThat(reply.status()).as(error).isEqualTo(400);
        assertThat(error).startsWith("the request is not valid ").contains(message)
                .containsPattern("at (byte \\d+|line \\d+, column \\d+)")
                .doesNotContain("`", "Source", "REDACTED", "Feature", "Constraints", "CTRL-CHAR", "VALUE_STRING",
                        "(code ", "unpaired UTF-16 surrogate", "Input length");
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

    /**
     * One definition of "nothing to answer" (Texts.dropped): every kind of space, controls, format and private-use
     * characters; before, U+00A0, U+0085, U+180E, U+200B and U+FEFF passed as text and answered [CLS] [SEP] while
     * U+2003, U+3000 and U+2028 were refused.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            \\u00a0     | U+00A0 NO-BREAK SPACE
            \\u0085     | U+0085
            \\u180e     | U+180E MONGOLIAN VOWEL SEPARATOR
            \\u200b     | U+200B ZERO WIDTH SPACE
            \\ufeff     | U+FEFF ZERO WIDTH NO-BREAK SPACE
            \\u2003     | U+2003 EM SPACE
            \\u3000     | U+3000 IDEOGRAPHIC SPACE
            \\u2028     | U+2028 LINE SEPARATOR
            \\u0000\\u0001 | U+0000
            \\ue000 \\u200d | U+E000
            """)
    void handle_textOfOnlyCharactersTheTokenizerDropsIs400(String escaped, String first) throws Exception {
        error("{\"texts\": [\"ok\", \"" + escaped + "\"]}", 400, "InvalidRequest", "texts[1]",
                "\"texts[1]\" is only whitespace and characters the tokenizer drops");
        error("{\"text\": \"" + escaped + escaped + "\"}", 400, "InvalidRequest", "text", "the first is " + first);
    }

    @Test
    void handle_droppedCharactersAroundAWordAreAnswered() throws Exception {
        Map<?, ?> body = ok("{\"text\": \"\\u3000\\u200bhi\\ufeff\\u00a0\"}");
        assertThat(body.get("tokens")).isEqualTo(3L);
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
