package lambert.toolkit.emulator;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A Lambda handler for the emulator's tests, packaged alone in a zip by {@link #zip(Path)}, for what the real
 * model cannot show whatever the machine's speed. It reads, from inside the function, the CFS quota of the cgroup
 * the kernel put it in, once in its static initialiser (the INIT phase) and again in each invocation, and answers
 * both with the group's {@code cpu.shares}, {@code AWS_LAMBDA_INITIALIZATION_TYPE} and the documented Lambda
 * variables it sees ({@link BootstrapLoop#VARIABLES}). {@code PROBE_INIT_SLEEP_MS}
 * makes INIT sleep that long, an event with {@code "sleep_ms": N} the invocation. It reads the kernel's files only
 * ({@code /proc/self/cgroup}, {@code /sys/fs/cgroup/cpu}), none of lambert's code, and needs nothing but the
 * runtime's own jars.
 */
public final class ProbeHandler implements RequestStreamHandler {
    /** The handler string. */
    static final String HANDLER = ProbeHandler.class.getName() + "::handleRequest";
    private static final Pattern SLEEP = Pattern.compile("\"sleep_ms\"\\s*:\\s*(\\d+)");
    private static final String AT_INIT = quota();

    static {
        String sleep = System.getenv("PROBE_INIT_SLEEP_MS");
        if (sleep != null) {
            sleep(Long.parseLong(sleep));
        }
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        Matcher sleep = SLEEP.matcher(new String(input.readAllBytes(), StandardCharsets.UTF_8));
        if (sleep.find()) {
            sleep(Long.parseLong(sleep.group(1)));
        }
        output.write(("{\"init\": \"" + AT_INIT + "\", \"invoke\": \"" + quota() + "\", \"shares\": \""
                + Cgroup.file("cpu.shares") + "\", \"type\": \"" + System.getenv("AWS_LAMBDA_INITIALIZATION_TYPE")
                + "\", \"env\": " + BootstrapLoop.variables() + "}").getBytes(StandardCharsets.UTF_8));
    }

    /** {@code quota/period} in microseconds of this process's cpu cgroup, as the kernel holds them. */
    static String quota() {
        return Cgroup.quota();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Writes {@code dir/probe.zip}, a function package holding only this class and the ones it uses, once; returns it. */
    static Path zip(Path dir) throws IOException {
        Path zip = dir.resolve("probe.zip");
        if (Files.exists(zip)) {
            return zip;
        }
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            for (Class<?> type : List.of(ProbeHandler.class, Cgroup.class, BootstrapLoop.class)) {
                String name = type.getName().replace('.', '/') + ".class";
                try (InputStream in = ProbeHandler.class.getClassLoader().getResourceAsStream(name)) {
                    out.putNextEntry(new ZipEntry(name));
                    in.transferTo(out);
                    out.closeEntry();
                }
            }
        }
        return zip;
    }
}
