package lambert.toolkit.aws;

/**
 * One AWS call of a deploy, as the plan and the output name it.
 *
 * @param call the IAM action name of the call ({@code lambda:UpdateFunctionCode})
 * @param detail what it does here, for people
 * @param kind whether it reads, changes, or polls until a change has taken effect
 */
public record Step(String call, String detail, Kind kind) {
    /** What a call does to the account. */
    public enum Kind {
        /** Reads the current state; made also in a dry run. */
        READ,
        /** Changes something; never made in a dry run. */
        WRITE,
        /** Polls until a change has taken effect (reads, after a write). */
        WAIT
    }

    /** The line the plan prints. */
    public String line() {
        return String.format(java.util.Locale.ROOT, "%-38s %s", call, detail);
    }
}
