package lambert.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The lambert command in a JVM of its own, as a user runs it: what native libraries print to the process's
 * standard error (ONNX Runtime's own log lines) shows up here, which an in-process run cannot see, and JVM options
 * such as a small {@code -Xmx} apply to the command alone.
 */
public final class LambertProcess {
    private LambertProcess() {}

    /** How the process ended and what it printed. */
    public record Result(int code, String out, String err) {
        /** Standard error's lines (without a final empty one). */
        public List<String> errLines() {
            return err.lines().toList();
        }
    }

    /**
     * Runs {@code lambert args} with {@code jvmOptions} and {@code stdin} (none if null), in {@code dir}; fails after
     * ten minutes, a bound no healthy run comes near even on a loaded machine.
     */
    public static Result run(Path dir, List<String> jvmOptions, byte[] stdin, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-Dlambert.home=" + dir.resolve("home"));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Lambert.class.getName());
        command.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "lambert-out", ".txt");
        Path err = Files.createTempFile(dir, "lambert-err", ".txt");
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try (OutputStream in = process.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin);
            }
        }
        if (!process.waitFor(10, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("lambert " + String.join(" ", args) + " did not finish in ten minutes");
        }
        return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }
}
