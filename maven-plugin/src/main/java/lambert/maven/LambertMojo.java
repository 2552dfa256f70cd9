package lambert.maven;

import lambert.toolkit.CheckFailedException;
import lambert.toolkit.Problems;
import lambert.toolkit.packaging.PackageTooLargeException;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * What every lambert goal shares: {@code <skip>} and {@code lambert.skip}, and lambert's failures as Maven's. A check
 * that ran and failed (the package over Lambda's limits, verify past its thresholds, the function answering with an
 * error) is a {@link MojoFailureException}; bad configuration or an environment problem is a
 * {@link MojoExecutionException}. Either carries lambert's one-line message with the setting named as the pom names
 * it ({@code <memory> must be between 128 and 10240 MB ...}); the stack trace stays behind Maven's {@code -e}.
 */
abstract class LambertMojo extends AbstractMojo {
    /** Skips every lambert goal of the build ({@code -Dlambert.skip}). */
    @Parameter(property = "lambert.skip", defaultValue = "false")
    boolean skipAll;

    /** Whether this goal's own {@code <skip>} is set. */
    abstract boolean skip();

    /** The goal's work. */
    abstract void run() throws Exception;

    @Override
    public final void execute() throws MojoExecutionException, MojoFailureException {
        if (skipAll || skip()) {
            getLog().info("lambert: skipped");
            return;
        }
        try {
            run();
        } catch (MojoExecutionException | MojoFailureException e) {
            throw e;
        } catch (CheckFailedException | PackageTooLargeException e) {
            throw new MojoFailureException(oneLine(e), e);
        } catch (Exception e) {
            throw new MojoExecutionException(oneLine(e), e);
        }
    }

    /** lambert's message for {@code e}, each field it names said as the pom's parameter ({@code <ephemeralStorage>}). */
    static String oneLine(Throwable e) {
        return "lambert: " + Problems.oneLine(e, field -> "<" + parameterName(field) + ">");
    }

    /** The toolkit's field name ({@code ephemeral-storage}) as a Maven parameter ({@code ephemeralStorage}). */
    static String parameterName(String field) {
        if (field.equals("snapstart")) {
            return "snapStart";
        }
        StringBuilder out = new StringBuilder();
        boolean upper = false;
        for (char c : field.toCharArray()) {
            if (c == '-') {
                upper = true;
            } else {
                out.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return out.toString();
    }

    /** Bad configuration, named by its parameter. */
    static MojoExecutionException badParameter(String message) {
        return new MojoExecutionException("lambert: " + message);
    }
}
