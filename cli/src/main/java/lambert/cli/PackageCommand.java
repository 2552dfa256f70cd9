package lambert.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import lambert.runtime.bundle.ModelBundle;
import lambert.runtime.bundle.PathKind;
import lambert.toolkit.CheckFailedException;
import lambert.toolkit.models.ModelResolver;
import lambert.toolkit.packaging.CpuArch;
import lambert.toolkit.packaging.FunctionConfig;
import lambert.toolkit.packaging.LambdaRuntime;
import lambert.toolkit.packaging.NativeRequirement;
import lambert.toolkit.packaging.PackageReport;
import lambert.toolkit.packaging.PackageTooLargeException;
import lambert.toolkit.packaging.Packager;
import lambert.toolkit.packaging.UnsupportedRuntimeException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lambert package}: a bundle to a function zip that AWS Lambda's managed Java runtime runs as
 * it is (or, with {@code --runtime provided.al2023}, the OS-only runtime, with its own JDK), plus
 * {@code function.json} and a size report.
 *
 * <pre>{@code
 * lambert package --model minilm-int8 --arch x86_64 --out build/function.zip
 * }</pre>
 */
@Command(name = "package", mixinStandardHelpOptions = true,
        description = {"Packages a model as an AWS Lambda function zip for a managed Java runtime on Amazon Linux 2023 "
                + "(java21, java25, java17.al2023), or with --runtime provided.al2023 as a custom runtime that carries "
                + "its own JDK 25 image and bootstrap (x86_64).",
            "Writes function.json next to the zip and prints a size report against Lambda's limits."})
final class PackageCommand implements Callable<Integer> {
    @Option(names = {"-m", "--model"}, required = true, paramLabel = "B",
            description = "A bundle folder, a Hugging Face folder, or a built-in model: minilm, minilm-int8, bge-small-en, e5-small.")
    String model;

    @Mixin
    ArchMixin arch;

    @Option(names = "--runtime", paramLabel = "RUNTIME", defaultValue = "java21",
            description = "The Lambda runtime, recorded in function.json (default: ${DEFAULT-VALUE}); one the native "
                    + "libraries cannot load on (java17, java11: Amazon Linux 2, glibc 2.26) is refused. provided.al2023 "
                    + "adds a bootstrap and a JDK image linked from LAMBERT_CUSTOM_JDK or /usr/lib/jvm/temurin-25* "
                    + "(none: exit 3).")
    String runtime;

    @Option(names = {"-o", "--out"}, paramLabel = "ZIP", defaultValue = "function.zip",
            description = "The zip to write (default: ${DEFAULT-VALUE}); replaced if it exists.")
    Path out;

    @Option(names = "--no-pre-optimize", description = "Ship the model file as it is instead of saved optimised by "
            + "ONNX Runtime at package time (which the function then loads with no optimisation: a shorter INIT; it "
            + "ships only when it answers exactly as the raw file).")
    boolean noPreOptimize;

    @Option(names = "--json", description = "Print the report as JSON.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        CpuArch architecture = arch.architecture();
        checkOut(out);
        Terminal t = Terminal.of(spec);
        t.progress("packaging " + model + " for " + architecture.lambdaName());
        PackageReport report;
        try {
            report = Packager.build(ModelBundle.open(new ModelResolver(ModelResolver.defaultHome()).resolve(model)),
                    architecture, runtime, !noPreOptimize, out);
        } catch (PackageTooLargeException e) {
            t.clearProgress();
            throw new CheckFailedException(e.getMessage());
        } catch (UnsupportedRuntimeException e) {
            t.clearProgress();
            throw new UsageException("--runtime " + e.getMessage());
        }
        t.clearProgress();
        if (json) {
            printJson(t, report);
            return ExitCodes.OK;
        }
        boolean direct = report.zipBytes() <= PackageReport.DIRECT_UPLOAD_LIMIT;
        t.line(t.bold(report.zip().toString()) + String.format(Locale.ROOT, "  %s zipped, %s unzipped",
                Format.mb(report.zipBytes()), Format.mb(report.unzippedBytes())));
        t.line(String.format(Locale.ROOT, "  limits    %s of 50 MB direct upload: %s;  %s of 250 MB unzipped: ok",
                Format.mb(report.zipBytes()), direct ? t.good("upload directly") : "upload via S3 (over 50 MB)",
                Format.mb(report.unzippedBytes())));
        t.line("  largest   " + t.dim("unzipped -> zipped"));
        report.entries().stream().limit(6).forEach(e -> t.line(String.format(Locale.ROOT, "    %-36s %9s -> %9s",
                e.name(), Format.mb(e.bytes()), Format.mb(e.zippedBytes()))));
        long saved = report.naiveUnzippedBytes() - report.unzippedBytes();
        t.line(String.format(Locale.ROOT, "  pruning   every dependency jar as it is would be %s zipped, %s unzipped; "
                + "saved %s unzipped (%.0f%%)", Format.mb(report.naiveZipBytes()), Format.mb(report.naiveUnzippedBytes()),
                Format.mb(saved), 100.0 * saved / report.naiveUnzippedBytes()));
        t.line("  runtime   " + runtimeLine(report));
        t.line("  model     optimisation " + report.modelOptimization());
        t.line("  sha256    " + report.sha256());
        t.line("  config    " + report.config() + "  (handler, runtime, architecture, memory, environment)");
        return ExitCodes.OK;
    }

    /**
     * Refuses an {@code --out} that cannot become the zip before minutes of packaging, naming it: a folder (which the
     * final move would replace if it were empty) or a path through a file where a folder is needed.
     */
    static void checkOut(Path out) {
        Path target = out.toAbsolutePath().normalize();
        PathKind kind = PathKind.of(target);
        if (kind != PathKind.FILE && kind != PathKind.MISSING && kind != PathKind.DANGLING_LINK) {
            throw new UsageException("--out " + out + " " + PathKind.describe(target) + "; expected the path of the "
                    + "zip file to write" + (kind == PathKind.FOLDER ? ", such as " + out.resolve("function.zip") : ""));
        }
        for (Path folder = target.getParent(); folder != null; folder = folder.getParent()) {
            PathKind folderKind = PathKind.of(folder);
            if (folderKind == PathKind.FOLDER) {
                return;
            }
            if (folderKind != PathKind.MISSING) {
                throw new UsageException("--out " + out + ": " + folder + " " + PathKind.describe(folder)
                        + " where a folder is needed to hold the zip");
            }
        }
    }

    /** "java21 (Amazon Linux 2023, glibc 2.34); the natives need up to GLIBC_2.34 (native/libtokenizers.so); ...". */
    static String runtimeLine(PackageReport r) {
        LambdaRuntime runtime = LambdaRuntime.byId(r.runtime()).orElseThrow();
        NativeRequirement newest = r.nativeLibraries().stream().filter(n -> n.glibc() != null)
                .max(java.util.Comparator.comparing(NativeRequirement::glibc)).orElse(null);
        return runtime.id() + " on " + runtime.os().describe()
                + (newest == null ? "" : "; the native libraries need up to GLIBC_" + newest.glibc() + " ("
                        + newest.file() + ")")
                + "; runs on " + LambdaRuntime.compatible(r.nativeLibraries(), runtime.osOnly()).stream().map(LambdaRuntime::id)
                        .collect(java.util.stream.Collectors.joining(", "));
    }

    private static void printJson(Terminal t, PackageReport r) throws IOException {
        try (var g = lambert.base.json.Json.generator(t.stream())) {
            g.writeStartObject();
            g.writeStringField("zip", r.zip().toString());
            g.writeStringField("config", r.config().toString());
            g.writeNumberField("zip_bytes", r.zipBytes());
            g.writeNumberField("unzipped_bytes", r.unzippedBytes());
            g.writeNumberField("naive_zip_bytes", r.naiveZipBytes());
            g.writeNumberField("naive_unzipped_bytes", r.naiveUnzippedBytes());
            g.writeBooleanField("direct_upload", r.zipBytes() <= PackageReport.DIRECT_UPLOAD_LIMIT);
            g.writeStringField("sha256", r.sha256());
            g.writeStringField("runtime", r.runtime());
            g.writeStringField("model_optimization", r.modelOptimization());
            g.writeArrayFieldStart("native_libraries");
            for (NativeRequirement lib : r.nativeLibraries()) {
                FunctionConfig.writeNative(g, lib);
            }
            g.writeEndArray();
            g.writeArrayFieldStart("compatible_runtimes");
            for (LambdaRuntime c : LambdaRuntime.compatible(r.nativeLibraries(), LambdaRuntime.osOnly(r.runtime()))) {
                g.writeString(c.id());
            }
            g.writeEndArray();
            g.writeArrayFieldStart("entries");
            for (PackageReport.Entry e : r.entries()) {
                g.writeStartObject();
                g.writeStringField("name", e.name());
                g.writeNumberField("bytes", e.bytes());
                g.writeNumberField("zipped_bytes", e.zippedBytes());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        t.stream().println();
    }
}
