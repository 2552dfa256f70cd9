package lambert.runtime.bundle;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What a model answers: sentence embeddings, labels for a whole text, or labels per token. */
public enum Task {
    /** Feature extraction: one vector per text, pooled over its tokens. */
    EMBED,
    /** Sequence classification: scored labels per text. */
    CLASSIFY,
    /** Token classification: entities with character offsets into the text. */
    TAG;

    /** The lower-case name used in manifests and responses. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code embed}, {@code classify} or {@code tag}; {@code null} if it is none of them. */
    public static Task fromId(String id) {
        for (Task task : values()) {
            if (task.id().equals(id)) {
                return task;
            }
        }
        return null;
    }

    /** The accepted names, for error messages. */
    public static String ids() {
        return Arrays.stream(values()).map(Task::id).collect(Collectors.joining(", "));
    }
}
