package lambert.toolkit;

import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A failure said in one line for a person, the same way in every front end (the command line, the Maven plugin):
 * a missing file as {@code file not found: PATH}, and each field a {@link BadInputException} names said as the
 * front end names its settings ({@code --memory} on the command line, {@code <memory>} in a pom).
 *
 * <pre>{@code
 * String line = Problems.oneLine(e, field -> "--" + field);
 * }</pre>
 */
public final class Problems {
    private Problems() {}

    /**
     * The one line for {@code e}.
     *
     * @param settingName how the front end says a field the toolkit names ({@code memory} to {@code --memory})
     */
    public static String oneLine(Throwable e, UnaryOperator<String> settingName) {
        if (e instanceof NoSuchFileException) {
            return "file not found: " + e.getMessage();
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied: " + e.getMessage();
        }
        if (e instanceof FileAlreadyExistsException f) {
            return f.getFile() + " exists" + (f.getReason() == null ? "" : ": " + f.getReason());
        }
        if (e instanceof UncheckedIOException && e.getCause() != null) {
            return oneLine(e.getCause(), settingName);
        }
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            return e.getClass().getSimpleName();
        }
        return e instanceof BadInputException bad ? withSettingNames(message, bad.fields(), settingName) : message;
    }

    /**
     * The toolkit's message with the first mention of each field it names said as the front end's setting: the first
     * {@code memory} in "memory must be between ..." becomes {@code --memory} (the toolkit's fields are named as the
     * command line's options are).
     */
    static String withSettingNames(String message, List<String> fields, UnaryOperator<String> settingName) {
        String out = message;
        for (String field : fields) {
            Matcher m = Pattern.compile("(?<![\\w-])" + Pattern.quote(field) + "(?![\\w-])").matcher(out);
            if (m.find()) {
                out = out.substring(0, m.start()) + settingName.apply(field) + out.substring(m.end());
            }
        }
        return out;
    }
}
