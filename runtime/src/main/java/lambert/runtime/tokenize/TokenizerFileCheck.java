package lambert.runtime.tokenize;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import lambert.runtime.bundle.BundleException;
import lambert.base.json.Json;
import lambert.base.json.JsonException;
import lambert.base.json.Utf8;

/**
 * The checks a {@code tokenizer.json} passes before the native tokenizers library sees it: strict JSON, a bounded
 * depth, no unpaired surrogates, a post-processor template whose special tokens exist; and the number of ids it can
 * produce. What the library would abort the JVM on is refused here with a {@link BundleException} naming the file.
 */
final class TokenizerFileCheck {
    private static final JsonFactory JSON = new JsonFactory();
    /** Below serde_json's recursion limit of 128, which the tokenizers library turns into an abort. */
    private static final int MAX_DEPTH = 64;

    private TokenizerFileCheck() {}

    /**
     * Reads {@code tokenizer.json} once, as strict JSON, before it reaches the native library, and answers the
     * number of ids it can produce (one more than the highest id in {@code model.vocab}, an object of ids or a list
     * whose positions are the ids, and in {@code added_tokens}; 0 if it has neither). One pass, since this runs at
     * every cold start (about 0.1 s on a fresh JVM for a 700 KB file).
     *
     * <p>Refused, each found by {@code BundleFuzzTest} to abort the whole JVM (a Rust panic cannot cross JNI):
     * JSON that is not well-formed (the tokenizers library, 0.21 through DJL 0.38, panics on a syntax error inside
     * some sections, such as {@code "decoder"}: {@code expect("Helper")}); nesting deeper than serde_json's limit;
     * escapes that decode to an unpaired surrogate; and a {@code TemplateProcessing} post-processor (alone or in a
     * {@code Sequence}) whose template names a special token missing from its {@code special_tokens}, which loads
     * and then panics on the first encode ({@code template.rs}: "no entry found for key").
     */
    static int check(String json, Path file) {
        long highest = -1;
        long vocabEntries = 0;
        Object processor = null;
        try (JsonParser parser = JSON.createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new BundleException("tokenizer " + file + " is not a JSON object; expected a Hugging Face "
                        + "tokenizer.json");
            }
            int depth = 1;
            String top = null; // the field being read at depth 1
            String inner = null; // the field being read at depth 2 (model.vocab) or 3 (added_tokens[].id)
            boolean vocabList = false;
            int processorFrom = -1;
            for (JsonToken t = parser.nextToken(); t != null; t = parser.nextToken()) {
                boolean inVocab = depth == 3 && "model".equals(top) && "vocab".equals(inner);
                if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                    if (inVocab && vocabList) {
                        vocabEntries++;
                    }
                    if (++depth > MAX_DEPTH) {
                        throw new BundleException("tokenizer " + file + " nests deeper than " + MAX_DEPTH + " levels "
                                + "at line " + parser.currentLocation().getLineNr());
                    }
                    if (depth == 3 && "model".equals(top) && "vocab".equals(inner)) {
                        vocabList = t == JsonToken.START_ARRAY;
                    } else if (depth == 2 && "post_processor".equals(top) && t == JsonToken.START_OBJECT) {
                        processorFrom = (int) parser.currentTokenLocation().getCharOffset();
                    }
                    continue;
                }
                if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
                    depth--;
                    if (depth == 1 && processorFrom >= 0) {
                        int to = (int) parser.currentLocation().getCharOffset();
                        processor = Json.parse(json.substring(processorFrom, to)
                                .getBytes(StandardCharsets.UTF_8));
                        processorFrom = -1;
                    }
                    continue;
                }
                if (t == JsonToken.FIELD_NAME || t == JsonToken.VALUE_STRING) {
                    if (firstUnpairedSurrogate(parser) >= 0) {
                        throw new BundleException("tokenizer " + file + " has a string with an unpaired UTF-16 "
                                + "surrogate at line " + parser.currentLocation().getLineNr());
                    }
                }
                if (t == JsonToken.FIELD_NAME) {
                    if (depth == 1) {
                        top = parser.currentName();
                        inner = null;
                    } else if (depth == 2 || (depth == 3 && "added_tokens".equals(top))) {
                        inner = parser.currentName();
                    }
                } else if (inVocab && vocabList) {
                    vocabEntries++;
                } else if (t == JsonToken.VALUE_NUMBER_INT && depth == 3
                        && (inVocab || ("added_tokens".equals(top) && "id".equals(inner)))) {
                    highest = Math.max(highest, parser.getValueAsLong(-1));
                }
            }
        } catch (JsonProcessingException e) {
            throw new BundleException("tokenizer " + file + " is not valid JSON at " + Json.where(e.getLocation()) + ": "
                    + Json.problem(e), e);
        } catch (JsonException e) {
            throw new BundleException("tokenizer " + file + ": cannot read its post_processor: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new BundleException("cannot read tokenizer " + file + ": " + e.getMessage(), e);
        }
        checkTemplate(processor, file);
        highest = Math.max(highest, vocabEntries - 1);
        return (int) Math.min(Integer.MAX_VALUE, highest + 1);
    }

    /** Where and why {@code file}, which the JDK's strict decoder refused, is not UTF-8. */
    static String utf8Problem(Path file) {
        try {
            Utf8.Problem problem = Utf8.check(Files.readAllBytes(file));
            return problem == null ? "(the file changed while it was read)" : problem.toString();
        } catch (IOException e) {
            return "(" + e.getMessage() + ")";
        }
    }

    /** {@link Texts#firstUnpairedSurrogate} on the parser's current text, without copying it to a String. */
    private static int firstUnpairedSurrogate(JsonParser parser) throws IOException {
        char[] chars = parser.getTextCharacters();
        int from = parser.getTextOffset();
        int length = parser.getTextLength();
        return Texts.firstUnpairedSurrogate(java.nio.CharBuffer.wrap(chars, from, length));
    }

    private static void checkTemplate(Object processor, Path file) {
        if (!(processor instanceof java.util.Map<?, ?> map)) {
            return;
        }
        if ("Sequence".equals(map.get("type")) && map.get("processors") instanceof List<?> processors) {
            for (Object p : processors) {
                checkTemplate(p, file);
            }
            return;
        }
        if (!"TemplateProcessing".equals(map.get("type"))) {
            return;
        }
        java.util.Set<?> known = map.get("special_tokens") instanceof java.util.Map<?, ?> special ? special.keySet()
                : java.util.Set.of();
        for (String template : List.of("single", "pair")) {
            if (!(map.get(template) instanceof List<?> pieces)) {
                continue;
            }
            for (Object piece : pieces) {
                if (piece instanceof java.util.Map<?, ?> p && p.get("SpecialToken") instanceof java.util.Map<?, ?> token
                        && !known.contains(token.get("id"))) {
                    throw new BundleException("tokenizer " + file + ": the post_processor's \"" + template
                            + "\" template names the special token " + token.get("id") + ", which is not among its "
                            + "special_tokens " + known);
                }
            }
        }
    }
}
