package lambert.runtime.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which CPUs get which session settings. The HWCAP2 values are the ones qemu 7.2 gives an arm64
 * process (its loader's {@code LD_SHOW_AUXV}): {@code max} 0x7f877fff (SME), {@code max,sme=off} 0x77fff,
 * {@code neoverse-n1} 0. That the setting really fixes the answers is checked end to end by
 * {@code CrossArchitectureTest} in the cli module.
 */
class KernelWorkaroundsTest {
    @TempDir
    Path dir;

    @Test
    void forCpu_armWithSme_disablesPrepacking() {
        assertThat(KernelWorkarounds.forCpu("aarch64", OptionalLong.of(0x7f877fffL)))
                .isEqualTo(Map.of("session.disable_prepacking", "1"));
    }

    @Test
    void forCpu_armWithoutSme_changesNothing() {
        assertThat(KernelWorkarounds.forCpu("aarch64", OptionalLong.of(0x77fffL))).isEmpty();
        assertThat(KernelWorkarounds.forCpu("aarch64", OptionalLong.of(0))).isEmpty();
    }

    @Test
    void forCpu_armOfUnknownFeatures_disablesPrepacking() {
        assertThat(KernelWorkarounds.forCpu("aarch64", OptionalLong.empty()))
                .isEqualTo(Map.of("session.disable_prepacking", "1"));
    }

    @Test
    void forCpu_x86_changesNothing() {
        assertThat(KernelWorkarounds.forCpu("amd64", OptionalLong.of(-1L))).isEmpty();
        assertThat(KernelWorkarounds.forCpu("x86_64", OptionalLong.empty())).isEmpty();
    }

    @Test
    void hwcap2_readsTheAuxiliaryVectorUpToAtNull() throws IOException {
        // Linux's layout: (type, value) pairs of 64-bit little-endian words, AT_NULL (0) last.
        Path auxv = write(dir.resolve("auxv"), 16, 0xecfffffbL, 6, 4096, 26, 0x7f877fffL, 0, 0, 26, 1);
        assertThat(KernelWorkarounds.hwcap2(auxv)).hasValue(0x7f877fffL);
        Path afterEnd = write(dir.resolve("after-end"), 16, 0x119ffbL, 0, 0, 26, 5);
        assertThat(KernelWorkarounds.hwcap2(afterEnd)).isEmpty();
    }

    @Test
    void hwcap2_unreadableOrTruncated_isUnknown() throws IOException {
        assertThat(KernelWorkarounds.hwcap2(dir.resolve("missing"))).isEmpty();
        Path truncated = Files.write(dir.resolve("short"), new byte[] {26, 0, 0, 0, 0, 0, 0, 0, 1});
        assertThat(KernelWorkarounds.hwcap2(truncated)).isEmpty();
    }

    @Test
    void forThisMachine_onX86_changesNothing() {
        if (System.getProperty("os.arch").equals("amd64")) {
            assertThat(KernelWorkarounds.forThisMachine()).isEmpty();
        }
    }

    private static Path write(Path file, long... words) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(words.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (long w : words) {
            buffer.putLong(w);
        }
        return Files.write(file, buffer.array());
    }
}
