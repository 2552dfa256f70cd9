package lambert.onnx.checkpoint;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The weights an architecture reads from a checkpoint, each with the shape {@code config.json} gives it, so that a
 * checkpoint reader can check every tensor's header before it reads (and allocates for) any data: a tensor the
 * architecture reads must have exactly its shape, one it does not read is skipped unread. A tensor whose header
 * claims two billion rows is then refused in a line, not read into an 8 GB array first.
 *
 * <p>Names are declared as a checkpoint of the family's task heads carries them (the base model under its prefix,
 * {@code bert.embeddings.word_embeddings.weight}; heads without it, {@code classifier.weight}) and found also without
 * the prefix (a bare encoder saved by sentence-transformers); the declaring architecture also lists the old
 * LayerNorm names {@code gamma} and {@code beta} it reads. A dimension {@code config.json} does not fix (the labels of a classifier without {@code id2label})
 * is {@link #ANY}: any size, as long as the tensor holds no more values than the largest fixed one.
 *
 * <pre>{@code
 * ExpectedWeights expected = ModelFamilies.forConfig(config).expectedWeights(config);
 * String problem = expected.check("bert.embeddings.word_embeddings.weight", new long[] {2147483000, 1});
 * }</pre>
 */
public final class ExpectedWeights {
    /** A dimension that {@code config.json} does not fix. */
    public static final long ANY = -1;

    private static final ExpectedWeights EVERYTHING = new ExpectedWeights("", Map.of(), true);

    private final String prefix;
    private final Map<String, long[]> shapes;
    private final boolean everything;
    private final long largest;

    private ExpectedWeights(String prefix, Map<String, long[]> shapes, boolean everything) {
        this.prefix = prefix;
        this.shapes = Collections.unmodifiableMap(new LinkedHashMap<>(shapes));
        this.everything = everything;
        long most = 0;
        for (long[] shape : shapes.values()) {
            if (Arrays.stream(shape).noneMatch(d -> d == ANY)) {
                most = Math.max(most, Tensor.elementCount(shape));
            }
        }
        this.largest = most;
    }

    /** Every tensor is read, whatever its shape: reading a checkpoint without an architecture in mind. */
    public static ExpectedWeights everything() {
        return EVERYTHING;
    }

    /**
     * The weights of one family.
     *
     * @param prefix the base model's prefix ({@code bert.}), under which {@code shapes} names the base weights
     * @param shapes every weight the family's graphs may read, by name, with its shape ({@link #ANY} where open)
     */
    public static ExpectedWeights of(String prefix, Map<String, long[]> shapes) {
        return new ExpectedWeights(prefix, shapes, false);
    }

    /** Whether tensor {@code name} is to be read (and checked first): declared, or every tensor is. */
    public boolean reads(String name) {
        return everything || declares(name);
    }

    /** Whether the architecture needs tensor {@code name} (so it must hold floating-point weights). */
    public boolean declares(String name) {
        return !everything && declared(name) != null;
    }

    /**
     * Null when tensor {@code name} of {@code shape} is what the architecture expects (or is not read at all);
     * otherwise what is wrong: "tensor X has shape [2147483000, 1] but config.json implies [30522, 384]".
     */
    public String check(String name, long[] shape) {
        long[] expected = everything ? null : declared(name);
        if (expected == null) {
            return null;
        }
        boolean fits = expected.length == shape.length;
        boolean open = false;
        for (int i = 0; fits && i < shape.length; i++) {
            open |= expected[i] == ANY;
            fits = expected[i] == ANY ? shape[i] > 0 : shape[i] == expected[i];
        }
        if (fits && open && count(shape) > largest) {
            return "tensor " + name + " has shape " + Arrays.toString(shape) + ", more values than any weight config.json"
                    + " implies (at most " + largest + ", for " + render(expected) + ")";
        }
        return fits ? null : "tensor " + name + " has shape " + Arrays.toString(shape) + " but config.json implies "
                + render(expected);
    }

    private static long count(long[] shape) {
        try {
            return Tensor.elementCount(shape);
        } catch (ArithmeticException | IllegalArgumentException tooLargeOrNegative) {
            return Long.MAX_VALUE;
        }
    }

    private long[] declared(String name) {
        long[] shape = shapes.get(name);
        return shape != null || name.startsWith(prefix) ? shape : shapes.get(prefix + name);
    }

    private static String render(long[] shape) {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < shape.length; i++) {
            s.append(i > 0 ? ", " : "").append(shape[i] == ANY ? "any" : Long.toString(shape[i]));
        }
        return s.append(']').toString();
    }

    @Override
    public String toString() {
        return everything ? "every tensor" : shapes.size() + " weights under " + (prefix.isEmpty() ? "no prefix" : prefix);
    }
}
