package lambert.runtime.session;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import lambert.runtime.bundle.BundleException;
import lambert.runtime.natives.NativeLibraries;

/**
 * An ONNX Runtime session over a model file, fed with {@link TokenBatch}es. Thread-safe: ONNX Runtime
 * sessions may be run concurrently. The model is never copied into the Java heap:
 * <ul>
 *   <li>an ONNX file ({@code .onnx}) is opened from its path, and ONNX Runtime reads it itself;</li>
 *   <li>a file in ONNX Runtime's own format ({@code .ort}, a flatbuffer saved already optimised, see
 *       {@link #ORT_FORMAT_SUFFIX}) is memory-mapped, and ONNX Runtime builds the session on the mapped bytes
 *       and takes the weights straight from them: no protobuf parse, no graph optimisation, no copy of the
 *       weights at load (session creation 0.4x the ONNX file's on all-MiniLM-L6-v2 int8, one CPU).</li>
 * </ul>
 *
 * <pre>{@code
 * try (OnnxSession session = OnnxSession.open(Path.of("model.onnx"), EngineOptions.defaults(), false)) {
 *     Output out = session.run(List.of("input_ids", "attention_mask"), "last_hidden_state", batch);
 * }
 * }</pre>
 */
public final class OnnxSession implements AutoCloseable {
    /**
     * The file name ending of a model in ONNX Runtime's own format. Such a file is read only by the ONNX Runtime
     * version that wrote it (the function zip carries both), and is always saved optimised.
     */
    public static final String ORT_FORMAT_SUFFIX = ".ort";

    private final OrtEnvironment env;
    private final OrtSession session;
    /** The mapped model bytes the session's weights live in ({@code .ort} files), kept for its lifetime. */
    @SuppressWarnings("unused")
    private final MappedByteBuffer modelBytes;
    private volatile boolean closed;

    private OnnxSession(OrtEnvironment env, OrtSession session, MappedByteBuffer modelBytes) {
        this.env = env;
        this.session = session;
        this.modelBytes = modelBytes;
    }

    /** Whether {@code model} is named as a file in ONNX Runtime's own format ({@link #ORT_FORMAT_SUFFIX}). */
    public static boolean isOrtFormat(Path model) {
        return model.getFileName().toString().endsWith(ORT_FORMAT_SUFFIX);
    }

    /**
     * Opens a session.
     *
     * @param model the ONNX file
     * @param options threads, spinning, optimisation level and whether known-bad kernel paths are avoided
     * @param preOptimized whether the file was saved already optimised ({@link Optimization#AUTO} then means none;
     *     a {@code .ort} file always is)
     * @throws SessionException if ONNX Runtime cannot load the file (not ONNX, truncated, unknown operator)
     */
    public static OnnxSession open(Path model, EngineOptions options, boolean preOptimized) throws SessionException {
        NativeLibraries.prepareOnnxRuntime();
        OrtEnvironment env = environment();
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            so.setIntraOpNumThreads(options.effectiveThreads());
            so.setInterOpNumThreads(1);
            so.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            so.addConfigEntry("session.intra_op.allow_spinning", options.spinning() ? "1" : "0");
            boolean ortFormat = isOrtFormat(model);
            so.setOptimizationLevel(level(options.optimization(), preOptimized || ortFormat));
            // ONNX Runtime logs a failed run to stderr itself (a coloured line before lambert's own message, which
            // already carries ORT's text through OrtException); only fatal errors are left to its log.
            so.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL);
            if (options.kernelWorkarounds()) {
                for (Map.Entry<String, String> entry : KernelWorkarounds.forThisMachine().entrySet()) {
                    so.addConfigEntry(entry.getKey(), entry.getValue());
                }
            }
            if (!ortFormat) {
                return new OnnxSession(env, env.createSession(model.toString(), so), null);
            }
            so.addConfigEntry("session.load_model_format", "ORT");
            so.addConfigEntry("session.use_ort_model_bytes_directly", "1");
            so.addConfigEntry("session.use_ort_model_bytes_for_initializers", "1");
            MappedByteBuffer bytes = map(model);
            return new OnnxSession(env, env.createSession(bytes, so), bytes);
        } catch (OrtException e) {
            throw new SessionException(e.getMessage(), e);
        }
    }

    private static MappedByteBuffer map(Path model) throws SessionException {
        try (FileChannel channel = FileChannel.open(model)) {
            return channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size());
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            throw new SessionException("cannot map " + model + ": " + e.getMessage(), e);
        }
    }

    /**
     * ONNX Runtime's environment. Its Java binding starts by creating a temp folder (even when its libraries are
     * given by path) and then loads its native libraries; either failure surfaces as a linkage error without a
     * useful message, so it is turned into a {@link BundleException} that names the cause.
     */
    private static OrtEnvironment environment() {
        try {
            return OrtEnvironment.getEnvironment();
        } catch (ExceptionInInitializerError | NoClassDefFoundError e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new BundleException("ONNX Runtime could not start: " + cause + ". Its Java binding needs a writable "
                    + "temp folder (java.io.tmpdir is " + System.getProperty("java.io.tmpdir") + ") and its native "
                    + "libraries (onnxruntime.native.path is " + System.getProperty("onnxruntime.native.path") + ")", e);
        } catch (UnsatisfiedLinkError e) {
            throw new BundleException("ONNX Runtime's native library could not be loaded (onnxruntime.native.path is "
                    + System.getProperty("onnxruntime.native.path") + "): " + e.getMessage(), e);
        }
    }

    private static OrtSession.SessionOptions.OptLevel level(Optimization optimization, boolean preOptimized) {
        switch (optimization) {
            case NONE:
                return OrtSession.SessionOptions.OptLevel.NO_OPT;
            case BASIC:
                return OrtSession.SessionOptions.OptLevel.BASIC_OPT;
            case EXTENDED:
                return OrtSession.SessionOptions.OptLevel.EXTENDED_OPT;
            case ALL:
                return OrtSession.SessionOptions.OptLevel.ALL_OPT;
            default:
                return preOptimized ? OrtSession.SessionOptions.OptLevel.NO_OPT
                        : OrtSession.SessionOptions.OptLevel.ALL_OPT;
        }
    }

    /** The model's inputs by name, in the model's order. */
    public Map<String, TensorSpec> inputs() throws SessionException {
        try {
            return specs(session.getInputInfo());
        } catch (OrtException e) {
            throw new SessionException(e.getMessage(), e);
        }
    }

    /** The model's outputs by name, in the model's order. */
    public Map<String, TensorSpec> outputs() throws SessionException {
        try {
            return specs(session.getOutputInfo());
        } catch (OrtException e) {
            throw new SessionException(e.getMessage(), e);
        }
    }

    private static Map<String, TensorSpec> specs(Map<String, NodeInfo> nodes) {
        Map<String, TensorSpec> specs = new LinkedHashMap<>();
        for (Map.Entry<String, NodeInfo> node : nodes.entrySet()) {
            TensorInfo info = node.getValue().getInfo() instanceof TensorInfo
                    ? (TensorInfo) node.getValue().getInfo() : null;
            // A tensor is described here, not by TensorInfo.toString(), whose stream links lambdas at run time in a
            // function's INIT (docs/cold-start.md); the description only ever goes into error messages.
            specs.put(node.getKey(), new TensorSpec(info != null && info.type == OnnxJavaType.INT64,
                    info == null ? null : info.getShape(), info == null ? String.valueOf(node.getValue().getInfo())
                            : "a tensor of " + info.type + " of shape " + Arrays.toString(info.getShape())));
        }
        return specs;
    }

    /**
     * Runs the model on a batch and returns one float output.
     *
     * @param inputNames the model inputs to feed: {@code input_ids}, {@code attention_mask}, {@code token_type_ids}
     * @param outputName the output to compute
     */
    public Output run(List<String> inputNames, String outputName, TokenBatch batch) throws SessionException {
        long[] shape = {batch.rows(), batch.width()};
        Map<String, OnnxTensor> feeds = new HashMap<>();
        try {
            for (String name : inputNames) {
                feeds.put(name, OnnxTensor.createTensor(env, bufferFor(name, batch), shape));
            }
            try (OrtSession.Result result = session.run(feeds, Set.of(outputName))) {
                OnnxValue value = result.get(0);
                if (!(value instanceof OnnxTensor)) {
                    throw new SessionException("output " + outputName + " is not a tensor");
                }
                OnnxTensor tensor = (OnnxTensor) value;
                if (tensor.getInfo().type != OnnxJavaType.FLOAT) {
                    throw new SessionException("output " + outputName + " must be float32, found "
                            + tensor.getInfo().type);
                }
                FloatBuffer buffer = tensor.getFloatBuffer();
                float[] data = new float[buffer.remaining()];
                buffer.get(data);
                return new Output(data, tensor.getInfo().getShape());
            }
        } catch (OrtException e) {
            throw new SessionException(e.getMessage(), e);
        } finally {
            for (OnnxTensor t : feeds.values()) {
                t.close();
            }
        }
    }

    private static LongBuffer bufferFor(String inputName, TokenBatch batch) {
        switch (inputName) {
            case "attention_mask":
                return batch.mask().duplicate();
            case "token_type_ids":
                return batch.typeIds().duplicate();
            case "input_ids":
                return batch.ids().duplicate();
            default:
                throw new IllegalArgumentException("unknown model input " + inputName
                        + ", expected one of [input_ids, attention_mask, token_type_ids]");
        }
    }

    /** Releases the native session; calling it again does nothing. */
    @Override
    public synchronized void close() throws SessionException {
        if (!closed) {
            closed = true;
            try {
                session.close();
            } catch (OrtException e) {
                throw new SessionException(e.getMessage(), e);
            }
        }
    }
}
