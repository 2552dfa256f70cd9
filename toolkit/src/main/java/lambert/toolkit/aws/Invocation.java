package lambert.toolkit.aws;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lambert.toolkit.emulator.Report;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.LogType;

/**
 * One synchronous invocation of a deployed function with its log tail ({@code LogType: Tail}, the last
 * 4 KB of its log) and the figures of its {@code REPORT} line, in the emulator's {@link Report} shape
 * so local and remote runs compare line by line.
 *
 * @param report the REPORT line's figures, the answer and a status ({@code success}, {@code error},
 *     {@code timeout})
 * @param functionError Lambda's {@code X-Amz-Function-Error} ({@code Unhandled}, {@code Handled}), or null
 * @param executedVersion the version that ran
 * @param log the decoded log tail, one entry per line
 */
public record Invocation(Report report, String functionError, String executedVersion, List<String> log) {

    /**
     * Invokes {@code function} ({@code qualifier}: an alias or version, or null) with {@code event}.
     *
     * <pre>{@code
     * Invocation i = Invocation.invoke(aws.lambda(), "my-fn", "live", "{\"text\":\"hi\"}".getBytes(UTF_8));
     * System.out.println(i.report().durationMs());
     * }</pre>
     */
    public static Invocation invoke(LambdaClient lambda, String function, String qualifier, byte[] event) {
        InvokeResponse r;
        try {
            r = lambda.invoke(b -> b.functionName(function).qualifier(qualifier)
                    .invocationType(InvocationType.REQUEST_RESPONSE).logType(LogType.TAIL)
                    .payload(SdkBytes.fromByteArray(event)));
        } catch (SdkException e) {
            throw AwsErrors.explain("lambda:InvokeFunction", "function " + function + (qualifier == null ? ""
                    : ":" + qualifier), e);
        }
        String tail = r.logResult() == null ? "" : new String(Base64.getDecoder().decode(r.logResult()),
                StandardCharsets.UTF_8);
        List<String> lines = tail.lines().toList();
        byte[] payload = r.payload() == null ? new byte[0] : r.payload().asByteArray();
        return new Invocation(parseReport(lines, payload, r.functionError()), r.functionError(), r.executedVersion(),
                lines);
    }

    private static final Pattern REQUEST_ID = Pattern.compile("RequestId: ([^\\s]+)");

    /**
     * The figures of the last {@code REPORT} line in {@code log}. A SnapStart restore's {@code Restore
     * Duration} stands in for the init duration, as it is that environment's cold start.
     */
    static Report parseReport(List<String> log, byte[] payload, String functionError) {
        String line = null;
        for (String l : log) {
            if (l.startsWith("REPORT ")) {
                line = l;
            }
        }
        if (line == null) {
            throw new AwsRefusedException("the invocation's log tail has no REPORT line (the last 4 KB of its log "
                    + "were " + log.size() + " lines): the function logs too much after its answer for the figures "
                    + "to be read");
        }
        Matcher id = REQUEST_ID.matcher(line);
        double init = field(line, "Init Duration", -1);
        if (init < 0) {
            init = field(line, "Restore Duration", -1);
        }
        String status = text(line, "Status");
        if (status == null) {
            status = functionError == null ? "success" : "error";
        }
        return new Report(id.find() ? id.group(1) : "", field(line, "Duration", Double.NaN),
                (long) field(line, "Billed Duration", -1), (int) field(line, "Memory Size", -1),
                (long) field(line, "Max Memory Used", -1), init, status.toLowerCase(Locale.ROOT), payload);
    }

    private static double field(String line, String name, double absent) {
        Matcher m = Pattern.compile("\\t\\s*" + Pattern.quote(name) + ": ([0-9.]+) (?:ms|MB)").matcher(line);
        return m.find() ? Double.parseDouble(m.group(1)) : absent;
    }

    private static String text(String line, String name) {
        Matcher m = Pattern.compile("\\t" + Pattern.quote(name) + ": ([^\\t]+)").matcher(line);
        return m.find() ? m.group(1).trim() : null;
    }
}
