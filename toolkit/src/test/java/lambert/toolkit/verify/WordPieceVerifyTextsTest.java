package lambert.toolkit.verify;

import static lambert.runtime.testing.SameTokens.assertSame;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import lambert.runtime.testing.TestModels;
import org.junit.jupiter.api.Test;

/**
 * The pure-Java WordPiece tokenizer against the Hugging Face tokenizers library on the 1,100 built-in verify texts
 * (ten languages, code, URLs, emoji, up to several hundred tokens), for the real all-MiniLM-L6-v2 tokenizers (fp32 and
 * int8 exports) at the bundle's maximum length (256, so the longest texts are cut) and at BERT's 512.
 */
class WordPieceVerifyTextsTest {
    @Test
    void encode_equalsTheLibraryOnTheBuiltInVerifyTexts() {
        List<String> texts = VerifyTexts.builtIn();
        assertThat(texts).hasSize(1100);
        for (int max : new int[] {256, 512}) {
            assertSame(TestModels.tokenizer(), max, texts);
            assertSame(TestModels.minilmInt8().resolve("tokenizer.json"), max, texts);
        }
    }
}
