package lambert.toolkit.batch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import lambert.base.json.Json;
import lambert.toolkit.BadInputException;

/**
 * Packs input records into requests, greedily and in order: a text joins the current request while the request stays
 * within every bound (texts, body bytes, tokens), else the request is closed and the text starts the next one. The
 * bounds are the function's limits ({@link FunctionInfo}) and the caller's own: at most {@code textsPerRequest} texts
 * and {@code tokensPerRequest} tokens. So long texts go alone and short ones together. A text is counted at most
 * {@code max_length} tokens (the function truncates there). A text whose request alone would pass the function's
 * byte limit is refused with the sizes; refused lines travel in the chunk where they occur, so chunks cover the input
 * without gaps. Packing depends only on the records from a chunk's first line on, so a run resumed after chunk
 * {@code n} packs the rest exactly as an uninterrupted run does.
 */
public final class RequestPacker {
    private final InputReader in;
    private final FunctionInfo info;
    private final TokenCounter counter;
    private final int maxTexts;
    private final long maxTokens;
    private final int maxBytes;
    private InputRecord pending;
    private long nextIndex;

    /**
     * @param textsPerRequest the most texts per request, at most the function's; 0 for the function's
     * @param tokensPerRequest the most tokens per request; 0 for the function's limit
     */
    public RequestPacker(InputReader in, FunctionInfo info, TokenCounter counter, int textsPerRequest,
            long tokensPerRequest) {
        if (textsPerRequest < 0 || textsPerRequest > info.maxTexts()) {
            throw BadInputException.of("texts-per-request must be between 1 and the function's max_texts "
                    + info.maxTexts() + ", found " + textsPerRequest, "texts-per-request");
        }
        if (tokensPerRequest < 0) {
            throw BadInputException.of("tokens-per-request must be positive, found " + tokensPerRequest,
                    "tokens-per-request");
        }
        this.in = in;
        this.info = info;
        this.counter = counter;
        this.maxTexts = textsPerRequest == 0 ? info.maxTexts() : textsPerRequest;
        this.maxTokens = tokensPerRequest == 0 ? info.maxTokens() : Math.min(tokensPerRequest, info.maxTokens());
        this.maxBytes = info.maxInputBytes();
    }

    /**
     * Continues a resumed run: skips the input through {@code lastLine} (the last line of chunk {@code index - 1})
     * and numbers the next chunk {@code index}.
     */
    public void resumeAt(long index, long lastLine) throws IOException {
        nextIndex = index;
        for (InputRecord r = in.next(); r != null; r = in.next()) {
            if (r.line() > lastLine) {
                pending = r;
                return;
            }
        }
    }

    /** The next chunk, or null at the end of the input. */
    public Chunk next() throws IOException {
        List<InputRecord> records = new ArrayList<>();
        int texts = 0;
        long tokens = 0;
        int bytes = Chunk.PREFIX.length() + (info.embeds() ? Chunk.SUFFIX_BASE64 : Chunk.SUFFIX).length();
        int empty = bytes;
        while (true) {
            InputRecord r = pending != null ? pending : in.next();
            pending = null;
            if (r == null) {
                break;
            }
            if (r.refused()) {
                records.add(r);
                continue;
            }
            int quoted = Json.quote(r.text()).getBytes(StandardCharsets.UTF_8).length;
            int textBytes = quoted + (texts == 0 ? 0 : 1);
            int textTokens = Math.min(counter.count(r.text()), info.maxLength());
            if (empty + quoted > maxBytes) {
                records.add(InputRecord.refused(r.line(), r.id(), "the text is " + (empty + quoted)
                        + " bytes as a request of its own, over the function's limit of " + maxBytes
                        + " bytes per request (max_input_bytes)"));
                continue;
            }
            if (texts > 0 && (texts + 1 > maxTexts || bytes + textBytes > maxBytes || tokens + textTokens > maxTokens)) {
                pending = r;
                break;
            }
            records.add(r);
            texts++;
            tokens += textTokens;
            bytes += textBytes;
        }
        if (records.isEmpty()) {
            return null;
        }
        return new Chunk(nextIndex++, records, tokens, texts == 0 ? 0 : bytes);
    }
}
