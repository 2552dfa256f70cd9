package lambert.maven;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import lambert.base.io.PartialFiles;
import lambert.toolkit.emulator.Emulation;
import lambert.toolkit.emulator.Emulator;
import lambert.toolkit.emulator.Events;
import lambert.toolkit.emulator.InitFailedException;
import lambert.toolkit.emulator.Report;
import lambert.toolkit.packaging.CpuArch;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * {@code lambert:emulate}: invokes the function zip once on this machine as AWS Lambda runs it (the official runtime
 * interface client, Lambda's memory and CPU share, {@code START}/{@code END}/{@code REPORT} lines) and fails the build
 * if the function fails to initialise or answers with an error. The answer is written to {@code <response>}.
 *
 * <pre>{@code
 * <configuration><text>Hey, how are you?</text><memory>1024</memory></configuration>
 * }</pre>
 */
@Mojo(name = "emulate", defaultPhase = LifecyclePhase.INTEGRATION_TEST, threadSafe = true)
public class EmulateMojo extends LambertMojo {
    /** The function zip ({@code function.json} next to it gives the handler, environment, memory and timeout). */
    @Parameter(property = "lambert.package", defaultValue = "${project.build.directory}/lambert/function.zip")
    File zip;

    /** A text to send as {@code {"text": ...}}; instead of {@code <event>}. */
    @Parameter(property = "lambert.text")
    String text;

    /** An event file (JSON, any shape the function takes: a direct request, API Gateway, ALB, ...). */
    @Parameter(property = "lambert.event")
    File event;

    /** The memory size in MB, 128 to 10240 (default: {@code function.json}'s). */
    @Parameter(property = "lambert.memory")
    Integer memory;

    /** Where the function's answer is written. */
    @Parameter(property = "lambert.response", defaultValue = "${project.build.directory}/lambert/emulate-response.json")
    File response;

    /** Skips this goal. */
    @Parameter(property = "lambert.emulate.skip", defaultValue = "false")
    boolean skip;

    @Override
    boolean skip() {
        return skip;
    }

    @Override
    void run() throws Exception {
        if ((text == null) == (event == null)) {
            throw badParameter("give exactly one of <text> and <event>, found " + (text == null ? "neither" : "both"));
        }
        byte[] body = text != null ? Events.text(text) : Files.readAllBytes(event.toPath());
        Path zipPath = zip.toPath();
        if (!Files.isRegularFile(zipPath)) {
            throw new java.nio.file.NoSuchFileException(zip.getPath());
        }
        Emulation emulation = Emulation.forPackage(CpuArch.ofPackage(zipPath), null);
        try (Emulator emulator = Emulator.forPackage(zipPath, memory, emulation, line -> getLog().info(line))) {
            Report report;
            try {
                emulator.start();
                report = emulator.invoke(body);
            } catch (InitFailedException e) {
                throw new MojoFailureException("lambert: the function failed to initialise (" + e.errorType() + "): "
                        + e.getMessage(), e);
            }
            PartialFiles.write(response.toPath(), report.response());
            String answer = new String(report.response(), StandardCharsets.UTF_8);
            if (!report.status().equals("success")) {
                throw new MojoFailureException("lambert: the function answered with " + report.status() + ": "
                        + (answer.length() > 300 ? answer.substring(0, 297) + "..." : answer));
            }
            getLog().info("lambert: answered in " + String.format(java.util.Locale.ROOT, "%.1f ms", report.durationMs())
                    + " (init " + String.format(java.util.Locale.ROOT, "%.0f ms", report.initDurationMs()) + "); "
                    + "the answer is in " + response);
        }
    }
}
