package lambert.toolkit.bundling;

import java.nio.file.Path;
import java.util.List;
import lambert.onnx.family.Head;
import lambert.onnx.family.ModelFamilies;
import lambert.runtime.bundle.Pooling;

/**
 * What {@link Converter#convert} is asked to do.
 *
 * @param from the Hugging Face checkpoint folder
 * @param out the bundle folder to write
 * @param head the head to convert, or null to infer it from {@code config.json}'s architectures
 * @param pooling the pooling of an embedding bundle, or null to take sentence-transformers' setting
 * @param opset the ONNX opset of the graph
 * @param checkTexts the texts of the equality check
 * @param skipCheck whether to skip the equality check (recorded in the bundle)
 * @param force whether an existing {@code out} may be replaced
 */
public record ConvertOptions(Path from, Path out, Head head, Pooling pooling, int opset, List<String> checkTexts,
        boolean skipCheck, boolean force) {
    /** The opset of graphs unless asked otherwise. */
    public static final int DEFAULT_OPSET = ModelFamilies.DEFAULT_OPSET;

    /** The equality check's default texts: short and long, cased, accented, CJK, digits, punctuation. */
    public static final List<String> DEFAULT_TEXTS = List.of(
            "Hey, how are you?",
            "The new movie is awesome.",
            "A man is playing guitar in the park while children watch from the benches nearby.",
            "Order #48213 shipped on 2026-11-03; call +1 (555) 010-7788 if it hasn't arrived by Friday!",
            "naïve café résumé Ångström",
            "我今天很高兴，因为天气非常好。",
            "ok",
            "The mitochondria is the powerhouse of the cell, producing ATP through oxidative phosphorylation, "
                    + "and in 1969 Apollo 11 landed on the Moon while millions watched on television.");

    public ConvertOptions {
        checkTexts = List.copyOf(checkTexts);
        if (opset < 1) {
            throw new IllegalArgumentException("opset must be positive, found " + opset);
        }
    }

    /** Options with the defaults: inferred head and pooling, {@link #DEFAULT_OPSET}, the default texts, checked. */
    public static ConvertOptions of(Path from, Path out) {
        return new ConvertOptions(from, out, null, null, DEFAULT_OPSET, DEFAULT_TEXTS, false, false);
    }

    /** These options with the head {@code newHead} ({@code null}: inferred from the checkpoint). */
    public ConvertOptions withHead(Head newHead) {
        return new ConvertOptions(from, out, newHead, pooling, opset, checkTexts, skipCheck, force);
    }

    /** These options, replacing an existing output when {@code replace}. */
    public ConvertOptions withForce(boolean replace) {
        return new ConvertOptions(from, out, head, pooling, opset, checkTexts, skipCheck, replace);
    }

    /** These options, skipping the equality check when {@code skip}. */
    public ConvertOptions withSkipCheck(boolean skip) {
        return new ConvertOptions(from, out, head, pooling, opset, checkTexts, skip, force);
    }
}
