package lambert.runtime.bundle;

import java.util.Locale;

/** How token vectors become one sentence vector. */
public enum Pooling {
    /** Average of the token vectors that the attention mask covers. */
    MEAN,
    /** The vector of the first token ([CLS] or &lt;s&gt;). */
    CLS;

    /** The lower-case name used in manifests. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code mean} or {@code cls}; {@code null} if it is neither. */
    public static Pooling fromId(String id) {
        for (Pooling pooling : values()) {
            if (pooling.id().equals(id)) {
                return pooling;
            }
        }
        return null;
    }
}
