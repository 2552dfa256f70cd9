package lambert.cli;

import lambert.runtime.ModelOptions;
import lambert.runtime.session.EngineOptions;
import lambert.runtime.session.Optimization;
import picocli.CommandLine.Option;

/** The ONNX Runtime options shared by every command that runs a model. */
public final class EngineMixin {
    @Option(names = "--threads", paramLabel = "N", description = "ONNX Runtime intra-op threads "
            + "(default: automatic: one per processor for a model that batches; one per call for a model that answers "
            + "one text per call, its texts running one per processor at once).")
    int threads;

    @Option(names = "--spinning", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Let idle ONNX Runtime threads spin between steps: lower latency, busier CPU "
                    + "(default: on; --no-spinning turns it off).")
    boolean spinning;

    @Option(names = "--optimization", paramLabel = "LEVEL", description = "Graph optimisation: ${COMPLETION-CANDIDATES} "
            + "(default: ${DEFAULT-VALUE}: none for pre-optimised files, all otherwise).", defaultValue = "AUTO")
    Optimization optimization;

    /** The model options these flags describe. */
    public ModelOptions modelOptions() {
        if (threads < 0) {
            throw new UsageException("--threads must be 0 (automatic) or more, found " + threads);
        }
        return ModelOptions.defaults().withEngine(new EngineOptions(threads, spinning, optimization));
    }
}
