package lambert.toolkit.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import lambert.toolkit.packaging.CpuArch;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How a package's function is launched: which qemu and which JVM, and what is said when either is missing,
 * checked against folders the test lays out (a fake qemu that lists CPU models, a JVM folder). That emulated
 * packages really answer is {@code CrossArchitectureTest}'s part.
 */
class EmulationTest {
    @TempDir
    Path dir;

    @Test
    void find_withoutQemu_namesTheDebianPackages() {
        assertThatThrownBy(() -> Emulation.find(CpuArch.ARM64, null, List.of(dir.resolve("bin")), dir.resolve("jvm")))
                .isInstanceOf(EmulationUnavailableException.class)
                .hasMessageContaining("qemu-aarch64-static is not installed")
                .hasMessageContaining("dpkg --add-architecture arm64 && apt-get update && apt-get install -y "
                        + "qemu-user-static openjdk-17-jre-headless:arm64");
    }

    @Test
    void find_withoutAnArm64Jvm_saysWhereItLooked() throws IOException {
        Path bin = fakeQemu("qemu-aarch64-static");
        // a JVM folder of the right name whose java is not an arm64 ELF file
        Path java = Files.createDirectories(dir.resolve("jvm/java-17-openjdk-arm64/bin")).resolve("java");
        Files.writeString(java, "#!/bin/sh\n");
        assertThatThrownBy(() -> Emulation.find(CpuArch.ARM64, "graviton3", List.of(bin), dir.resolve("jvm")))
                .isInstanceOf(EmulationUnavailableException.class)
                .hasMessageContaining("no arm64 Java found in " + dir.resolve("jvm"))
                .hasMessageContaining("openjdk-17-jre-headless:arm64");
    }

    @Test
    void find_standInOfAnotherArchitecture_isRefusedNamingTheRightOnes() {
        assertThatThrownBy(() -> Emulation.find(CpuArch.X86_64, "graviton3", List.of(), dir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("graviton3 stands in for an arm64 CPU, but the package is x86_64; choose one of haswell"
                        + (CpuArch.host() == CpuArch.X86_64 ? ", host" : ""));
    }

    @Test
    void find_hostForAForeignPackage_isRefused() {
        CpuArch foreign = CpuArch.host() == CpuArch.X86_64 ? CpuArch.ARM64 : CpuArch.X86_64;
        assertThatThrownBy(() -> Emulation.find(foreign, "host", List.of(), dir))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("but the package is "
                        + foreign.lambdaName());
    }

    @Test
    void find_packageOfThisMachine_runsOnItsCpuWithoutQemu() throws Exception {
        Emulation emulation = Emulation.find(CpuArch.host(), null, List.of(), dir);
        assertThat(emulation.emulated()).isFalse();
        assertThat(emulation.command(List.of("-version"))).containsExactly(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-version");
    }

    @Test
    void find_standInOnThisArchitecture_runsThisJvmUnderQemu() throws Exception {
        Path bin = fakeQemu("qemu-x86_64-static");
        Assumptions.assumeTrue(CpuArch.host() == CpuArch.X86_64, "the stand-in is an x86_64 one");
        Emulation haswell = Emulation.find(CpuArch.X86_64, "haswell", List.of(bin), dir);
        assertThat(haswell.emulated()).isTrue();
        assertThat(haswell.command(List.of("-version"))).containsExactly(bin.resolve("qemu-x86_64-static").toString(),
                "-cpu", "Haswell-v4", Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-version");
        assertThat(haswell.describe()).contains("haswell", "AVX2");
    }

    @Test
    void find_qemuCpuModel_isCheckedAgainstQemusList() throws Exception {
        Path bin = fakeQemu("qemu-x86_64-static");
        Assumptions.assumeTrue(CpuArch.host() == CpuArch.X86_64, "the stand-in is an x86_64 one");
        Emulation skylake = Emulation.find(CpuArch.X86_64, "Skylake-Client,avx512f=off", List.of(bin), dir);
        assertThat(skylake.command(List.of())).contains("Skylake-Client,avx512f=off");
        assertThatThrownBy(() -> Emulation.find(CpuArch.X86_64, "Pentium5", List.of(bin), dir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown CPU \"Pentium5\"").hasMessageContaining("Haswell-v4, Skylake-Client");
    }

    @Test
    void copyJni_givesTheRuntimeClientTheLibraryOfThePackagesArchitecture() throws IOException {
        for (CpuArch architecture : CpuArch.values()) {
            Path lib = dir.resolve("jni-" + architecture.lambdaName() + ".so");
            RuntimeJars.copyJni(RuntimeJars.locate(), architecture, lib);
            try (var in = Files.newInputStream(lib)) {
                // the ELF header's e_machine, not the file name
                assertThat(lambert.runtime.natives.NativeLibraries.elfArchitecture(in)).isEqualTo(
                        architecture.lambdaName());
            }
        }
    }

    /** A stand-in for qemu that answers {@code -cpu help} as qemu-x86_64 7.2 does (two models shown). */
    private Path fakeQemu(String name) throws IOException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path qemu = bin.resolve(name);
        Files.writeString(qemu, "#!/bin/sh\nprintf 'Available CPUs:\\nx86 Haswell-v4          Intel Core Processor "
                + "(Haswell, no TSX, IBRS)\\nx86 Skylake-Client    (alias configured by machine type)\\n\\n"
                + "Recognized CPUID flags:\\n  avx2 avx512f\\n'\n");
        Files.setPosixFilePermissions(qemu, PosixFilePermissions.fromString("rwxr-xr-x"));
        return bin;
    }
}
