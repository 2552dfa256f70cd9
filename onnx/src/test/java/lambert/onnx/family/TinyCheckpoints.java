package lambert.onnx.family;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import lambert.onnx.checkpoint.Checkpoint;
import lambert.onnx.checkpoint.ModelConfig;
import lambert.onnx.checkpoint.Tensor;
import lambert.onnx.checkpoint.CheckpointReader;
import lambert.onnx.checkpoint.SafetensorsWriter;

/**
 * Small random checkpoints of every supported family, made in memory from a seed, with the
 * config and weight names a Hugging Face checkpoint of that family and head has: a bare encoder
 * (architectures {@code BertModel}) without the {@code bert.} prefix, as sentence-transformers
 * saves it; classifiers ({@code BertForSequenceClassification} with 3 labels,
 * {@code BertForTokenClassification} with 5) with it. Sizes: vocabulary 50, hidden 32, 2 layers,
 * 4 heads; MobileBERT adds its real structure (embedding 16 with trigram input, bottlenecks of 16,
 * shared key/query bottleneck, 3 feed-forward networks, NoNorm). {@link #write} makes a Hugging
 * Face folder of one, for testing {@code lambert convert}. The weights are each architecture's own layout
 * declaration ({@code layout}, from which {@code expectedWeights} comes too) filled with seeded noise.
 *
 * <pre>{@code
 * Checkpoint tiny = TinyCheckpoints.of("bert", Head.SEQUENCE_CLASSIFICATION, 7);
 * TinyCheckpoints.write(tiny, Path.of("tiny-bert"));   // config.json + model.safetensors
 * }</pre>
 */
public final class TinyCheckpoints {
    /** Vocabulary size of every tiny checkpoint; ids 0..49 are valid. */
    public static final int VOCAB = 50;
    /** The longest sequence every tiny checkpoint accepts. */
    public static final int MAX_SEQUENCE = 32;

    private static final List<String> SEQUENCE_LABELS = List.of("negative", "neutral", "positive");
    private static final List<String> TOKEN_LABELS = List.of("O", "B-PER", "I-PER", "B-LOC", "I-LOC");

    private final Random random;
    private final Map<String, Tensor> weights = new LinkedHashMap<>();

    private TinyCheckpoints(long seed) {
        this.random = new Random(seed);
    }

    /** The tiny checkpoint of {@code modelType} ({@code bert}, {@code roberta}, {@code distilbert}, {@code mobilebert}). */
    public static Checkpoint of(String modelType, Head head, long seed) {
        switch (modelType) {
            case "bert":
                return bert(head, seed);
            case "roberta":
                return roberta(head, seed);
            case "distilbert":
                return distilbert(head, seed);
            case "mobilebert":
                return mobilebert(head, seed);
            default:
                throw new IllegalArgumentException("no tiny checkpoint for model_type " + modelType
                        + ", expected one of bert, roberta, distilbert, mobilebert");
        }
    }

    /**
     * Writes {@code checkpoint} as a Hugging Face folder: {@code config.json} and
     * {@code model.safetensors} (float32), which {@code CheckpointReader.read(dir)} reads back.
     */
    public static void write(Checkpoint checkpoint, Path dir) throws IOException {
        Files.createDirectories(dir);
        try (JsonGenerator json = new JsonFactory().createGenerator(
                Files.newBufferedWriter(dir.resolve(CheckpointReader.CONFIG)))) {
            json.useDefaultPrettyPrinter();
            writeJson(json, checkpoint.config().fields());
        }
        SafetensorsWriter.write(dir.resolve("model.safetensors"), checkpoint.weights().values());
    }

    private static void writeJson(JsonGenerator json, Object value) throws IOException {
        if (value == null) {
            json.writeNull();
        } else if (value instanceof Map) {
            json.writeStartObject();
            for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
                json.writeFieldName(String.valueOf(e.getKey()));
                writeJson(json, e.getValue());
            }
            json.writeEndObject();
        } else if (value instanceof List) {
            json.writeStartArray();
            for (Object o : (List<?>) value) {
                writeJson(json, o);
            }
            json.writeEndArray();
        } else if (value instanceof Long || value instanceof Integer) {
            json.writeNumber(((Number) value).longValue());
        } else if (value instanceof Number) {
            json.writeNumber(((Number) value).doubleValue());
        } else if (value instanceof Boolean) {
            json.writeBoolean((Boolean) value);
        } else {
            json.writeString(value.toString());
        }
    }

    /** The number of labels the tiny checkpoints' {@code head} has (0 for the encoder). */
    public static int labels(Head head) {
        return head == Head.SEQUENCE_CLASSIFICATION ? SEQUENCE_LABELS.size()
                : head == Head.TOKEN_CLASSIFICATION ? TOKEN_LABELS.size() : 0;
    }

    /** {@code checkpoint} with config field {@code key} set to {@code value} (weights unchanged). */
    public static Checkpoint withConfig(Checkpoint checkpoint, String key, Object value) {
        Map<String, Object> fields = new LinkedHashMap<>(checkpoint.config().fields());
        fields.put(key, value);
        return new Checkpoint(ModelConfig.of(fields), checkpoint.weights());
    }

    /** A tiny BERT: hidden 32, 2 layers, 4 heads, intermediate 64, exact GELU, 2 token types. */
    public static Checkpoint bert(Head head, long seed) {
        return new TinyCheckpoints(seed).bertLike("bert", "Bert", head, 0, 2, 40, 1e-12);
    }

    /** A tiny RoBERTa: as {@link #bert} with {@code pad_token_id} 1, one token type, LayerNorm eps 1e-5. */
    public static Checkpoint roberta(Head head, long seed) {
        return new TinyCheckpoints(seed).bertLike("roberta", "Roberta", head, 1, 1, MAX_SEQUENCE + 2, 1e-5);
    }

    /** A tiny DistilBERT: dim 32, 2 layers, 4 heads, hidden_dim 64, GELU. */
    public static Checkpoint distilbert(Head head, long seed) {
        return new TinyCheckpoints(seed).distilbertLike(head);
    }

    /**
     * A tiny MobileBERT with the real structure: hidden 32, embedding 16 with trigram input,
     * bottlenecks of 16 with the key/query bottleneck shared, 4 heads, intermediate 32, 3
     * feed-forward networks, NoNorm, ReLU, pooler with tanh.
     */
    public static Checkpoint mobilebert(Head head, long seed) {
        return mobilebert(head, seed, Map.of());
    }

    /**
     * A tiny MobileBERT whose config fields {@code overrides} replace the defaults above
     * ({@code use_bottleneck}, {@code normalization_type}, {@code trigram_input}...); the weights
     * follow the resulting config.
     */
    public static Checkpoint mobilebert(Head head, long seed, Map<String, ?> overrides) {
        Map<String, Object> config = config("mobilebert", "MobileBert", head);
        config.put("vocab_size", (long) VOCAB);
        config.put("hidden_size", 32L);
        config.put("embedding_size", 16L);
        config.put("trigram_input", true);
        config.put("use_bottleneck", true);
        config.put("intra_bottleneck_size", 16L);
        config.put("true_hidden_size", 16L);
        config.put("use_bottleneck_attention", false);
        config.put("key_query_shared_bottleneck", true);
        config.put("num_feedforward_networks", 3L);
        config.put("normalization_type", "no_norm");
        config.put("classifier_activation", true);
        config.put("num_hidden_layers", 2L);
        config.put("num_attention_heads", 4L);
        config.put("intermediate_size", 32L);
        config.put("hidden_act", "relu");
        config.put("max_position_embeddings", (long) MAX_SEQUENCE);
        config.put("type_vocab_size", 2L);
        config.put("layer_norm_eps", 1e-12);
        config.put("pad_token_id", 0L);
        config.putAll(overrides);
        try {
            MobileBertSizes.of(ModelConfig.of(config));
        } catch (lambert.onnx.checkpoint.CheckpointException e) {
            throw new IllegalArgumentException("overrides " + overrides + " make an invalid config: " + e.getMessage(), e);
        }
        return new TinyCheckpoints(seed).declared(config, head);
    }

    private Checkpoint distilbertLike(Head head) {
        Map<String, Object> config = config("distilbert", "DistilBert", head);
        config.put("vocab_size", (long) VOCAB);
        config.put("dim", 32L);
        config.put("n_layers", 2L);
        config.put("n_heads", 4L);
        config.put("hidden_dim", 64L);
        config.put("activation", "gelu");
        config.put("max_position_embeddings", (long) MAX_SEQUENCE);
        config.put("sinusoidal_pos_embds", false);
        config.put("pad_token_id", 0L);
        return declared(config, head);
    }

    private Checkpoint bertLike(String type, String stem, Head head, int pad, int typeVocab, int positions, double eps) {
        Map<String, Object> config = config(type, stem, head);
        config.put("vocab_size", (long) VOCAB);
        config.put("hidden_size", 32L);
        config.put("num_hidden_layers", 2L);
        config.put("num_attention_heads", 4L);
        config.put("intermediate_size", 64L);
        config.put("hidden_act", "gelu");
        config.put("max_position_embeddings", (long) positions);
        config.put("type_vocab_size", (long) typeVocab);
        config.put("layer_norm_eps", eps);
        config.put("pad_token_id", (long) pad);
        return declared(config, head);
    }

    /** The checkpoint of {@code config} with {@code head}: its family's layout, filled with noise. */
    private Checkpoint declared(Map<String, Object> config, Head head) {
        ModelConfig modelConfig = ModelConfig.of(config);
        try {
            EncoderFamily family = ModelFamilies.family(modelConfig.modelType());
            family.layout(modelConfig, head, head == Head.ENCODER ? "" : family.prefix(), labels(head), noise);
        } catch (lambert.onnx.checkpoint.CheckpointException e) {
            throw new IllegalStateException("a tiny config is invalid: " + e.getMessage(), e);
        }
        return new Checkpoint(modelConfig, weights);
    }

    private static Map<String, Object> config(String type, String stem, Head head) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("model_type", type);
        String suffix = head == Head.ENCODER ? "Model"
                : head == Head.SEQUENCE_CLASSIFICATION ? "ForSequenceClassification" : "ForTokenClassification";
        config.put("architectures", List.of(stem + suffix));
        List<String> labels = head == Head.SEQUENCE_CLASSIFICATION ? SEQUENCE_LABELS
                : head == Head.TOKEN_CLASSIFICATION ? TOKEN_LABELS : List.of();
        if (!labels.isEmpty()) {
            Map<String, Object> id2label = new LinkedHashMap<>();
            for (int i = 0; i < labels.size(); i++) {
                id2label.put(Integer.toString(i), labels.get(i));
            }
            config.put("id2label", id2label);
        }
        return config;
    }

    /** The declared weights filled with Gaussian noise from the seed, in declaration order. */
    private final WeightLayout noise = new WeightLayout() {
        @Override
        public void table(String name, int rows, int width) {
            put(name, gaussian(rows * width, 0, 0.5), rows, width);
        }

        @Override
        public void linear(String name, int out, int in) {
            put(name + ".weight", gaussian(out * in, 0, 1 / Math.sqrt(in)), out, in);
            put(name + ".bias", gaussian(out, 0, 0.1), out);
        }

        @Override
        public void norm(String name, int size) {
            put(name + ".weight", gaussian(size, 1, 0.1), size);
            put(name + ".bias", gaussian(size, 0, 0.1), size);
        }
    };

    private void put(String name, float[] data, long... shape) {
        weights.put(name, new Tensor(name, shape, data));
    }

    private float[] gaussian(int n, double mean, double std) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (mean + std * random.nextGaussian());
        }
        return v;
    }
}
