package lambert.toolkit.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which JDK the custom runtime is linked from, with folders laid out as JDKs are ({@code release}, {@code bin/jlink}). */
class CustomRuntimeJdkTest {
    @TempDir
    Path dir;

    private Path jdk(String name, String version, String arch, boolean jlink) throws IOException {
        Path home = Files.createDirectories(dir.resolve(name));
        Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"test\"\nJAVA_VERSION=\"" + version
                + "\"\nOS_ARCH=\"" + arch + "\"\nOS_NAME=\"Linux\"\n");
        if (jlink) {
            Path bin = Files.createDirectories(home.resolve("bin"));
            Files.writeString(bin.resolve("jlink"), "#!/bin/sh\n");
            Files.setPosixFilePermissions(bin.resolve("jlink"), PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return home;
    }

    @Test
    void findJdk_variableSet_takenBeforeTheRunningJdk() throws IOException {
        Path given = jdk("given", "26.0.1", "x86_64", true);
        Path running = jdk("running", "25.0.3", "x86_64", true);
        CustomRuntime.Jdk found = CustomRuntime.findJdk(Map.of("LAMBERT_CUSTOM_JDK", given.toString()), running, dir);
        assertThat(found.home()).isEqualTo(given);
        assertThat(found.version()).isEqualTo("26.0.1");
    }

    @Test
    void findJdk_variableNamesOldOrForeignOrNoJdk_refusedNamingTheVariableAndWhy() throws IOException {
        Path running = jdk("running", "25.0.3", "x86_64", true);
        Path old = jdk("old", "17.0.13", "x86_64", true);
        Path arm = jdk("arm", "25.0.3", "aarch64", true);
        Path jre = jdk("jre", "25.0.3", "x86_64", false);
        assertThatThrownBy(() -> CustomRuntime.findJdk(Map.of("LAMBERT_CUSTOM_JDK", old.toString()), running, dir))
                .isInstanceOf(JdkNotFoundException.class)
                .hasMessage("LAMBERT_CUSTOM_JDK=" + old + " is Java 17.0.13, and the custom runtime needs a JDK 25 or "
                        + "later (its ahead-of-time cache)");
        assertThatThrownBy(() -> CustomRuntime.findJdk(Map.of("LAMBERT_CUSTOM_JDK", arm.toString()), running, dir))
                .hasMessageStartingWith("LAMBERT_CUSTOM_JDK=" + arm + " is a JDK for Linux aarch64");
        assertThatThrownBy(() -> CustomRuntime.findJdk(Map.of("LAMBERT_CUSTOM_JDK", jre.toString()), running, dir))
                .hasMessageContaining("has no bin/jlink");
        assertThatThrownBy(() -> CustomRuntime.findJdk(Map.of("LAMBERT_CUSTOM_JDK", dir.resolve("none").toString()),
                running, dir)).hasMessageContaining("is not a JDK: it has no release file");
    }

    @Test
    void findJdk_runningJdk17_newestTemurin25UnderTheJvmFolder() throws IOException {
        Path running = jdk("running", "17.0.13", "x86_64", true);
        Path jvms = Files.createDirectories(dir.resolve("jvm"));
        Files.move(jdk("a", "25.0.1", "x86_64", true), jvms.resolve("temurin-25-jdk-amd64-a"));
        Files.move(jdk("b", "25.0.3", "x86_64", true), jvms.resolve("temurin-25-jdk-amd64-b"));
        Files.move(jdk("c", "25.0.4", "aarch64", true), jvms.resolve("temurin-25-jdk-arm64"));
        CustomRuntime.Jdk found = CustomRuntime.findJdk(Map.of(), running, jvms);
        assertThat(found.home()).isEqualTo(jvms.resolve("temurin-25-jdk-amd64-b"));
    }

    @Test
    void findJdk_none_saysWhatToInstallOrSet() throws IOException {
        Path running = jdk("running", "17.0.13", "x86_64", true);
        Path jvms = Files.createDirectories(dir.resolve("jvm"));
        assertThatThrownBy(() -> CustomRuntime.findJdk(Map.of(), running, jvms))
                .isInstanceOf(JdkNotFoundException.class)
                .hasMessageContaining("no JDK 25 to build the custom runtime from")
                .hasMessageContaining("install Temurin 25 for x86_64 Linux")
                .hasMessageContaining("set LAMBERT_CUSTOM_JDK");
    }
}
