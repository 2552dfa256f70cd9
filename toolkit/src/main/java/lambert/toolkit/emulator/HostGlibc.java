package lambert.toolkit.emulator;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The C library of this machine, which the emulator's function uses where Lambda's would use its
 * runtime's Amazon Linux: {@code getconf GNU_LIBC_VERSION} ("glibc 2.36"), the version glibc itself
 * reports ({@code confstr(_CS_GNU_LIBC_VERSION)}).
 */
public final class HostGlibc {
    private HostGlibc() {}

    /** {@code "glibc 2.36"}, or empty on a machine without glibc (musl) or without {@code getconf}. */
    public static Optional<String> version() {
        try {
            Process p = new ProcessBuilder("getconf", "GNU_LIBC_VERSION").redirectErrorStream(true).start();
            byte[] out;
            try (InputStream in = p.getInputStream()) {
                out = in.readNBytes(200);
            }
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Optional.empty();
            }
            String text = new String(out, StandardCharsets.UTF_8).trim();
            return p.exitValue() == 0 && text.matches("glibc [0-9.]+") ? Optional.of(text) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
