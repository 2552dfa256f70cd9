package lambert.maven;

import java.io.File;
import lambert.toolkit.template.PackageTemplate;
import lambert.toolkit.template.SamTemplate;
import lambert.toolkit.template.TemplateOptions;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * {@code lambert:template}: the AWS SAM template ({@code AWS::Serverless::Function}) for the function zip, as
 * {@code lambert template} writes it: the settings of {@code function.json} next to the zip, with the ones given here
 * over them.
 *
 * <pre>{@code
 * <configuration><function>embed</function><snapStart>true</snapStart></configuration>
 * }</pre>
 */
@Mojo(name = "template", defaultPhase = LifecyclePhase.PACKAGE, threadSafe = true)
public class TemplateMojo extends LambertMojo {
    /** The function zip. */
    @Parameter(property = "lambert.package", defaultValue = "${project.build.directory}/lambert/function.zip")
    File zip;

    /** The template to write; replaced if it exists. */
    @Parameter(property = "lambert.template", defaultValue = "${project.build.directory}/lambert/template.yaml")
    File out;

    /** The function's name (also the stack name); default: CloudFormation names it. */
    @Parameter(property = "lambert.function")
    String function;

    /** Memory size in MB (default: {@code function.json}'s). */
    @Parameter(property = "lambert.memory")
    Integer memory;

    /** Timeout in seconds (default: {@code function.json}'s). */
    @Parameter
    Integer timeout;

    /** The Lambda runtime (default: {@code function.json}'s). */
    @Parameter
    String runtime;

    /** {@code /tmp} size in MB, 512 to 10240 (default: {@code function.json}'s, else Lambda's 512). */
    @Parameter
    Integer ephemeralStorage;

    /** SnapStart on published versions (not with {@code <provisioned>}). */
    @Parameter(defaultValue = "false")
    boolean snapStart;

    /** Provisioned concurrency on the alias (not with {@code <snapStart>}). */
    @Parameter(defaultValue = "0")
    int provisioned;

    /** The alias each published version gets. */
    @Parameter(defaultValue = "live")
    String alias;

    /** Add a function URL with AWS_IAM auth. */
    @Parameter(defaultValue = "false")
    boolean url;

    /** Skips this goal. */
    @Parameter(property = "lambert.template.skip", defaultValue = "false")
    boolean skip;

    @Override
    boolean skip() {
        return skip;
    }

    @Override
    void run() throws Exception {
        SamTemplate sam = PackageTemplate.of(zip.toPath(), out.toPath(), new TemplateOptions(function, memory, timeout,
                runtime, ephemeralStorage, snapStart, provisioned, alias, url));
        PackageTemplate.write(sam, out.toPath());
        getLog().info("lambert: " + out + "  AWS::Serverless::Function " + sam.logicalId() + ": " + sam.runtime()
                + ", " + sam.architecture() + ", " + sam.memoryMb() + " MB, " + sam.timeoutSeconds() + " s");
        getLog().info("lambert: deploy with " + String.join(" ", SamTemplate.samDeploy(out.getPath(),
                PackageTemplate.stackName(zip.toPath(), function))));
    }
}
