package lambert.cli.emulator;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A Lambda handler for {@link InitCpuTest}, packaged alone in a zip: it reads, from inside the function, the CFS
 * quota of the cgroup the kernel put it in, once in its static initialiser (the INIT phase) and again in each
 * invocation, and answers both with {@code AWS_LAMBDA_INITIALIZATION_TYPE}. {@code PROBE_INIT_SLEEP_MS} makes INIT
 * sleep that long. It reads the kernel's files only ({@code /proc/self/cgroup}, {@code /sys/fs/cgroup/cpu}), none
 * of lambert's code.
 */
public final class CgroupProbe implements RequestStreamHandler {
    private static final String AT_INIT = quota();

    static {
        String sleep = System.getenv("PROBE_INIT_SLEEP_MS");
        if (sleep != null) {
            try {
                Thread.sleep(Long.parseLong(sleep));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        input.readAllBytes();
        output.write(("{\"init\": \"" + AT_INIT + "\", \"invoke\": \"" + quota() + "\", \"type\": \""
                + System.getenv("AWS_LAMBDA_INITIALIZATION_TYPE") + "\"}").getBytes(StandardCharsets.UTF_8));
    }

    /** {@code quota/period} in microseconds of this process's cpu cgroup, as the kernel holds them. */
    static String quota() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
                // hierarchy-ID:controller-list:path, e.g. "1:cpu:/lambert-42-1234" or "4:cpu,cpuacct:/x"
                String[] parts = line.split(":", 3);
                if (parts.length == 3 && java.util.List.of(parts[1].split(",")).contains("cpu")) {
                    Path group = Path.of("/sys/fs/cgroup/cpu" + parts[2]);
                    return Files.readString(group.resolve("cpu.cfs_quota_us")).trim() + "/"
                            + Files.readString(group.resolve("cpu.cfs_period_us")).trim();
                }
            }
            return "no cpu cgroup";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
