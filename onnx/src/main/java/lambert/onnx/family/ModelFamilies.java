package lambert.onnx.family;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.StringJoiner;
import lambert.onnx.checkpoint.Checkpoint;
import lambert.onnx.checkpoint.CheckpointException;
import lambert.onnx.checkpoint.ExpectedWeights;
import lambert.onnx.checkpoint.ModelConfig;

/**
 * The model families {@code lambert convert} handles, chosen by {@code model_type}, and the head
 * a checkpoint is converted with, chosen by {@code architectures} (or by the weights present when
 * {@code config.json} has none), unless the caller asks for one.
 *
 * <pre>{@code
 * Checkpoint checkpoint = ...; // config.json and the weights
 * ModelFamily architecture = ModelFamilies.forConfig(checkpoint.config());
 * Head head = ModelFamilies.headFor(checkpoint, Optional.empty());
 * Onnx.Model model = architecture.graph(checkpoint, head, ModelFamilies.DEFAULT_OPSET);
 * float[][] expected = architecture.reference(checkpoint, head).forward(new long[] {101, 7592, 102}, new long[3]);
 * }</pre>
 */
public final class ModelFamilies {
    /** The opset graphs are built at unless asked otherwise. */
    public static final int DEFAULT_OPSET = 17;
    /**
     * The lowest opset supported (Unsqueeze with its axes as an input); below 17, which brought
     * {@code LayerNormalization}, layer normalisation is spelled out in elementary operators.
     */
    public static final int MIN_OPSET = 13;
    /** The highest opset supported. */
    public static final int MAX_OPSET = 21;

    private static final List<EncoderFamily> FAMILIES = List.of(
            new BertFamily(BertFamily.Flavour.BERT),
            new BertFamily(BertFamily.Flavour.ROBERTA),
            new DistilBertFamily(),
            new MobileBertFamily());

    private ModelFamilies() {}

    /** Every {@code model_type} some architecture handles, in a stable order. */
    public static List<String> supportedModelTypes() {
        List<String> types = new ArrayList<>();
        for (EncoderFamily f : FAMILIES) {
            types.addAll(f.modelTypes());
        }
        return List.copyOf(types);
    }

    /** The architecture for the config's {@code model_type}; unsupported types are refused with the list of supported ones. */
    public static ModelFamily forConfig(ModelConfig config) throws CheckpointException {
        return family(config.modelType());
    }

    /**
     * The weights the architecture of the config's {@code model_type} reads, with their shapes: the plan a
     * checkpoint is read with ({@code CheckpointReader.read(dir, ModelFamilies::expectedWeights)}).
     */
    public static ExpectedWeights expectedWeights(ModelConfig config) throws CheckpointException {
        return forConfig(config).expectedWeights(config);
    }

    /** The architecture for {@code modelType} ({@code bert}, {@code roberta}...). */
    public static ModelFamily forModelType(String modelType) throws CheckpointException {
        return family(modelType);
    }

    static EncoderFamily family(String modelType) throws CheckpointException {
        for (EncoderFamily f : FAMILIES) {
            if (f.modelTypes().contains(modelType)) {
                return f;
            }
        }
        throw new CheckpointException("config.json: model_type \"" + modelType + "\" is not supported; supported: "
                + String.join(", ", supportedModelTypes()));
    }

    /**
     * The head to convert with. {@code requested}, when present, wins if the checkpoint can serve
     * it: {@link Head#ENCODER} always can (any head is dropped); a classification head only when
     * the checkpoint has that head. Otherwise the head follows {@code architectures}
     * ({@code BertModel} → encoder, {@code BertForSequenceClassification}, {@code
     * BertForTokenClassification}, and likewise for the other families), or, without
     * {@code architectures}, the classifier weights present. A checkpoint with another head
     * ({@code BertForMaskedLM}, {@code BertForQuestionAnswering}...) is refused with the list of
     * supported heads unless the encoder is requested.
     */
    public static Head headFor(Checkpoint checkpoint, Optional<Head> requested) throws CheckpointException {
        ModelConfig config = checkpoint.config();
        EncoderFamily family = family(config.modelType());
        List<String> declaredClasses = architectures(config);
        Optional<Head> declared = Optional.empty();
        String unsupported = null;
        for (String name : declaredClasses) {
            Optional<Head> h = headOfClass(family, name);
            if (h.isPresent()) {
                declared = h;
                break;
            }
            unsupported = name;
        }
        if (declared.isEmpty() && unsupported == null) {
            declared = Optional.of(family.headFromWeights(checkpoint).orElse(Head.ENCODER));
        }
        if (requested.isPresent() && requested.get() == Head.ENCODER) {
            return Head.ENCODER;
        }
        if (declared.isEmpty()) {
            throw new CheckpointException("config.json: architectures is " + declaredClasses
                    + ", whose head lambert does not convert; supported heads: " + supportedHeads(family)
                    + ". Ask for the ENCODER head to convert the bare encoder without it");
        }
        if (requested.isPresent() && requested.get() != declared.get()) {
            throw new CheckpointException("the checkpoint is " + describe(family, declared.get())
                    + " and cannot be converted with the " + requested.get() + " head; it can be converted with "
                    + (declared.get() == Head.ENCODER ? "ENCODER only" : declared.get() + " or ENCODER"));
        }
        return declared.get();
    }

    /** Refuses an opset outside {@link #MIN_OPSET}..{@link #MAX_OPSET}. */
    public static void checkOpset(int opset) throws CheckpointException {
        if (opset < MIN_OPSET || opset > MAX_OPSET) {
            throw new CheckpointException("opset " + opset + " is not supported: expected " + MIN_OPSET + " to " + MAX_OPSET
                    + ", " + DEFAULT_OPSET + " by default");
        }
    }

    private static Optional<Head> headOfClass(EncoderFamily family, String className) {
        for (String stem : family.classStems()) {
            if (className.equals(stem + "Model")) {
                return Optional.of(Head.ENCODER);
            } else if (className.equals(stem + "ForSequenceClassification")) {
                return Optional.of(Head.SEQUENCE_CLASSIFICATION);
            } else if (className.equals(stem + "ForTokenClassification")) {
                return Optional.of(Head.TOKEN_CLASSIFICATION);
            }
        }
        return Optional.empty();
    }

    private static String supportedHeads(EncoderFamily family) {
        String stem = family.classStems().get(0);
        return "ENCODER (" + stem + "Model), SEQUENCE_CLASSIFICATION (" + stem
                + "ForSequenceClassification), TOKEN_CLASSIFICATION (" + stem + "ForTokenClassification)";
    }

    private static String describe(EncoderFamily family, Head head) {
        String stem = family.classStems().get(0);
        switch (head) {
            case ENCODER:
                return "a bare encoder (" + stem + "Model, no classification head)";
            case SEQUENCE_CLASSIFICATION:
                return "a sequence classifier (" + stem + "ForSequenceClassification)";
            default:
                return "a token classifier (" + stem + "ForTokenClassification)";
        }
    }

    private static List<String> architectures(ModelConfig config) throws CheckpointException {
        Object value = config.fields().get("architectures");
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List)) {
            throw new CheckpointException("config.json: field \"architectures\" should be an array of class names, found "
                    + ModelConfig.typeName(value));
        }
        List<String> names = new ArrayList<>();
        StringJoiner bad = new StringJoiner(", ");
        for (Object o : (List<?>) value) {
            if (o instanceof String) {
                names.add((String) o);
            } else {
                bad.add(ModelConfig.typeName(o));
            }
        }
        if (bad.length() > 0) {
            throw new CheckpointException("config.json: field \"architectures\" should hold class names, found " + bad);
        }
        return names;
    }
}
