package lambert.cli;

import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * Output for people: colour and progress only when standard output is a terminal and
 * {@code NO_COLOR} is not set; plain text otherwise, so pipes and logs stay clean.
 */
public final class Terminal {
    private final PrintWriter out;
    private final boolean styled;

    Terminal(PrintWriter out, boolean styled) {
        this.out = out;
        this.styled = styled;
    }

    /** The terminal for a command's output (standard output unless a test redirected it). */
    public static Terminal of(CommandLine.Model.CommandSpec spec) {
        String noColor = System.getenv("NO_COLOR");
        boolean tty = System.console() != null;
        return new Terminal(spec.commandLine().getOut(), tty && (noColor == null || noColor.isEmpty()));
    }

    /** Whether this is a terminal that shows colour and progress. */
    public boolean styled() {
        return styled;
    }

    /** Prints a line. */
    public void line(String text) {
        out.println(text);
    }

    /** Prints an empty line. */
    public void blank() {
        out.println();
    }

    /** A heading: bold on a terminal. */
    public String bold(String text) {
        return styled ? "\u001b[1m" + text + "\u001b[0m" : text;
    }

    /** Secondary text: dim on a terminal. */
    public String dim(String text) {
        return styled ? "\u001b[2m" + text + "\u001b[0m" : text;
    }

    /** A good result: green on a terminal. */
    public String good(String text) {
        return styled ? "\u001b[32m" + text + "\u001b[0m" : text;
    }

    /** Prints a line that must not be missed (emulated timings): bold yellow on a terminal. */
    public void warn(String text) {
        out.println(styled ? "\u001b[1;33m" + text + "\u001b[0m" : text);
    }

    /** A step that is under way, shown only on a terminal, replaced by the next {@link #line}. */
    public void progress(String text) {
        if (styled) {
            out.print("\r\u001b[2K" + dim(text + " ..."));
            out.flush();
        }
    }

    /** Clears a progress line, if one is shown. */
    public void clearProgress() {
        if (styled) {
            out.print("\r\u001b[2K");
            out.flush();
        }
    }

    /** The raw writer, for JSON. */
    public PrintWriter stream() {
        return out;
    }
}
