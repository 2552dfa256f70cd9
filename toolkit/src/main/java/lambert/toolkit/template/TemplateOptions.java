package lambert.toolkit.template;

/**
 * What a caller sets over a package's {@code function.json} when writing its template; a null leaves
 * {@code function.json}'s setting (and lambert's default where it has none).
 *
 * @param function the function's name (also the stack name), or null to let CloudFormation name it
 * @param memoryMb memory size, or null
 * @param timeoutSeconds timeout, or null
 * @param runtime the Lambda runtime, or null
 * @param ephemeralStorageMb {@code /tmp} size, or null
 * @param snapStart SnapStart on published versions
 * @param provisioned provisioned concurrency on the alias, 0 for none
 * @param alias the alias each published version gets
 * @param url whether to add a function URL (AWS_IAM auth)
 */
public record TemplateOptions(String function, Integer memoryMb, Integer timeoutSeconds, String runtime,
        Integer ephemeralStorageMb, boolean snapStart, int provisioned, String alias, boolean url) {

    /** {@code function.json}'s settings throughout, alias {@code live}, no SnapStart, no URL. */
    public static TemplateOptions defaults() {
        return new TemplateOptions(null, null, null, null, null, false, 0, "live", false);
    }
}
