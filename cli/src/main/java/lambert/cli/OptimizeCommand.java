package lambert.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import lambert.onnx.optimize.Optimizer;
import lambert.runtime.Model;
import lambert.runtime.ModelOptions;
import lambert.runtime.bundle.Manifest;
import lambert.runtime.bundle.ModelBundle;
import lambert.runtime.session.EngineOptions;
import lambert.runtime.session.Optimization;
import lambert.toolkit.models.DerivedBundle;
import lambert.toolkit.models.ModelResolver;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lambert optimize}: ONNX Runtime's graph optimisations, once, offline, saved into a new bundle
 * whose manifest records the level, so sessions open it with optimisation off.
 *
 * <pre>{@code
 * lambert optimize --model minilm-int8 --out build/minilm-int8-opt
 * }</pre>
 */
@Command(name = "optimize", mixinStandardHelpOptions = true,
        description = {"Saves a bundle with its graph optimised by ONNX Runtime at a portable level.",
            "Prints session creation time before (raw, full optimisation) and after (optimised, none)."})
final class OptimizeCommand implements Callable<Integer> {
    @Option(names = {"-m", "--model"}, required = true, paramLabel = "B", description = "The bundle to optimise.")
    String model;

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "B2", description = "The bundle to write.")
    Path out;

    @Option(names = "--level", paramLabel = "L", defaultValue = "EXTENDED",
            description = "BASIC or EXTENDED (default: ${DEFAULT-VALUE}); never the machine-specific ALL.")
    Optimizer.Level level;

    @Option(names = "--format", paramLabel = "F", defaultValue = "onnx",
            description = {"onnx (default) or ort: ONNX Runtime's own format (model.ort), which a session maps and "
                + "uses in place (fastest load); only this lambert's ONNX Runtime reads it, and quantize/convert "
                + "do not."})
    String format;

    @Mixin
    ForceMixin force;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        ModelBundle source = ModelBundle.open(new ModelResolver(ModelResolver.defaultHome()).resolve(model));
        DerivedBundle.requireWritable(out, force.force());
        Manifest manifest = DerivedBundle.manifestOf(source);
        String modelFile = switch (format) {
            case "onnx" -> "model.onnx";
            case "ort" -> "model" + Optimizer.ORT_FORMAT_SUFFIX;
            default -> throw new CommandLine.ParameterException(spec.commandLine(),
                    "--format must be onnx or ort, not " + format);
        };
        Terminal t = Terminal.of(spec);
        t.progress("optimising at " + level.id());
        Path temp = Files.createTempFile("lambert-optimized", modelFile.substring(modelFile.indexOf('.')));
        try {
            Optimizer.optimize(source.modelPath(), temp, level);
            ModelBundle written = DerivedBundle.write(out, manifest.withOptimization(level.id(), modelFile), temp,
                    source, force.force());
            double before = bestLoadMs(source, Optimization.ALL);
            double after = bestLoadMs(written, Optimization.AUTO);
            t.clearProgress();
            t.line(t.bold(written.dir().toString()) + "  optimised at " + level.id() + ", " + modelFile);
            t.line(String.format(Locale.ROOT, "  model load, best of 3: %.0f ms raw with full optimisation -> %.0f ms "
                    + "pre-optimised (%.2fx)", before, after, after / before));
            t.line(t.dim("  check it answers the same: ./lambert verify --reference " + model + " --candidate " + out));
        } finally {
            Files.deleteIfExists(temp);
        }
        return ExitCodes.OK;
    }

    private static double bestLoadMs(ModelBundle bundle, Optimization optimization) {
        double best = Double.MAX_VALUE;
        ModelOptions options = ModelOptions.defaults().withEngine(new EngineOptions(0, true, optimization));
        for (int i = 0; i < 3; i++) {
            long start = System.nanoTime();
            try (Model model = Model.open(bundle, options)) {
                best = Math.min(best, (System.nanoTime() - start) / 1e6);
            }
        }
        return best;
    }
}
