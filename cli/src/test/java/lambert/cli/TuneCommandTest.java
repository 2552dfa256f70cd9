package lambert.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import lambert.runtime.bundle.ModelBundle;
import lambert.base.json.Json;
import lambert.runtime.testing.TestModels;
import lambert.toolkit.aws.FakeAws;
import lambert.toolkit.emulator.CpuQuota;
import lambert.toolkit.packaging.CpuArch;
import lambert.toolkit.packaging.PackageReport;
import lambert.toolkit.packaging.Packager;
import lambert.toolkit.tune.TuneChart;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code lambert tune} on the real default package (managed runtime and provided.al2023) in the emulator, and its
 * usage errors.
 */
class TuneCommandTest {
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    /**
     * The sweep's figures and chart for three sizes of the real package. How fast each size is depends on how busy
     * the machine is, so no duration is compared with another: what a size gets is checked where it is exact, the
     * CPU quota the kernel applies, from inside the function ({@code InitCpuTest}); here the figures must be
     * complete and consistent with each other and with AWS's published prices and CPU rule.
     */
    @Test
    void tune_realPackageReportsEverySizeConsistentlyAndDrawsTheChart() throws Exception {
        PackageReport pkg = Packager.build(ModelBundle.open(TestModels.minilmInt8()), CpuArch.X86_64,
                dir.resolve("function.zip"));
        Path chart = dir.resolve("charts/tune.png");
        int[] memory = {192, 512, 1769};
        int code = run("tune", "--package", pkg.zip().toString(), "--memory", "192,512,1769", "--invocations", "20",
                "--warmup", "3", "--json", "--chart", chart.toString());
        assertThat(code).as(out + "\n" + err).isZero();

        Map<?, ?> json = (Map<?, ?>) Json.parse(out.toString().trim().getBytes());
        assertThat(json.get("initialization_type")).isEqualTo("on-demand");
        List<?> sizes = (List<?>) json.get("sizes");
        assertThat(sizes).hasSize(3);
        boolean limited = CpuQuota.whyNotLimited().isEmpty();
        for (int i = 0; i < memory.length; i++) {
            Map<?, ?> size = (Map<?, ?>) sizes.get(i);
            String at = memory[i] + " MB";
            assertThat(size.get("memory_mb")).isEqualTo((long) memory[i]);
            assertThat(size.get("error")).as(at).isNull();
            assertThat(size.get("usable")).as(at).isEqualTo(true);
            assertThat(size.get("measured")).as(at).isEqualTo(20L);
            assertThat(size.get("dropped")).as("%s: nothing dropped under 100 calls", at).isEqualTo(0L);
            assertThat(number(size, "init_duration_ms")).as(at).isPositive();
            assertThat(number(size, "max_memory_used_mb")).as(at).isPositive();
            double p50 = number(size, "duration_p50_ms");
            assertThat(p50).as(at).isPositive();
            assertThat(number(size, "duration_p90_ms")).as(at).isGreaterThanOrEqualTo(p50);
            // every call is billed its duration rounded up to the millisecond, at least 1 ms
            double billed = number(size, "billed_mean_ms");
            assertThat(billed).as(at).isGreaterThanOrEqualTo(1.0);
            // AWS's prices (us-east-1, x86_64): $0.20 per million requests, $0.0000166667 per GB-second
            assertThat(number(size, "usd_per_million")).as(at).isCloseTo(0.20 + 1e6 * billed / 1000 * memory[i]
                    / 1024.0 * 0.0000166667, within(1e-9));
            if (limited) {
                // on demand, INIT gets at least one full vCPU; invocations get memory/1769 vCPU
                assertThat(number(size, "init_vcpu")).as(at).isEqualTo(Math.max(1.0, memory[i] / 1769.0));
                assertThat(number(size, "vcpu")).as(at).isCloseTo(memory[i] / 1769.0, within(1e-12));
            }
        }
        assertThat(json.get("cheapest_mb")).isIn(192L, 512L, 1769L);
        assertThat(json.get("fastest_mb")).isIn(192L, 512L, 1769L);
        assertThat(json.get("balanced_mb")).isIn(192L, 512L, 1769L);
        if (limited) {
            assertThat((String) json.get("cpu")).contains("on-demand", "at least one full vCPU");
        }
        byte[] png = Files.readAllBytes(chart);
        assertThat(Arrays.copyOf(png, 8)).isEqualTo(PNG_SIGNATURE);
        BufferedImage image = ImageIO.read(chart.toFile());
        assertThat(image).isNotNull();
        assertThat(image.getWidth()).isEqualTo(TuneChart.WIDTH);
        assertThat(image.getHeight()).isEqualTo(TuneChart.HEIGHT);
        String svg = Files.readString(dir.resolve("charts/tune.svg"));
        assertThat(svg).contains("<svg", "Duration and cost against memory");
        try (var files = Files.list(dir.resolve("charts"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("tune.png", "tune.svg");
        }
    }

    @Test
    void tune_provisionedSaysSoAndStartsEachSizeAtItsShare() throws Exception {
        PackageReport pkg = Packager.build(ModelBundle.open(TestModels.minilmInt8()), CpuArch.X86_64,
                dir.resolve("function.zip"));
        int code = run("tune", "--package", pkg.zip().toString(), "--memory", "512", "--invocations", "2",
                "--warmup", "0", "--provisioned");
        assertThat(code).as(out + "\n" + err).isZero();
        String cpu = out.toString().lines().filter(l -> l.startsWith("cpu")).findFirst().orElse("");
        if (CpuQuota.whyNotLimited().isEmpty()) {
            assertThat(cpu).contains("provisioned concurrency: INIT and invocations at memory/1769 vCPU");
        } else {
            assertThat(cpu).contains("not limited", "provisioned-concurrency");
        }
    }

    /**
     * A provided.al2023 package is swept through its own {@code bootstrap} (the JDK image, lambert's Runtime API loop):
     * every size answers; the same zip with {@code bootstrap} not executable fails at each size with Lambda's
     * {@code Runtime.InvalidEntrypoint}, which only the custom runtime's start can give.
     */
    @Test
    void tune_customRuntimePackageIsSweptThroughItsBootstrap() throws Exception {
        PackageReport pkg = Packager.build(ModelBundle.open(TestModels.minilmInt8()), CpuArch.X86_64,
                "provided.al2023", dir.resolve("custom.zip"));
        int code = run("tune", "--package", pkg.zip().toString(), "--memory", "256,512", "--invocations", "5",
                "--warmup", "1", "--json");
        assertThat(code).as(out + "\n" + err).isZero();
        List<?> sizes = (List<?>) ((Map<?, ?>) Json.parse(out.toString().trim().getBytes())).get("sizes");
        assertThat(sizes.stream().map(s -> ((Map<?, ?>) s).get("memory_mb")).toList()).isEqualTo(List.of(256L, 512L));
        for (Object s : sizes) {
            Map<?, ?> size = (Map<?, ?>) s;
            assertThat(size.get("error")).as("%s", size).isNull();
            assertThat(size.get("measured")).isEqualTo(5L);
            assertThat(number(size, "init_duration_ms")).isPositive();
            assertThat(number(size, "duration_p50_ms")).isPositive();
            assertThat(number(size, "max_memory_used_mb")).isPositive();
        }

        Path broken = withBootstrapMode(pkg.zip(), dir.resolve("broken.zip"), 0644);
        Files.copy(pkg.config(), dir.resolve(PackageReport.configName(broken)));
        run("tune", "--package", broken.toString(), "--memory", "256,512", "--invocations", "1", "--warmup", "0",
                "--json");
        List<?> failed = (List<?>) ((Map<?, ?>) Json.parse(out.toString().trim().getBytes())).get("sizes");
        assertThat(failed).hasSize(2).allSatisfy(s -> assertThat(String.valueOf(((Map<?, ?>) s).get("error")))
                .contains("Runtime.InvalidEntrypoint"));
    }

    /** A copy of {@code zip} whose {@code bootstrap} has Unix mode {@code mode}, every other entry as it was. */
    private static Path withBootstrapMode(Path zip, Path copy, int mode) throws Exception {
        try (ZipFile in = ZipFile.builder().setFile(zip.toFile()).get();
                ZipArchiveOutputStream out = new ZipArchiveOutputStream(copy.toFile())) {
            for (ZipArchiveEntry e : java.util.Collections.list(in.getEntries())) {
                ZipArchiveEntry next = new ZipArchiveEntry(e);
                if (e.getName().equals("bootstrap")) {
                    next.setUnixMode(0100000 | mode);
                }
                out.addRawArchiveEntry(next, in.getRawInputStream(e));
            }
        }
        return copy;
    }

    @Test
    void tune_deployedFunctionIsSweptThenRestored() throws Exception {
        try (FakeAws aws = FakeAws.start()) {
            DeployCommandTest.useFakeCredentials();
            DeployCommand.settings = DeployCommandTest.FAST;
            Path zip = DeployCommandTest.functionZip(dir.resolve("function.zip"), 1000, 1);
            assertThat(run("deploy", "--package", zip.toString(), "--function", "embed", "--role",
                    "arn:aws:iam::123456789012:role/mine", "--endpoint-url", aws.endpoint().toString())).isZero();

            int code = run("tune", "--function", "embed:live", "--memory", "256,512", "--invocations", "3",
                    "--warmup", "1", "--json", "--endpoint-url", aws.endpoint().toString());

            assertThat(code).as(out + "\n" + err).isZero();
            List<?> sizes = (List<?>) ((Map<?, ?>) Json.parse(out.toString().trim().getBytes())).get("sizes");
            assertThat(sizes.stream().map(s -> ((Map<?, ?>) s).get("memory_mb")).toList())
                    .isEqualTo(List.of(256L, 512L));
            for (Object s : sizes) {
                assertThat(number((Map<?, ?>) s, "init_duration_ms")).isEqualTo(369.10);
                assertThat(((Map<?, ?>) s).get("measured")).isEqualTo(3L);
            }
            assertThat(aws.function("embed").get("MemorySize")).isEqualTo(1769L);
            assertThat(aws.aliases("embed")).containsOnlyKeys("live");
            assertThat(aws.versions("embed")).hasSize(1);
            assertThat(aws.problems()).isEmpty();
        } finally {
            DeployCommand.settings = lambert.toolkit.aws.DeploySettings.AWS;
            DeployCommandTest.clearFakeCredentials();
        }
    }

    @Test
    void tune_badSettingsAreBadUsage() throws Exception {
        Path zip = Files.write(dir.resolve("function.zip"), new byte[] {'P', 'K', 5, 6});
        assertThat(run("tune")).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(err.toString()).contains("--package ZIP", "--function NAME");
        assertThat(run("tune", "--package", zip.toString(), "--memory", "64,512")).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(err.toString()).contains("between 128 and 10240 MB", "64");
        assertThat(run("tune", "--package", zip.toString(), "--memory", "512,512")).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(err.toString()).contains("twice");
        assertThat(run("tune", "--package", zip.toString(), "--invocations", "0")).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(err.toString()).contains("--invocations must be at least 1");
        assertThat(run("tune", "--function", "embed", "--provisioned")).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(err.toString()).contains("--provisioned applies to the emulator");
        assertThat(run("tune", "--package", dir.resolve("none.zip").toString())).isEqualTo(ExitCodes.ENVIRONMENT);
        // a chart that cannot be written is refused before the sweep, naming the folder
        Path chart = zip.resolve("tune.png");
        assertThat(run("tune", "--package", zip.toString(), "--chart", chart.toString()))
                .isEqualTo(ExitCodes.ENVIRONMENT);
        assertThat(err.toString()).contains("permission denied: " + zip.toAbsolutePath(), "--chart " + chart);
    }

    private static double number(Map<?, ?> map, String field) {
        assertThat(map.get(field)).as(field).isInstanceOf(Number.class);
        return ((Number) map.get(field)).doubleValue();
    }

    private int run(String... args) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        CommandLine cli = Lambert.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }
}
