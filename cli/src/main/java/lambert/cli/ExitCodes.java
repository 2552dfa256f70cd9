package lambert.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/** The exit codes of every lambert command, as documented in {@code --help}. */
public final class ExitCodes {
    /** Done. */
    public static final int OK = 0;
    /** A check failed (verify, limits). */
    public static final int CHECK_FAILED = 1;
    /** Bad usage or bad input (an unknown option, an unusable model, a malformed request). */
    public static final int BAD_INPUT = 2;
    /** An environment problem (a missing file, no permission, a refused service). */
    public static final int ENVIRONMENT = 3;

    /** The lines {@code --help} prints under "Exit codes". */
    static final Map<String, String> HELP = help();

    private static Map<String, String> help() {
        Map<String, String> lines = new LinkedHashMap<>();
        lines.put("0", "Done.");
        lines.put("1", "A check failed (verify, limits).");
        lines.put("2", "Bad usage or bad input (unknown option, unusable model, malformed request).");
        lines.put("3", "Environment problem (missing file, no permission, a refused service).");
        return lines;
    }

    private ExitCodes() {}
}
