package lambert.runtime.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Checksums} against published check values (CRC-32/ISO-HDLC of "123456789" is cbf43926, SHA-256 of "abc"
 * is FIPS 180-2's example) and against the JDK's CRC32 over the same bytes in memory, for files empty, shorter
 * than one read buffer and spanning several, with CRCs whose hex has leading zeros.
 */
class ChecksumsTest {
    @TempDir
    Path dir;

    @Test
    void crc32_givesThePublishedCheckValues() throws Exception {
        assertThat(Checksums.crc32(write("check", "123456789".getBytes(StandardCharsets.US_ASCII))))
                .isEqualTo("cbf43926");
        assertThat(Checksums.crc32(write("empty", new byte[0]))).isEqualTo("00000000");
        assertThat(Checksums.sha256(write("abc", "abc".getBytes(StandardCharsets.US_ASCII))))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    @Test
    void crc32_ofFilesSpanningSeveralBuffersEqualsTheOneComputedOverTheBytes() throws Exception {
        Random random = new Random(11);
        int leadingZeros = 0;
        for (int size : new int[] {1, 4095, (1 << 20) - 1, 1 << 20, (1 << 20) + 1, 3 * (1 << 20) + 12345}) {
            byte[] bytes = new byte[size];
            random.nextBytes(bytes);
            java.util.zip.CRC32 reference = new java.util.zip.CRC32();
            reference.update(bytes);
            String expected = String.format("%08x", reference.getValue());
            leadingZeros += expected.startsWith("0") ? 1 : 0;
            assertThat(Checksums.crc32(write("f" + size, bytes))).as("size %d", size).isEqualTo(expected);
        }
        // A CRC whose hex starts with zeros: "a" has 0xe8b7be43, so look for one among short strings.
        for (int i = 0; leadingZeros == 0; i++) {
            byte[] bytes = Integer.toString(i).getBytes(StandardCharsets.US_ASCII);
            java.util.zip.CRC32 reference = new java.util.zip.CRC32();
            reference.update(bytes);
            if (reference.getValue() < 0x10000000L) {
                assertThat(Checksums.crc32(write("z" + i, bytes))).isEqualTo(String.format("%08x", reference.getValue()));
                leadingZeros++;
            }
        }
    }

    private Path write(String name, byte[] bytes) throws Exception {
        Path file = dir.resolve(name);
        Files.write(file, bytes);
        return file;
    }
}
