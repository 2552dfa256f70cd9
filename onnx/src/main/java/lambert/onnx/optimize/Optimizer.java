package lambert.onnx.optimize;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import lambert.base.io.PartialFiles;

/**
 * ONNX Runtime's graph optimisations run once, offline, and saved: the model is opened at the given
 * level with {@code setOptimizedModelFilePath}, which writes the optimised graph. Levels up to
 * {@link Level#EXTENDED} (constant folding, redundant nodes, and the BERT fusions: attention, skip and
 * embed layer norm, GELU, bias-GELU) give a file that runs on any CPU; the layout transforms of the
 * "all" level are specific to the machine that made them and are never saved.
 *
 * <pre>{@code
 * Optimizer.optimize(Path.of("model.onnx"), Path.of("optimized.onnx"), Optimizer.Level.EXTENDED);
 * }</pre>
 */
public final class Optimizer {
    /** The portable optimisation levels. */
    public enum Level {
        /** Constant folding and redundant-node elimination. */
        BASIC,
        /** Basic plus the transformer fusions. */
        EXTENDED;

        /** The lower-case name recorded in manifests. */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private Optimizer() {}

    /** Writes {@code in} optimised at {@code level} to {@code out} (temp file, then move). */
    public static void optimize(Path in, Path out, Level level) throws IOException {
        Path target = out.toAbsolutePath();
        Files.createDirectories(target.getParent());
        Path temp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".partial");
        try {
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
                options.setOptimizationLevel(level == Level.BASIC ? OrtSession.SessionOptions.OptLevel.BASIC_OPT
                        : OrtSession.SessionOptions.OptLevel.EXTENDED_OPT);
                options.setOptimizedModelFilePath(temp.toString());
                options.setIntraOpNumThreads(1);
                env.createSession(in.toString(), options).close();
            } catch (OrtException e) {
                throw new IOException("ONNX Runtime could not optimise " + in + ": " + e.getMessage(), e);
            }
            if (Files.size(temp) == 0) {
                throw new IOException("ONNX Runtime wrote no optimised model for " + in);
            }
            PartialFiles.replace(temp, target);
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
