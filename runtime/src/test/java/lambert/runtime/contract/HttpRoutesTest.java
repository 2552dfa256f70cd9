package lambert.runtime.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
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

/**
 * The contract over HTTP on the real int8 all-MiniLM-L6-v2 (the folder {@code minilm-int8}, 256 tokens as its
 * sentence_bert_config.json says, 384 dimensions as its config.json says): GET, POST and any other method.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpRoutesTest {
    private Model model;

    @BeforeAll
    void load() {
        model = Model.open(TestModels.minilmInt8(), ModelOptions.defaults());
    }

    @AfterAll
    void close() {
        model.close();
    }

    @Test
    void answer_getGivesTheModelInformationAndLimits() throws Exception {
        Reply reply = new HttpRoutes(new Service(model, new Limits(4, 4096))).answer("GET", new byte[0], "r", null);
        assertThat(reply.status()).isEqualTo(200);
        Map<?, ?> info = (Map<?, ?>) Json.parse(reply.body());
        assertThat(info.keySet().stream().map(String::valueOf).toList()).containsExactly("model", "task", "max_length", "output_size", "labels",
                "quantization", "max_texts", "max_input_bytes", "lambert_version");
        assertThat(info.get("model")).isEqualTo("minilm-int8");
        assertThat(info.get("task")).isEqualTo("embed");
        assertThat(info.get("max_length")).isEqualTo(256L);
        assertThat(info.get("output_size")).isEqualTo(384L);
        assertThat((List<?>) info.get("labels")).isEmpty();
        assertThat((String) info.get("quantization")).startsWith("int8");
        assertThat(info.get("max_texts")).isEqualTo(4L);
        assertThat(info.get("max_input_bytes")).isEqualTo(4096L);
    }

    @Test
    void answer_getNamesTheTokenLimitOnlyWhenThereIsOne() throws Exception {
        Reply reply = new HttpRoutes(new Service(model, new Limits(4, 4096, 1000))).answer("GET", new byte[0], "r",
                null);
        assertThat(((Map<?, ?>) Json.parse(reply.body())).get("max_tokens")).isEqualTo(1000L);
    }

    @Test
    void answer_postAnswersTheBody() throws Exception {
        Reply reply = new HttpRoutes(new Service(model, Limits.defaults())).answer("POST",
                "{\"text\": \"Hey, how are you?\"}".getBytes(StandardCharsets.UTF_8), "r", null);
        assertThat(reply.status()).isEqualTo(200);
        assertThat((List<?>) ((Map<?, ?>) Json.parse(reply.body())).get("embedding")).hasSize(384);
    }

    @Test
    void answer_emptyPostIs400NamingTheBody() throws Exception {
        Reply reply = new HttpRoutes(new Service(model, Limits.defaults())).answer("POST", new byte[0], "r", null);
        assertThat(reply.status()).isEqualTo(400);
        assertThat(((Map<?, ?>) Json.parse(reply.body())).get("field")).isEqualTo("body");
    }

    @Test
    void answer_otherMethodIs405() throws Exception {
        Reply reply = new HttpRoutes(new Service(model, Limits.defaults())).answer("DELETE", new byte[0], "r", null);
        assertThat(reply.status()).isEqualTo(405);
        assertThat(reply.errorType()).isEqualTo("MethodNotAllowed");
        assertThat((String) ((Map<?, ?>) Json.parse(reply.body())).get("errorMessage"))
                .isEqualTo("method DELETE is not allowed: POST a JSON request, or GET the model information");
        assertThat(HttpRoutes.ALLOW).isEqualTo("GET, POST");
    }
}
