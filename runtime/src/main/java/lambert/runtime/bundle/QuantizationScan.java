package lambert.runtime.bundle;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Tells whether an ONNX file uses dynamic quantisation, by looking for the operator names that
 * such models use in its bytes (node op types are stored as plain strings). Used only when a
 * manifest has to be inferred; lambert's own bundles record their quantisation.
 */
final class QuantizationScan {
    private static final List<String> OPS = List.of("DynamicQuantizeLinear", "DynamicQuantizeMatMul",
            "MatMulInteger", "MatMulNBits", "QLinearMatMul");

    private QuantizationScan() {}

    /** The first quantisation operator found in the file, or null. */
    static String firstQuantizedOp(Path onnx) {
        byte[][] needles = OPS.stream().map(s -> s.getBytes(StandardCharsets.US_ASCII)).toArray(byte[][]::new);
        int overlap = OPS.stream().mapToInt(String::length).max().orElse(0);
        byte[] buffer = new byte[(1 << 20) + overlap];
        int kept = 0;
        try (InputStream in = Files.newInputStream(onnx)) {
            while (true) {
                int n = in.readNBytes(buffer, kept, buffer.length - kept);
                int filled = kept + n;
                for (int k = 0; k < needles.length; k++) {
                    if (indexOf(buffer, filled, needles[k]) >= 0) {
                        return OPS.get(k);
                    }
                }
                if (n == 0) {
                    return null;
                }
                kept = Math.min(overlap, filled);
                System.arraycopy(buffer, filled - kept, buffer, 0, kept);
            }
        } catch (IOException e) {
            throw new BundleException("cannot read " + onnx + ": " + e.getMessage(), e);
        }
    }

    private static int indexOf(byte[] haystack, int length, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
