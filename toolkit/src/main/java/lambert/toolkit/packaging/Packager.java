package lambert.toolkit.packaging;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import lambert.base.io.PartialFiles;
import lambert.runtime.Model;
import lambert.runtime.ModelOptions;
import lambert.runtime.bundle.Checksums;
import lambert.runtime.bundle.Manifest;
import lambert.runtime.bundle.ModelBundle;
import lambert.runtime.bundle.Version;
import lambert.runtime.session.OnnxSession;
import lambert.runtime.tokenize.WordPieceTokenizer;

/**
 * Builds the function zip: {@code lib/*.jar} (the {@code lambda} module and its runtime dependencies,
 * rewritten without what the function never loads), {@code native/} (ONNX Runtime's libraries for one
 * architecture, unpacked, and the Hugging Face tokenizer's unless the pure-Java {@code WordPieceTokenizer}
 * reproduces the bundle's tokenizer, in which case DJL's jars stay out too: {@link JarRules}), {@code model/}
 * (the bundle, with a complete manifest). Deterministic, written to a temp file and moved into place. What each native
 * library needs from the OS is read from its ELF version needs and recorded in {@code function.json};
 * a runtime whose OS cannot load them is refused before anything is loaded or written.
 *
 * <pre>{@code
 * PackageReport report = Packager.build(ModelBundle.open(dir), CpuArch.X86_64, "java21", Path.of("function.zip"));
 * }</pre>
 */
public final class Packager {
    /**
     * The memory {@code function.json} suggests until {@code lambert tune} has measured: 1769 MB is the
     * size at which Lambda gives one full vCPU, which inference uses entirely.
     */
    static final int SUGGESTED_MEMORY_MB = 1769;

    private Packager() {}

    /** Packages {@code bundle} for lambert's default runtime ({@link LambdaRuntime#DEFAULT}). */
    public static PackageReport build(ModelBundle bundle, CpuArch arch, Path out) throws IOException {
        return build(bundle, arch, LambdaRuntime.DEFAULT.id(), out);
    }

    /**
     * Packages {@code bundle} for the Lambda runtime {@code runtime} ({@code java21}); refuses, with an
     * {@link UnsupportedRuntimeException}, a runtime the function's classes or native libraries cannot
     * run on, and a bundle that does not load, before anything is written.
     */
    public static PackageReport build(ModelBundle bundle, CpuArch arch, String runtime, Path out)
            throws IOException {
        return build(bundle, arch, runtime, true, out);
    }

    /**
     * As {@link #build(ModelBundle, CpuArch, String, Path)}; with {@code preOptimize}, a model not saved optimised
     * already ships optimised by ONNX Runtime at the portable level when that answers exactly as the raw file
     * ({@link PreOptimizedModel}: the function's session then opens it with no optimisation, a shorter INIT); without,
     * the bundle's file ships as it is.
     */
    public static PackageReport build(ModelBundle bundle, CpuArch arch, String runtime, boolean preOptimize, Path out)
            throws IOException {
        Map<String, Path> jars = FunctionJars.locate();
        // A tokenizer the pure-Java one reproduces needs no libtokenizers.so (15 MB, and glibc 2.34).
        boolean nativeTokenizer = !WordPieceTokenizer.supports(bundle.tokenizerPath());
        List<NativeRequirement> natives = nativeRequirements(jars, arch, nativeTokenizer);
        boolean custom = LambdaRuntime.osOnly(runtime);
        if (custom && arch != CpuArch.X86_64) {
            throw new UnsupportedRuntimeException(runtime + " packages are x86_64 only: the package carries a JDK "
                    + "image for Lambda's CPU, linked from a JDK " + CustomRuntime.MIN_FEATURE + " of that CPU, and there "
                    + "is no aarch64 JDK " + CustomRuntime.MIN_FEATURE + " here (Debian 12 has none, Maven Central "
                    + "carries no JDKs, and jlink cannot link for another CPU from a run-time image); use --arch x86_64, "
                    + "or a managed runtime (java21) for arm64");
        }
        LambdaRuntime checked = LambdaRuntime.check(runtime, natives, custom);
        CustomRuntime.Jdk jdk = custom ? CustomRuntime.findJdk(System.getenv()) : null;
        Path target = out.toAbsolutePath();
        Files.createDirectories(target.getParent());
        // Ctrl-C leaves no partial file (PartialFiles); the zip writer opens it without CREATE.
        try (PartialFiles partials = PartialFiles.open("lambert-package")) {
            Manifest complete;
            try (Model model = Model.open(bundle, ModelOptions.defaults())) {
                complete = model.manifest();
            }
            // The model file shipped, the level it was saved at, and what the report says about it.
            Path modelFile = bundle.modelPath();
            String optimization = complete.optimization();
            String modelLine;
            if (complete.preOptimized()) {
                modelLine = optimization + " (the bundle's file was saved optimised already)";
            } else if (!preOptimize) {
                modelLine = optimization + " (pre-optimisation turned off: the session optimises at every start)";
            } else {
                // In the temp folder, not next to the zip: a folder the zip cannot be written to is reported when
                // the zip is written, naming it.
                PreOptimizedModel.Result result = PreOptimizedModel.make(bundle, complete, partials.folderNextTo(
                        Path.of(System.getProperty("java.io.tmpdir"), "lambert-model"), "-"));
                if (result.shipped()) {
                    modelFile = result.file();
                    optimization = result.level();
                    modelLine = optimization + " (saved optimised by ONNX Runtime at package time, in its own "
                            + "format; the same answers as the raw file on " + PreOptimizedModel.CHECK_TEXTS
                            + " texts, " + result.values() + " values)";
                } else if (result.failure() != null) {
                    modelLine = optimization + " (" + result.failure() + "; the raw file ships)";
                } else {
                    modelLine = optimization + " (the file optimised at package time answered differently from the "
                            + "raw one, by up to " + result.maxAbsDiff() + ", so the raw file ships)";
                }
            }
            List<ZipWriter.Item> items = new ArrayList<>();
            long naiveZip = 0;
            long naiveUnzipped = 0;
            for (Map.Entry<String, Path> jar : jars.entrySet()) {
                String name = jar.getKey();
                Path source = jar.getValue();
                long original = Files.isDirectory(source) ? 0 : Files.size(source);
                naiveZip += original;
                naiveUnzipped += original;
                if (!JarRules.ship(name, nativeTokenizer)) {
                    continue;
                }
                byte[] pruned = ZipWriter.rewriteJar(source, entry -> JarRules.keep(name, entry, arch));
                items.add(ZipWriter.bytes("lib/" + name, pruned));
                if (Files.isDirectory(source)) {
                    naiveZip += pruned.length;
                    naiveUnzipped += pruned.length;
                }
                for (String[] lib : JarRules.natives(name, arch, nativeTokenizer)) {
                    items.add(ZipWriter.entry("native/" + lib[1], source, lib[0]));
                }
            }
            // A model in ONNX Runtime's own format keeps its name: the session maps it instead of parsing it.
            String modelName = OnnxSession.isOrtFormat(modelFile) ? "model" + OnnxSession.ORT_FORMAT_SUFFIX
                    : "model.onnx";
            Manifest packaged = new Manifest(complete.name(), complete.task(), modelName, "tokenizer.json",
                    complete.maxLength(), complete.pooling(), complete.normalize(), complete.labels(),
                    complete.multiLabel(), complete.inputs(), complete.output(), complete.outputSize(),
                    complete.vocabSize(), complete.quantization(), optimization, Map.of(), Map.of(),
                    complete.lambertVersion())
                    .withHashes(Map.of(modelName, Checksums.sha256(modelFile),
                                    "tokenizer.json", Checksums.sha256(bundle.tokenizerPath())),
                            Map.of(modelName, Checksums.crc32(modelFile),
                                    "tokenizer.json", Checksums.crc32(bundle.tokenizerPath())));
            items.add(ZipWriter.file("model/" + modelName, modelFile));
            items.add(ZipWriter.file("model/tokenizer.json", bundle.tokenizerPath()));
            items.add(ZipWriter.bytes("model/" + Manifest.FILE_NAME, packaged.toJson()));

            if (custom) {
                Path work = partials.folderNextTo(target);
                Map<String, Long> libs = new java.util.TreeMap<>();
                items.stream().filter(i -> i.name().startsWith("lib/"))
                        .forEach(i -> libs.put(i.name().substring("lib/".length()), i.size()));
                items.addAll(ZipWriter.tree("jre/", CustomRuntime.link(jdk, work.resolve("jre"))));
                items.add(ZipWriter.bytes("bootstrap", CustomRuntime.bootstrap(libs)
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8)).executable());
                items.add(ZipWriter.bytes(AotTraining.EVENTS_ENTRY, AotTraining.eventsText()));
                Path staged = work.resolve("untrained.zip");
                Files.createFile(staged);
                // only unpacked by the training run and hashed for the cache's key: the fastest deflate will do
                ZipWriter.write(items, staged, java.util.zip.Deflater.BEST_SPEED);
                items.add(ZipWriter.file(CustomRuntime.AOT_CACHE, AotTraining.cached(staged)));
            }
            Path temp = partials.nextTo(target);
            List<long[]> sizes = ZipWriter.write(items, temp);
            List<ZipWriter.Item> sorted = new ArrayList<>(items);
            sorted.sort(Comparator.comparing(ZipWriter.Item::name));
            List<PackageReport.Entry> entries = new ArrayList<>();
            long unzipped = 0;
            long modelZipped = 0;
            for (int i = 0; i < sorted.size(); i++) {
                entries.add(new PackageReport.Entry(sorted.get(i).name(), sizes.get(i)[0], sizes.get(i)[1]));
                unzipped += sizes.get(i)[0];
                if (!sorted.get(i).name().startsWith("lib/") && !sorted.get(i).name().startsWith("native/")) {
                    modelZipped += sizes.get(i)[1];
                    naiveUnzipped += sizes.get(i)[0];
                }
            }
            naiveZip += modelZipped;
            entries.sort(Comparator.comparingLong(PackageReport.Entry::bytes).reversed());
            long zipBytes = Files.size(temp);
            if (unzipped > PackageReport.UNZIPPED_LIMIT) {
                throw new PackageTooLargeException(unzipped);
            }
            String sha = Checksums.sha256(temp);
            PartialFiles.replace(temp, target);
            Path config = target.resolveSibling(PackageReport.configName(target));
            FunctionConfig function = new FunctionConfig(FunctionConfig.HANDLER, checked.id(), arch.lambdaName(),
                    SUGGESTED_MEMORY_MB, FunctionConfig.TIMEOUT_SECONDS,
                    // The custom runtime's JVM options and malloc settings are in its bootstrap.
                    custom ? Map.of() : FunctionConfig.ENVIRONMENT,
                    sha, Base64.getEncoder().encodeToString(HexFormat.of().parseHex(sha)), zipBytes, unzipped,
                    complete.name(), Version.CURRENT, natives);
            Path configTemp = partials.nextTo(config);
            Files.write(configTemp, function.toJson(), StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
            PartialFiles.replace(configTemp, config);
            return new PackageReport(target, config, zipBytes, unzipped, entries, naiveZip, naiveUnzipped, sha,
                    checked.id(), natives, modelLine);
        }
    }

    /**
     * Why this machine cannot build a {@code provided.al2023} package (no JDK {@value CustomRuntime#MIN_FEATURE} to
     * link it from, as {@link JdkNotFoundException} words it, with what to install or set); empty when it can.
     */
    public static java.util.Optional<String> customRuntimeUnavailable() {
        try {
            CustomRuntime.findJdk(System.getenv());
            return java.util.Optional.empty();
        } catch (JdkNotFoundException e) {
            return java.util.Optional.of(e.getMessage());
        }
    }

    /** What each native library in a function zip ({@code native/*.so}) needs from the OS, by file name. */
    public static List<NativeRequirement> nativeRequirements(Path functionZip) throws IOException {
        List<NativeRequirement> natives = new ArrayList<>();
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(functionZip.toFile())) {
            for (java.util.zip.ZipEntry entry : java.util.Collections.list(zip.entries())) {
                if (entry.getName().startsWith("native/") && entry.getName().endsWith(".so") && !entry.isDirectory()) {
                    byte[] bytes;
                    try (java.io.InputStream in = zip.getInputStream(entry)) {
                        bytes = in.readNBytes((int) PackageReport.UNZIPPED_LIMIT + 1);
                    }
                    if (bytes.length > PackageReport.UNZIPPED_LIMIT) {
                        throw new IOException(entry.getName() + " unpacks to more than 250 MB, Lambda's limit for the "
                                + "whole package");
                    }
                    natives.add(NativeRequirement.of(entry.getName(), ElfVersionNeeds.read(entry.getName(), bytes)));
                }
            }
        }
        natives.sort(Comparator.comparing(NativeRequirement::file));
        return natives;
    }

    /** What each native library the package can take out of the jars needs from the OS, by file name. */
    static List<NativeRequirement> nativeRequirements(Map<String, Path> jars, CpuArch arch) throws IOException {
        return nativeRequirements(jars, arch, true);
    }

    /** Like {@link #nativeRequirements(Map, CpuArch)}, without the tokenizer's library unless {@code nativeTokenizer}. */
    static List<NativeRequirement> nativeRequirements(Map<String, Path> jars, CpuArch arch, boolean nativeTokenizer)
            throws IOException {
        List<NativeRequirement> natives = new ArrayList<>();
        for (Map.Entry<String, Path> jar : jars.entrySet()) {
            if (!JarRules.ship(jar.getKey(), nativeTokenizer)) {
                continue;
            }
            for (String[] lib : JarRules.natives(jar.getKey(), arch, nativeTokenizer)) {
                String file = "native/" + lib[1];
                natives.add(NativeRequirement.of(file, ElfVersionNeeds.read(file, ZipWriter.read(jar.getValue(),
                        lib[0]))));
            }
        }
        natives.sort(Comparator.comparing(NativeRequirement::file));
        return natives;
    }
}
