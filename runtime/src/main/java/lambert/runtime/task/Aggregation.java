package lambert.runtime.task;

import java.util.Locale;

/** How token labels become entities. */
public enum Aggregation {
    /** Adjacent tokens of the same type merge into one entity; a {@code B-} label starts a new one. */
    SIMPLE,
    /** One entity per token that is not {@code O}, labelled with the token's own label. */
    NONE;

    /** The lower-case name used in requests. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code simple} or {@code none}; {@code null} if it is neither. */
    public static Aggregation fromId(String id) {
        for (Aggregation a : values()) {
            if (a.id().equals(id)) {
                return a;
            }
        }
        return null;
    }
}
