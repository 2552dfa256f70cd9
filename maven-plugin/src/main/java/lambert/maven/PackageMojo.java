package lambert.maven;

import java.io.File;
import lambert.runtime.bundle.ModelBundle;
import lambert.toolkit.Megabytes;
import lambert.toolkit.models.ModelResolver;
import lambert.toolkit.packaging.CpuArch;
import lambert.toolkit.packaging.PackageReport;
import lambert.toolkit.packaging.Packager;
import lambert.toolkit.packaging.UnsupportedRuntimeException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;
import org.apache.maven.project.MavenProjectHelper;

/**
 * {@code lambert:package}: the function zip (and {@code function.json} next to it) from a bundle folder or a built-in
 * model, for a managed Java runtime on Amazon Linux 2023; attached to the project as {@code zip} with the classifier
 * {@code lambda}, so {@code install} and {@code deploy} carry it.
 *
 * <pre>{@code
 * <plugin>
 *   <groupId>io.github.lambert-lambda</groupId>
 *   <artifactId>lambert-maven-plugin</artifactId>
 *   <executions><execution><goals><goal>package</goal></goals></execution></executions>
 *   <configuration><model>minilm-int8</model></configuration>
 * </plugin>
 * }</pre>
 */
@Mojo(name = "package", defaultPhase = LifecyclePhase.PACKAGE, threadSafe = true)
public class PackageMojo extends LambertMojo {
    /** A built-in model ({@code minilm}, {@code minilm-int8}) or a bundle or Hugging Face folder's path. */
    @Parameter(property = "lambert.model")
    String model;

    /** A bundle folder (or a Hugging Face folder), relative to the project; instead of {@code <model>}. */
    @Parameter(property = "lambert.bundle")
    File bundle;

    /** The CPU architecture: {@code x86_64} or {@code arm64}. */
    @Parameter(property = "lambert.arch", defaultValue = "x86_64")
    String arch;

    /** The Lambda runtime recorded in {@code function.json}: {@code java21}, {@code java25} or {@code java17.al2023}. */
    @Parameter(property = "lambert.runtime", defaultValue = "java21")
    String runtime;

    /** The zip to write; {@code function.json} goes next to it. */
    @Parameter(property = "lambert.out", defaultValue = "${project.build.directory}/lambert/function.zip")
    File out;

    /**
     * Ship the model saved optimised by ONNX Runtime at package time, when it answers exactly as the raw file (the
     * function then loads it with no optimisation: a shorter INIT); {@code false} ships the file as it is.
     */
    @Parameter(property = "lambert.preOptimize", defaultValue = "true")
    boolean preOptimize = true;

    /** Attach the zip to the project (type {@code zip}, classifier {@link #classifier}). */
    @Parameter(property = "lambert.attach", defaultValue = "true")
    boolean attach;

    /** The classifier the attached zip gets. */
    @Parameter(property = "lambert.classifier", defaultValue = "lambda")
    String classifier;

    /** Skips this goal. */
    @Parameter(property = "lambert.package.skip", defaultValue = "false")
    boolean skip;

    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    MavenProject project;

    @org.apache.maven.plugins.annotations.Component
    MavenProjectHelper projectHelper;

    @Override
    boolean skip() {
        return skip;
    }

    @Override
    void run() throws Exception {
        if ((model == null) == (bundle == null)) {
            throw badParameter("give exactly one of <model> (a built-in model such as minilm-int8) and <bundle> (a "
                    + "bundle folder), found " + (model == null ? "neither" : "both"));
        }
        CpuArch architecture;
        try {
            architecture = CpuArch.parse(arch);
        } catch (IllegalArgumentException e) {
            throw badParameter("<arch>: " + e.getMessage());
        }
        String source = model != null ? model : bundle.getPath();
        getLog().info("lambert: packaging " + source + " for " + architecture.lambdaName() + " (" + runtime + ")");
        PackageReport report;
        try {
            report = Packager.build(ModelBundle.open(new ModelResolver(ModelResolver.defaultHome()).resolve(source)),
                    architecture, runtime, preOptimize, out.toPath());
        } catch (UnsupportedRuntimeException e) {
            throw badParameter("<runtime> " + e.getMessage());
        }
        getLog().info("lambert: " + report.zip() + "  " + Megabytes.of(report.zipBytes()) + " zipped, "
                + Megabytes.of(report.unzippedBytes()) + " unzipped (Lambda's limits: 50 MB to upload directly, 250 MB "
                + "unzipped); sha256 " + report.sha256());
        getLog().info("lambert: model optimisation " + report.modelOptimization());
        if (attach && project != null) {
            projectHelper.attachArtifact(project, "zip", classifier, out);
            getLog().info("lambert: attached as " + project.getArtifactId() + "-" + project.getVersion() + "-"
                    + classifier + ".zip");
        }
    }
}
