package lambert.runtime.natives;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A package's {@code native/} folder checked before anything loads: missing, not ELF, or built for another CPU. */
class PackagedNativesTest {
    private static final String HERE = here();

    @Test
    void require_missingLibraryIsNamed(@TempDir Path dir) {
        assertThatThrownBy(() -> PackagedNatives.require(dir, List.of("libonnxruntime.so")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the package's native/libonnxruntime.so is missing (looked in " + dir + "): rebuild the "
                        + "zip with lambert package --arch " + HERE);
    }

    @Test
    void require_fileThatIsNotElfIsNamed(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("libtokenizers.so"), "not a library");
        assertThatThrownBy(() -> PackagedNatives.require(dir, List.of("libtokenizers.so")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the package's native/libtokenizers.so is not an ELF library: rebuild the zip with lambert "
                        + "package --arch " + HERE);
    }

    @Test
    void require_libraryForTheOtherArchitectureSaysBoth(@TempDir Path dir) throws IOException {
        String other = HERE.equals("x86_64") ? "arm64" : "x86_64";
        // ELF e_machine (bytes 18-19, little-endian): 0x3E is x86-64, 0xB7 is AArch64 (the ELF specification).
        Files.write(dir.resolve("libonnxruntime.so"), elfHeader(other.equals("x86_64") ? 0x3E : 0xB7));
        assertThatThrownBy(() -> PackagedNatives.require(dir, List.of("libonnxruntime.so")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("the package's native/libonnxruntime.so is built for " + other)
                .hasMessageContaining("but this function runs on " + HERE)
                .hasMessageEndingWith("set the function's architecture to " + other);
    }

    @Test
    void require_libraryForThisArchitectureIsAccepted(@TempDir Path dir) throws IOException {
        Files.write(dir.resolve("libonnxruntime.so"), elfHeader(HERE.equals("x86_64") ? 0x3E : 0xB7));
        assertThatCode(() -> PackagedNatives.require(dir, List.of("libonnxruntime.so"))).doesNotThrowAnyException();
    }

    @Test
    void use_withoutTaskRootOrNativeFolderChangesNothing(@TempDir Path dir) {
        String ort = System.getProperty("onnxruntime.native.path");
        PackagedNatives.use(null);
        PackagedNatives.use(dir.toString());
        assertThat(System.getProperty("onnxruntime.native.path")).isEqualTo(ort);
    }

    private static byte[] elfHeader(int machine) {
        byte[] header = new byte[64];
        header[0] = 0x7f;
        header[1] = 'E';
        header[2] = 'L';
        header[3] = 'F';
        header[18] = (byte) machine;
        header[19] = (byte) (machine >> 8);
        return header;
    }

    private static String here() {
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        return arch.equals("aarch64") || arch.equals("arm64") ? "arm64" : "x86_64";
    }
}
