package lambert.toolkit;

import java.util.List;

/**
 * Input the toolkit cannot use: a malformed file, a value out of its range, a setting AWS would refuse. A value that a
 * caller gave by name is named in the message by its field ({@code "memory must be between 128 and 10240 MB, found
 * 99"}), and {@link #fields()} lists those names, so a front end can say them its own way (the command line as
 * {@code --memory}).
 */
public final class BadInputException extends ToolkitException {
    private static final long serialVersionUID = 1L;

    private final List<String> fields;

    /** @param message one line naming the file or limit, what was expected and what was found */
    public BadInputException(String message) {
        this(message, List.of());
    }

    private BadInputException(String message, List<String> fields) {
        super(message);
        this.fields = fields;
    }

    /**
     * A value given by name that is unusable.
     *
     * @param message one line that names each field (the first time it appears is where a front end may put its own
     *     name for it), what was expected and what was found
     * @param fields the names of the values at fault, as they appear in {@code message}
     */
    public static BadInputException of(String message, String... fields) {
        return new BadInputException(message, List.of(fields));
    }

    /** The names of the values at fault, as the message says them; empty if the fault is not in a named value. */
    public List<String> fields() {
        return fields;
    }
}
