package lambert.runtime.session;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.LongBuffer;
import java.util.List;
import lambert.runtime.tokenize.Tokens;

/**
 * Token ids of several texts, padded to the longest of them, in direct buffers that ONNX Runtime
 * reads without a copy.
 *
 * @param ids {@code [rows, width]} token ids, pad id after each text's end
 * @param mask {@code [rows, width]} 1 for real tokens, 0 for padding
 * @param typeIds {@code [rows, width]} segment ids
 * @param rows number of texts
 * @param width tokens per row (the longest text)
 */
public record TokenBatch(LongBuffer ids, LongBuffer mask, LongBuffer typeIds, int rows, int width) {

    /** Pads the given texts' tokens with {@code padId} to the longest of them. */
    public static TokenBatch of(List<Tokens> texts, long padId) {
        int width = 0;
        for (Tokens t : texts) {
            width = Math.max(width, t.length());
        }
        int rows = texts.size();
        LongBuffer ids = direct(rows * width);
        LongBuffer mask = direct(rows * width);
        LongBuffer types = direct(rows * width);
        for (int r = 0; r < rows; r++) {
            Tokens t = texts.get(r);
            for (int c = 0; c < width; c++) {
                boolean real = c < t.length();
                ids.put(real ? t.ids()[c] : padId);
                mask.put(real ? 1 : 0);
                types.put(real ? t.typeIds()[c] : 0);
            }
        }
        return new TokenBatch(ids.rewind(), mask.rewind(), types.rewind(), rows, width);
    }

    /** The number of real (unpadded) tokens in a row. */
    public int length(int row) {
        int n = 0;
        for (int c = 0; c < width; c++) {
            n += (int) mask.get(row * width + c);
        }
        return n;
    }

    private static LongBuffer direct(int count) {
        return ByteBuffer.allocateDirect(count * Long.BYTES).order(ByteOrder.nativeOrder()).asLongBuffer();
    }
}
