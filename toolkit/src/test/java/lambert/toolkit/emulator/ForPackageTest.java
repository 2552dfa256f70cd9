package lambert.toolkit.emulator;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import lambert.toolkit.BadInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Emulator#forPackage(Path, Integer, Emulation, java.util.function.Consumer)}'s memory setting. */
class ForPackageTest {
    @TempDir
    Path dir;

    @Test
    void forPackage_memoryOutsideLambdasRangeIsRefusedBeforeAnythingStarts() throws Exception {
        Path zip = Files.write(dir.resolve("function.zip"), new byte[] {'P', 'K', 5, 6});
        assertThatThrownBy(() -> Emulator.forPackage(zip, 64, Emulation.host(), line -> { }))
                .isInstanceOfSatisfying(BadInputException.class, e -> {
                    assertThat(e.fields()).containsExactly("memory");
                    assertThat(e).hasMessageContaining("found 64");
                });
        assertThatCode(() -> Emulator.forPackage(zip, 512, Emulation.host(), line -> { }).close())
                .doesNotThrowAnyException();
    }
}
