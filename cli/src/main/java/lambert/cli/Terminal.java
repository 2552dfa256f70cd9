package lambert.cli;

import java.io.PrintStream;

/**
 * Output for people: colour and progress only when standard output is a terminal and
 * {@code NO_COLOR} is not set; plain text otherwise, so pipes and logs stay clean.
 */
public final class Terminal {
    private final PrintStream out;
    private final boolean styled;

    Terminal(PrintStream out, boolean styled) {
        this.out = out;
        this.styled = styled;
    }

    /** The terminal for standard output. */
    public static Terminal stdout() {
        String noColor = System.getenv("NO_COLOR");
        boolean tty = System.console() != null;
        return new Terminal(System.out, tty && (noColor == null || noColor.isEmpty()));
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

    /** The raw stream, for JSON. */
    public PrintStream stream() {
        return out;
    }
}
