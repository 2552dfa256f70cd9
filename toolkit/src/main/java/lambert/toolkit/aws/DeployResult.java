package lambert.toolkit.aws;

import java.util.List;

/**
 * What a deploy did (or, in a dry run, would do).
 *
 * @param function the function's name
 * @param alias the alias
 * @param version the version the alias points at (null in a dry run that publishes one)
 * @param role the execution role's ARN
 * @param roleCreated whether this deploy created the role
 * @param url the function URL, or null
 * @param callerPolicy for a URL with AuthType AWS_IAM, the identity-based policy its callers need
 *     ({@link UrlCallerPolicy}); else null
 * @param code how the code went: inline, an S3 object, or unchanged
 * @param created whether this deploy created the function
 * @param upToDate whether nothing needed changing
 * @param dryRun whether this was a dry run
 * @param steps every call, in order: reads, writes and waits
 * @param notes things to tell the person (the role created, ...)
 * @param account the account id, when it was read
 * @param region the region
 */
public record DeployResult(String function, String alias, String version, String role, boolean roleCreated,
        String url, String callerPolicy, String code, boolean created, boolean upToDate, boolean dryRun, List<Step> steps,
        List<String> notes, String account, String region) {

    /** The calls that change something. */
    public List<Step> writes() {
        return steps.stream().filter(s -> s.kind() == Step.Kind.WRITE).toList();
    }

    /** The calls that only read. */
    public List<Step> reads() {
        return steps.stream().filter(s -> s.kind() == Step.Kind.READ).toList();
    }
}
