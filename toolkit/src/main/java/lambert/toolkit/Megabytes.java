package lambert.toolkit;

import java.util.Locale;

/** Sizes for people: bytes in mebibytes with one decimal, as lambert prints them everywhere. */
public final class Megabytes {
    private Megabytes() {}

    /** {@code 31.2 MB}. */
    public static String of(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1048576.0);
    }
}
