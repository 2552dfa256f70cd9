package lambert.onnx.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** config.json through lambert's one JSON reader: errors with line and column, duplicates refused, typed getters. */
class ModelConfigTest {
    @TempDir
    Path dir;

    @Test
    void read_malformedJson_namesTheFileLineAndColumn() throws IOException {
        Path file = Files.writeString(dir.resolve("config.json"), "{\n  \"model_type\" \"bert\"\n}");
        assertThatThrownBy(() -> ModelConfig.read(file))
                .isInstanceOf(CheckpointException.class)
                .hasMessageStartingWith(file + ": not valid JSON at line 2, column ");
    }

    @Test
    void read_duplicateKey_isRefused() throws IOException {
        Path file = Files.writeString(dir.resolve("config.json"), "{\"hidden_size\": 4, \"hidden_size\": 8}");
        assertThatThrownBy(() -> ModelConfig.read(file))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("hidden_size");
    }

    @Test
    void read_notUtf8_isRefusedNamingTheFile() throws IOException {
        Path file = dir.resolve("config.json");
        Files.write(file, new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, '"', '}'});
        assertThatThrownBy(() -> ModelConfig.read(file))
                .isInstanceOf(CheckpointException.class)
                .hasMessageStartingWith(file + ": not valid UTF-8");
    }

    @Test
    void read_array_saysAnObjectWasExpected() throws IOException {
        Path file = Files.writeString(dir.resolve("config.json"), "[1, 2]", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> ModelConfig.read(file))
                .isInstanceOf(CheckpointException.class)
                .hasMessage(file + ": expected a JSON object, found an array");
    }

    @Test
    void requireInt_wrongType_namesTheFieldAndWhatWasFound() {
        ModelConfig config = ModelConfig.of(Map.of("hidden_size", "384", "layers", List.of(), "on", true));
        assertThatThrownBy(() -> config.requireInt("hidden_size"))
                .hasMessage("config.json: field \"hidden_size\" should be a whole number, found a string");
        assertThatThrownBy(() -> config.requireInt("layers"))
                .hasMessage("config.json: field \"layers\" should be a whole number, found an array");
        assertThatThrownBy(() -> config.stringOr("on", null))
                .hasMessage("config.json: field \"on\" should be a string, found a boolean");
    }

    @Test
    void typeName_everyJsonType_withItsArticle() {
        assertThat(ModelConfig.typeName(null)).isEqualTo("null");
        assertThat(ModelConfig.typeName("s")).isEqualTo("a string");
        assertThat(ModelConfig.typeName(1L)).isEqualTo("a number");
        assertThat(ModelConfig.typeName(true)).isEqualTo("a boolean");
        assertThat(ModelConfig.typeName(List.of())).isEqualTo("an array");
        assertThat(ModelConfig.typeName(Map.of())).isEqualTo("an object");
    }
}
