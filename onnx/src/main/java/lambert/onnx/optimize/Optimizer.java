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
 * <p>An output named {@code *.ort} is written in ONNX Runtime's own format (a flatbuffer a session can be built
 * on without parsing or optimising, and whose weights it uses in place; see {@code OnnxSession}). That format is
 * read only by the ONNX Runtime version that wrote it, and ONNX Runtime 1.24 does not write it byte for byte
 * the same twice (the order of some tables changes between runs), so a reproducible build keeps the file it
 * made once.
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

    /** The file name ending that selects ONNX Runtime's own format for the output. */
    public static final String ORT_FORMAT_SUFFIX = ".ort";

    private Optimizer() {}

    /**
     * Writes {@code in} optimised at {@code level} to {@code out} (temp file, then move), in ONNX Runtime's own
     * format when {@code out} ends with {@link #ORT_FORMAT_SUFFIX}, else as ONNX.
     */
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
                if (target.getFileName().toString().endsWith(ORT_FORMAT_SUFFIX)) {
                    options.addConfigEntry("session.save_model_format", "ORT");
                }
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
