package lambert.toolkit.bundling;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import lambert.onnx.checkpoint.CheckpointException;
import lambert.onnx.checkpoint.ModelConfig;
import lambert.base.json.Json;

/**
 * Builds the {@code tokenizer.json} that Hugging Face's {@code BertTokenizerFast} would make from a
 * WordPiece vocabulary ({@code vocab.txt}) and {@code tokenizer_config.json}, for checkpoints that
 * ship only the slow tokenizer's files (TinyBERT, MobileBERT and older BERT checkpoints): the
 * {@code BertNormalizer} (clean text, Chinese characters spaced, accents and case per the config),
 * the {@code BertPreTokenizer}, {@code WordPiece} with the {@code ##} prefix, {@code [UNK]} and 100
 * characters per word at most, the {@code [CLS] $A [SEP]} / {@code [CLS] $A [SEP] $B:1 [SEP]:1}
 * template and the WordPiece decoder, as transformers' {@code BertConverter} configures them.
 *
 * <pre>{@code
 * byte[] json = WordPieceTokenizerJson.build(Path.of("my-model"));
 * }</pre>
 */
public final class WordPieceTokenizerJson {
    /** Words longer than this many characters become the unknown token, as in {@code BertTokenizer}. */
    static final int MAX_INPUT_CHARS_PER_WORD = 100;

    private WordPieceTokenizerJson() {}

    /**
     * The settings of {@code BertTokenizer} that shape its fast tokenizer, with transformers'
     * defaults where {@code tokenizer_config.json} is silent.
     *
     * @param lowercase {@code do_lower_case} (default true)
     * @param stripAccents {@code strip_accents}; null follows {@code lowercase}
     * @param chineseChars {@code tokenize_chinese_chars} (default true)
     * @param unk the unknown token ({@code [UNK]})
     * @param cls the classifier token ({@code [CLS]})
     * @param sep the separator token ({@code [SEP]})
     * @param specials every special token (pad, unk, cls, sep, mask, additional ones)
     */
    public record Settings(boolean lowercase, Boolean stripAccents, boolean chineseChars, String unk, String cls,
            String sep, List<String> specials) {
        public Settings {
            specials = List.copyOf(specials);
        }

        /** {@code BertTokenizer}'s defaults: lower case, accents stripped with it, Chinese characters spaced. */
        public static Settings defaults() {
            return new Settings(true, null, true, "[UNK]", "[CLS]", "[SEP]",
                    List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"));
        }
    }

    /** Builds the tokenizer of the checkpoint folder {@code dir} from its {@code vocab.txt}. */
    public static byte[] build(Path dir) throws CheckpointException, IOException {
        Path vocabFile = dir.resolve("vocab.txt");
        if (!Files.isRegularFile(vocabFile)) {
            throw new NoSuchFileException(vocabFile.toString(), null,
                    "a checkpoint without tokenizer.json needs its WordPiece vocabulary vocab.txt");
        }
        return build(readVocab(vocabFile), settings(dir));
    }

    /**
     * Reads {@code tokenizer_config.json} and {@code special_tokens_map.json} (which wins, as in
     * transformers) when present.
     */
    public static Settings settings(Path dir) throws CheckpointException, IOException {
        Map<String, Object> config = new LinkedHashMap<>();
        for (String name : List.of("tokenizer_config.json", "special_tokens_map.json")) {
            Path file = dir.resolve(name);
            if (Files.isRegularFile(file)) {
                Object tree = ModelConfig.parseJson(Files.readAllBytes(file), file.toString());
                if (!(tree instanceof Map)) {
                    throw new CheckpointException(file + ": expected a JSON object, found " + ModelConfig.typeName(tree));
                }
                @SuppressWarnings("unchecked")
                Map<String, Object> fields = (Map<String, Object>) tree;
                config.putAll(fields);
            }
        }
        Settings d = Settings.defaults();
        if (Boolean.FALSE.equals(config.get("do_basic_tokenize"))) {
            throw new CheckpointException("tokenizer_config.json: \"do_basic_tokenize\": false is not supported "
                    + "(the fast tokenizer always splits on whitespace and punctuation); add a tokenizer.json");
        }
        boolean lowercase = bool(config, "do_lower_case", d.lowercase());
        Object strip = config.get("strip_accents");
        if (strip != null && !(strip instanceof Boolean)) {
            throw new CheckpointException("tokenizer_config.json: field \"strip_accents\" should be true, false or "
                    + "null, found " + ModelConfig.typeName(strip));
        }
        boolean chinese = bool(config, "tokenize_chinese_chars", d.chineseChars());
        String unk = token(config, "unk_token", d.unk());
        String cls = token(config, "cls_token", d.cls());
        String sep = token(config, "sep_token", d.sep());
        List<String> specials = new ArrayList<>();
        for (String key : List.of("pad_token", "unk_token", "cls_token", "sep_token", "mask_token")) {
            String value = token(config, key, d.specials().get(List.of("pad_token", "unk_token", "cls_token",
                    "sep_token", "mask_token").indexOf(key)));
            if (!specials.contains(value)) {
                specials.add(value);
            }
        }
        Object additional = config.get("additional_special_tokens");
        if (additional instanceof List) {
            for (Object token : (List<?>) additional) {
                String value = tokenText(token, "additional_special_tokens");
                if (!specials.contains(value)) {
                    specials.add(value);
                }
            }
        }
        return new Settings(lowercase, (Boolean) strip, chinese, unk, cls, sep, specials);
    }

    /** The tokens of {@code vocab.txt}, one per line, id = line number (the last line wins for a duplicate). */
    static List<String> readVocab(Path vocabFile) throws IOException, CheckpointException {
        String text = Files.readString(vocabFile, StandardCharsets.UTF_8);
        List<String> tokens = new ArrayList<>(List.of(text.split("\n", -1)));
        if (!tokens.isEmpty() && tokens.get(tokens.size() - 1).isEmpty()) {
            tokens.remove(tokens.size() - 1);
        }
        for (int i = 0; i < tokens.size(); i++) {
            String t = tokens.get(i);
            if (t.endsWith("\r")) {
                tokens.set(i, t.substring(0, t.length() - 1));
            }
        }
        if (tokens.isEmpty()) {
            throw new CheckpointException(vocabFile + ": the vocabulary is empty");
        }
        return tokens;
    }

    /** The {@code tokenizer.json} content for {@code vocab} (token per id) and {@code settings}. */
    public static byte[] build(List<String> vocab, Settings settings) throws CheckpointException {
        Map<String, Integer> ids = new LinkedHashMap<>();
        for (int i = 0; i < vocab.size(); i++) {
            ids.put(vocab.get(i), i);
        }
        for (String required : List.of(settings.unk(), settings.cls(), settings.sep())) {
            if (!ids.containsKey(required)) {
                throw new CheckpointException("vocab.txt has no " + required + " token, which the tokenizer needs "
                        + "(unk_token, cls_token and sep_token of tokenizer_config.json)");
            }
        }
        // Special tokens: their vocabulary id, or new ids after the vocabulary, as transformers adds them.
        TreeMap<Integer, String> added = new TreeMap<>();
        int next = vocab.size();
        for (String special : settings.specials()) {
            Integer id = ids.get(special);
            added.put(id != null ? id : next++, special);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = Json.generator(out)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeStringField("version", "1.0");
            g.writeNullField("truncation");
            g.writeNullField("padding");
            g.writeArrayFieldStart("added_tokens");
            for (Map.Entry<Integer, String> e : added.entrySet()) {
                g.writeStartObject();
                g.writeNumberField("id", e.getKey());
                g.writeStringField("content", e.getValue());
                g.writeBooleanField("single_word", false);
                g.writeBooleanField("lstrip", false);
                g.writeBooleanField("rstrip", false);
                g.writeBooleanField("normalized", false);
                g.writeBooleanField("special", true);
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeObjectFieldStart("normalizer");
            g.writeStringField("type", "BertNormalizer");
            g.writeBooleanField("clean_text", true);
            g.writeBooleanField("handle_chinese_chars", settings.chineseChars());
            if (settings.stripAccents() == null) {
                g.writeNullField("strip_accents");
            } else {
                g.writeBooleanField("strip_accents", settings.stripAccents());
            }
            g.writeBooleanField("lowercase", settings.lowercase());
            g.writeEndObject();
            g.writeObjectFieldStart("pre_tokenizer");
            g.writeStringField("type", "BertPreTokenizer");
            g.writeEndObject();
            writeTemplate(g, settings.cls(), ids.get(settings.cls()), settings.sep(), ids.get(settings.sep()));
            g.writeObjectFieldStart("decoder");
            g.writeStringField("type", "WordPiece");
            g.writeStringField("prefix", "##");
            g.writeBooleanField("cleanup", true);
            g.writeEndObject();
            g.writeObjectFieldStart("model");
            g.writeStringField("type", "WordPiece");
            g.writeStringField("unk_token", settings.unk());
            g.writeStringField("continuing_subword_prefix", "##");
            g.writeNumberField("max_input_chars_per_word", MAX_INPUT_CHARS_PER_WORD);
            g.writeObjectFieldStart("vocab");
            List<Map.Entry<String, Integer>> byId = new ArrayList<>(ids.entrySet());
            byId.sort(Comparator.comparingInt(Map.Entry::getValue));
            for (Map.Entry<String, Integer> e : byId) {
                g.writeNumberField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.write('\n');
        return out.toByteArray();
    }

    private static void writeTemplate(JsonGenerator g, String cls, int clsId, String sep, int sepId)
            throws IOException {
        g.writeObjectFieldStart("post_processor");
        g.writeStringField("type", "TemplateProcessing");
        g.writeArrayFieldStart("single");
        special(g, cls, 0);
        sequence(g, "A", 0);
        special(g, sep, 0);
        g.writeEndArray();
        g.writeArrayFieldStart("pair");
        special(g, cls, 0);
        sequence(g, "A", 0);
        special(g, sep, 0);
        sequence(g, "B", 1);
        special(g, sep, 1);
        g.writeEndArray();
        g.writeObjectFieldStart("special_tokens");
        for (Object[] token : new Object[][] {{cls, clsId}, {sep, sepId}}) {
            g.writeObjectFieldStart((String) token[0]);
            g.writeStringField("id", (String) token[0]);
            g.writeArrayFieldStart("ids");
            g.writeNumber((Integer) token[1]);
            g.writeEndArray();
            g.writeArrayFieldStart("tokens");
            g.writeString((String) token[0]);
            g.writeEndArray();
            g.writeEndObject();
        }
        g.writeEndObject();
        g.writeEndObject();
    }

    private static void special(JsonGenerator g, String token, int typeId) throws IOException {
        piece(g, "SpecialToken", token, typeId);
    }

    private static void sequence(JsonGenerator g, String id, int typeId) throws IOException {
        piece(g, "Sequence", id, typeId);
    }

    /** One piece of a TemplateProcessing template: {@code {"<kind>": {"id": id, "type_id": typeId}}}. */
    private static void piece(JsonGenerator g, String kind, String id, int typeId) throws IOException {
        g.writeStartObject();
        g.writeObjectFieldStart(kind);
        g.writeStringField("id", id);
        g.writeNumberField("type_id", typeId);
        g.writeEndObject();
        g.writeEndObject();
    }

    private static boolean bool(Map<String, Object> config, String key, boolean fallback) throws CheckpointException {
        Object v = config.get(key);
        if (v == null) {
            return fallback;
        }
        if (!(v instanceof Boolean)) {
            throw new CheckpointException("tokenizer_config.json: field \"" + key + "\" should be true or false, found "
                    + ModelConfig.typeName(v));
        }
        return (Boolean) v;
    }

    private static String token(Map<String, Object> config, String key, String fallback) throws CheckpointException {
        Object v = config.get(key);
        return v == null ? fallback : tokenText(v, key);
    }

    /** A special token given as a string or as transformers' {@code AddedToken} object ({@code content}). */
    private static String tokenText(Object v, String key) throws CheckpointException {
        if (v instanceof String) {
            return (String) v;
        }
        if (v instanceof Map && ((Map<?, ?>) v).get("content") instanceof String) {
            return (String) ((Map<?, ?>) v).get("content");
        }
        throw new CheckpointException("tokenizer_config.json: field \"" + key + "\" should be a token (a string or an "
                + "object with \"content\"), found " + ModelConfig.typeName(v));
    }
}
