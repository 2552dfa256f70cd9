package lambert.runtime.tokenize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import lambert.runtime.bundle.BundleException;
import lambert.runtime.testing.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextTokenizerTest {
    @Test
    void encode_unpairedSurrogateIsRefusedNotPassedToTheNativeLibrary() {
        try (TextTokenizer tokenizer = TextTokenizer.load(TestModels.tokenizer(), 32)) {
            assertThatThrownBy(() -> tokenizer.encode("bad \ud800 text"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("index 4");
            assertThatThrownBy(() -> tokenizer.encode(List.of("fine", "\udc00")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("text 1");
            assertThat(tokenizer.encode("still fine").length()).isEqualTo(4);
        }
    }

    @Test
    void encode_truncatesAtTheMaximumAndSaysSo() {
        try (TextTokenizer tokenizer = TextTokenizer.load(TestModels.tokenizer(), 8)) {
            Tokens tokens = tokenizer.encode("one two three four five six seven eight nine ten");
            assertThat(tokens.length()).isEqualTo(8);
            assertThat(tokens.truncated()).isTrue();
            assertThat(tokens.special()[0]).isTrue();
            assertThat(tokens.special()[7]).isTrue();
            assertThat(tokenizer.encode("one two").truncated()).isFalse();
        }
    }

    @Test
    void close_isIdempotentAndLaterUseIsRefused() {
        TextTokenizer tokenizer = TextTokenizer.load(TestModels.tokenizer(), 8);
        tokenizer.close();
        tokenizer.close();
        assertThatThrownBy(() -> tokenizer.encode("x")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void load_picksJavaForWordPieceTheLibraryOtherwiseAndFollowsTheSwitch(@TempDir Path dir) throws Exception {
        Path metaspace = dir.resolve("tokenizer.json");
        Files.writeString(metaspace, Files.readString(TestModels.tokenizer())
                .replace("\"type\": \"BertPreTokenizer\"", "\"type\": \"Metaspace\", \"replacement\": \"_\", "
                        + "\"prepend_scheme\": \"always\", \"split\": true"));
        try (TextTokenizer wordPiece = TextTokenizer.load(TestModels.tokenizer(), 8);
                TextTokenizer other = TextTokenizer.load(metaspace, 8)) {
            assertThat(wordPiece).isInstanceOf(WordPieceTokenizer.class);
            assertThat(other).isInstanceOf(NativeTokenizer.class);
        }
        try {
            System.setProperty(TextTokenizer.SWITCH, "native");
            try (TextTokenizer forced = TextTokenizer.load(TestModels.tokenizer(), 8)) {
                assertThat(forced).isInstanceOf(NativeTokenizer.class);
            }
            System.setProperty(TextTokenizer.SWITCH, "java");
            assertThatThrownBy(() -> TextTokenizer.load(metaspace, 8)).isInstanceOf(BundleException.class)
                    .hasMessageContaining("pre_tokenizer is not BertPreTokenizer");
            System.setProperty(TextTokenizer.SWITCH, "rust");
            assertThatThrownBy(() -> TextTokenizer.load(TestModels.tokenizer(), 8)).isInstanceOf(BundleException.class)
                    .hasMessage("LAMBERT_TOKENIZER is \"rust\"; expected java or native");
        } finally {
            System.clearProperty(TextTokenizer.SWITCH);
        }
    }
}
