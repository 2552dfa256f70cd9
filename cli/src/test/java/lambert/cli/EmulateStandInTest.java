package lambert.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lambert.toolkit.emulator.HostGlibc;
import lambert.toolkit.packaging.DottedVersion;
import lambert.toolkit.packaging.NativeRequirement;
import org.junit.jupiter.api.Test;

/**
 * The line {@code lambert emulate} prints about the OS: which runtime's Amazon Linux it stands in for,
 * that it uses this machine's libraries (glibc as {@code ldd --version} reports it), and, for a
 * runtime whose OS cannot load the native libraries, that the function would fail on AWS.
 */
class EmulateStandInTest {
    private static final List<NativeRequirement> NATIVES = List.of(
            new NativeRequirement("native/libonnxruntime.so", DottedVersion.parse("2.27"), DottedVersion.parse("3.4.22")),
            new NativeRequirement("native/libtokenizers.so", DottedVersion.parse("2.34"), DottedVersion.parse("3.4")));

    @Test
    void standIn_java21NamesAmazonLinux2023AndThisMachinesGlibc() {
        assertThat(EmulateCommand.standIn("java21", NATIVES, "glibc 2.36")).isEqualTo("java21 runs on Amazon Linux "
                + "2023 (glibc 2.34, GLIBCXX_3.4.29) on Lambda; the emulator stands in for it with this machine's "
                + "libraries (glibc 2.36)");
    }

    @Test
    void standIn_java17SaysTheFunctionWouldFailOnAws() {
        assertThat(EmulateCommand.standIn("java17", NATIVES, "glibc 2.36")).isEqualTo("java17 runs on Amazon Linux 2 "
                + "(glibc 2.26, GLIBCXX_3.4.24) on Lambda; the emulator stands in for it with this machine's libraries "
                + "(glibc 2.36); on AWS it would fail: native/libonnxruntime.so needs GLIBC_2.27, "
                + "native/libtokenizers.so needs GLIBC_2.34");
        assertThat(EmulateCommand.standIn("java11.al2023", NATIVES, "glibc 2.36")).endsWith("; on AWS it would fail: "
                + "java11.al2023 runs Java 11, and the function's classes need Java 17 (class file version 61)");
        assertThat(EmulateCommand.standIn("java99", NATIVES, "glibc 2.36")).startsWith("runtime java99 is not a Lambda "
                + "runtime");
    }

    @Test
    void standIn_osOnlyRuntimeNeedsOnlyItsLibrariesToLoad() {
        assertThat(EmulateCommand.standIn("provided.al2023", NATIVES, "glibc 2.36")).isEqualTo("provided.al2023 runs "
                + "on Amazon Linux 2023 (glibc 2.34, GLIBCXX_3.4.29) on Lambda; the emulator stands in for it with this "
                + "machine's libraries (glibc 2.36)");
        assertThat(EmulateCommand.standIn("provided.al2", NATIVES, "glibc 2.36")).endsWith("; on AWS it would fail: "
                + "native/libonnxruntime.so needs GLIBC_2.27, native/libtokenizers.so needs GLIBC_2.34");
    }

    @Test
    void hostGlibc_isTheVersionLddReports() throws Exception {
        Process p;
        try {
            p = new ProcessBuilder("ldd", "--version").redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            assumeTrue(false, "no ldd on this machine: " + e.getMessage());
            return;
        }
        String first = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().findFirst()
                .orElse("");
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        // "ldd (Debian GLIBC 2.36-9+deb12u14) 2.36": glibc's ldd ends its first line with the version
        Matcher m = Pattern.compile("GLIBC.* ([0-9]+\\.[0-9]+)$").matcher(first);
        assumeTrue(m.find(), "not glibc's ldd: " + first);
        assertThat(HostGlibc.version()).contains("glibc " + m.group(1));
    }
}
