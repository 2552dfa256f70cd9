package lambert.toolkit.emulator;

/**
 * Lambda's figures for one invocation, as its {@code REPORT} line gives them.
 *
 * @param requestId the request id
 * @param durationMs from handing the event to the function to its answer
 * @param billedMs what Lambda would bill: the duration rounded up to the millisecond, plus the init
 *     duration on a cold start (Lambda bills the INIT phase since August 2025)
 * @param memorySizeMb the memory setting
 * @param maxMemoryUsedMb the function's peak resident memory so far
 * @param initDurationMs the init duration on a cold start, else -1
 * @param status {@code success}, {@code error} or {@code timeout}
 * @param response the function's answer (or error body)
 */
public record Report(String requestId, double durationMs, long billedMs, int memorySizeMb, long maxMemoryUsedMb,
        double initDurationMs, String status, byte[] response) {

    /** The line Lambda prints, tab-separated as in CloudWatch Logs. */
    public String line() {
        StringBuilder s = new StringBuilder("REPORT RequestId: ").append(requestId)
                .append(String.format(java.util.Locale.ROOT, "\tDuration: %.2f ms\tBilled Duration: %d ms"
                        + "\tMemory Size: %d MB\tMax Memory Used: %d MB", durationMs, billedMs, memorySizeMb,
                        maxMemoryUsedMb));
        if (initDurationMs >= 0) {
            s.append(String.format(java.util.Locale.ROOT, "\tInit Duration: %.2f ms", initDurationMs));
        }
        if (!status.equals("success")) {
            s.append("\tStatus: ").append(status);
        }
        return s.toString();
    }
}
