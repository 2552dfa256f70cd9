package lambert.runtime.tokenize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import lambert.runtime.testing.TestModels;
import org.junit.jupiter.api.Test;

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
}
