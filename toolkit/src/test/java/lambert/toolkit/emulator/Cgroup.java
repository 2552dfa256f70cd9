package lambert.toolkit.emulator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The cpu cgroup of the process that calls it, as the kernel holds it: what the test functions ({@link ProbeHandler},
 * {@link BootstrapLoop}) report from inside the emulator. It reads the kernel's files only ({@code /proc/self/cgroup},
 * {@code /sys/fs/cgroup/cpu}) and needs nothing beyond {@code java.base}.
 */
final class Cgroup {
    private Cgroup() {}

    /** {@code quota/period} in microseconds of this process's cpu cgroup. */
    static String quota() {
        return file("cpu.cfs_quota_us") + "/" + file("cpu.cfs_period_us");
    }

    /** A file of this process's cpu cgroup, trimmed, or {@code no cpu cgroup}. */
    static String file(String name) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
                // hierarchy-ID:controller-list:path, e.g. "1:cpu:/lambert-42-1234" or "4:cpu,cpuacct:/x"
                String[] parts = line.split(":", 3);
                if (parts.length == 3 && List.of(parts[1].split(",")).contains("cpu")) {
                    return Files.readString(Path.of("/sys/fs/cgroup/cpu" + parts[2], name)).trim();
                }
            }
            return "no cpu cgroup";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
