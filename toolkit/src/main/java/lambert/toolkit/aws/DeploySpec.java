package lambert.toolkit.aws;

import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import lambert.toolkit.BadInputException;
import lambert.toolkit.packaging.LambdaRuntime;
import lambert.toolkit.template.SamTemplate;

/**
 * What {@code lambert deploy} should leave in the account: the function's code and configuration, its
 * alias, and the optional extras.
 *
 * @param zip the function zip
 * @param function the function's name
 * @param runtime {@code java17}, {@code java21} or {@code java25}
 * @param handler the handler string
 * @param architecture {@code x86_64} or {@code arm64}
 * @param memoryMb memory size, 128 to 10240
 * @param timeoutSeconds 1 to 900
 * @param environment environment variables
 * @param ephemeralStorageMb {@code /tmp} size, 512 to 10240
 * @param role the execution role's ARN, or null to keep the function's, or for a new function to use (and
 *     create if need be) {@code lambert-FUNCTION}
 * @param alias the alias pointed at the published version
 * @param snapStart SnapStart on published versions; null keeps the function's setting (off for a new function)
 * @param provisioned provisioned concurrency on the alias (0 removes it), or null to leave it as it is
 * @param url the function URL wanted on the alias
 * @param s3Bucket where zips over the inline limit go, or null
 * @param sha256Hex the zip's SHA-256, hex
 * @param codeSha256 the zip's SHA-256, base64, as Lambda reports it
 * @param zipBytes the zip's size
 */
public record DeploySpec(Path zip, String function, String runtime, String handler, String architecture,
        int memoryMb, int timeoutSeconds, Map<String, String> environment, int ephemeralStorageMb, String role,
        String alias, Boolean snapStart, Integer provisioned, UrlAuth url, String s3Bucket, String sha256Hex,
        String codeSha256, long zipBytes) {

    /** The function URL wanted. */
    public enum UrlAuth {
        /** Leave any URL as it is. */
        UNCHANGED,
        /** A URL that only signed (IAM) callers may use. */
        AWS_IAM,
        /** A public URL: anyone on the internet may call it. */
        NONE
    }

    public DeploySpec {
        environment = new TreeMap<>(environment);
        if (Boolean.TRUE.equals(snapStart) && LambdaRuntime.osOnly(runtime)) {
            throw BadInputException.of(SamTemplate.SNAPSTART_OS_ONLY + runtime, "snapstart");
        }
    }

    /** The name of the role lambert creates when no {@code --role} is given. */
    public String roleName() {
        String name = "lambert-" + function;
        return name.length() <= 64 ? name : name.substring(0, 64);
    }
}
