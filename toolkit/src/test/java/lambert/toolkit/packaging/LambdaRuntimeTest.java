package lambert.toolkit.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.lambda.model.Runtime;

/**
 * The runtime table and its check, on the native libraries the package really ships: the Amazon
 * Linux 2 runtimes are refused naming the library and the version it needs, the Amazon Linux 2023
 * Java runtimes for Java 17 and later are the ones that work.
 */
class LambdaRuntimeTest {

    @Test
    void check_amazonLinux2RuntimeIsRefusedNamingTheLibrariesTheVersionsAndWhatWorks() throws Exception {
        List<NativeRequirement> natives = Packager.nativeRequirements(FunctionJars.locate(), CpuArch.X86_64);
        assertThatThrownBy(() -> LambdaRuntime.check("java17", natives)).isInstanceOf(UnsupportedRuntimeException.class)
                .hasMessage("java17 runs on Amazon Linux 2 (glibc 2.26, GLIBCXX_3.4.24), where the native libraries "
                        + "cannot load: native/libonnxruntime.so needs GLIBC_2.27, native/libtokenizers.so needs "
                        + "GLIBC_2.34; runtimes that work: java21, java25, java17.al2023");
        assertThatThrownBy(() -> LambdaRuntime.check("java11", natives)).hasMessageStartingWith("java11 runs Java 11");
        assertThat(LambdaRuntime.check("java21", natives)).isEqualTo(LambdaRuntime.JAVA21);
        assertThat(LambdaRuntime.check("java17.al2023", natives).os()).isEqualTo(AmazonLinux.AL2023);
    }

    @Test
    void compatible_shippedLibrariesOfBothArchitecturesRunOnTheAmazonLinux2023JavaRuntimes() throws Exception {
        for (CpuArch arch : CpuArch.values()) {
            assertThat(LambdaRuntime.compatible(Packager.nativeRequirements(FunctionJars.locate(), arch)))
                    .as(arch.lambdaName()).containsExactly(LambdaRuntime.JAVA21, LambdaRuntime.JAVA25,
                            LambdaRuntime.JAVA17_AL2023);
        }
        // with no native library at all, every Java 17+ runtime would do, Amazon Linux 2 included
        assertThat(LambdaRuntime.compatible(List.of())).containsExactly(LambdaRuntime.JAVA21, LambdaRuntime.JAVA25,
                LambdaRuntime.JAVA17_AL2023, LambdaRuntime.JAVA17);
    }

    @Test
    void check_olderJavaOsOnlyAndUnknownRuntimesAreRefusedWithTheReason() {
        assertThatThrownBy(() -> LambdaRuntime.check("java11.al2023", List.of()))
                .hasMessage("java11.al2023 runs Java 11, and the function's classes need Java 17 (class file version "
                        + "61); runtimes that work: java21, java25, java17.al2023, java17");
        assertThatThrownBy(() -> LambdaRuntime.check("provided.al2023", List.of()))
                .hasMessageStartingWith("provided.al2023 is an OS-only runtime (Amazon Linux 2023) that runs a "
                        + "bootstrap executable, which the package does not have");
        assertThatThrownBy(() -> LambdaRuntime.check("java8", List.of()))
                .hasMessageStartingWith("java8 is not one of Lambda's Java or OS-only runtimes (java21, java25, "
                        + "java17.al2023, java11.al2023, java8.al2023, java17, java11, java8.al2, provided.al2023, "
                        + "provided.al2)");
        assertThatThrownBy(() -> LambdaRuntime.check("Java21", List.of())).hasMessageContaining("is not one of");
    }

    @Test
    void table_everyIdentifierIsOneTheAwsSdkKnows() {
        // The SDK's Runtime enum is generated from Lambda's API model: an identifier it does not know is a typo.
        for (LambdaRuntime r : LambdaRuntime.values()) {
            assertThat(Runtime.fromValue(r.id())).as(r.id()).isNotEqualTo(Runtime.UNKNOWN_TO_SDK_VERSION);
        }
        assertThat(Stream.of(LambdaRuntime.values()).filter(r -> r.id().contains("al2023"))
                .allMatch(r -> r.os() == AmazonLinux.AL2023)).isTrue();
        assertThat(Stream.of(LambdaRuntime.values()).filter(r -> r.id().endsWith(".al2"))
                .allMatch(r -> r.os() == AmazonLinux.AL2)).isTrue();
    }

    @Test
    void functionJavaVersion_isTheNewestClassFileVersionTheFunctionShips() throws Exception {
        int newest = 0;
        String where = null;
        for (Map.Entry<String, Path> jar : FunctionJars.locate().entrySet()) {
            if (!JarRules.ship(jar.getKey())) {
                continue;
            }
            for (Map.Entry<String, Integer> c : classVersions(jar.getValue()).entrySet()) {
                if (c.getValue() > newest) {
                    newest = c.getValue();
                    where = jar.getKey() + "!" + c.getKey();
                }
            }
        }
        assertThat(newest).as("newest class file version, in " + where).isEqualTo(44 + LambdaRuntime.FUNCTION_JAVA_VERSION);
    }

    @Test
    void dottedVersion_comparesNumberByNumber() {
        assertThat(DottedVersion.parse("2.9")).isLessThan(DottedVersion.parse("2.34"));
        assertThat(DottedVersion.parse("3.4")).isLessThan(DottedVersion.parse("3.4.22"));
        assertThat(DottedVersion.parse("2.34").compareTo(DottedVersion.parse("2.34.0"))).isZero();
        assertThat(DottedVersion.parse("2.2.5")).hasToString("2.2.5");
        assertThatThrownBy(() -> DottedVersion.parse("2..3")).hasMessage("expected a version such as 2.34, found "
                + "\"2..3\"");
    }

    @Test
    void environmentFor_initialisedAheadDropsOnlyTheC1OnlyFlag() {
        Map<String, String> env = Map.of("JAVA_TOOL_OPTIONS", FunctionConfig.JAVA_TOOL_OPTIONS, "OTHER", "x");
        assertThat(FunctionConfig.environmentFor(env, true)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "JAVA_TOOL_OPTIONS", "-XX:+TieredCompilation -XX:+UseSerialGC -Xmn8m "
                        + "-Djdk.reflect.useNativeAccessorOnly=true", "OTHER", "x"));
        assertThat(FunctionConfig.environmentFor(env, false)).isEqualTo(env);
        assertThat(FunctionConfig.environmentFor(Map.of("OTHER", "x"), true)).isEqualTo(Map.of("OTHER", "x"));
    }

    /** The class file major version of every class outside META-INF/versions (Java 9+ multi-release copies). */
    private static Map<String, Integer> classVersions(Path jar) throws IOException {
        Map<String, Integer> versions = new java.util.TreeMap<>();
        if (Files.isDirectory(jar)) {
            try (Stream<Path> files = Files.walk(jar)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                    try (InputStream in = Files.newInputStream(f)) {
                        versions.put(jar.relativize(f).toString(), major(in));
                    }
                }
            }
            return versions;
        }
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            for (ZipEntry e : Collections.list(zip.entries())) {
                if (e.getName().endsWith(".class") && !e.getName().startsWith("META-INF/versions/")) {
                    try (InputStream in = zip.getInputStream(e)) {
                        versions.put(e.getName(), major(in));
                    }
                }
            }
        }
        return versions;
    }

    private static int major(InputStream in) throws IOException {
        DataInputStream data = new DataInputStream(in);
        assertThat(data.readInt()).isEqualTo(0xCAFEBABE);
        data.readUnsignedShort();
        return data.readUnsignedShort();
    }
}
