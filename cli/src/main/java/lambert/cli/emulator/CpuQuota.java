package lambert.cli.emulator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A cgroup v1 CPU quota of memory/1769 vCPU, as Lambda gives a function, for processes started with
 * {@link #shellPrefix()}. Where the machine has no writable cgroup v1 {@code cpu} controller, nothing
 * is limited and {@link #note()} says so.
 */
public final class CpuQuota implements AutoCloseable {
    /** Lambda gives one full vCPU at this memory size, proportionally less below. */
    public static final int MB_PER_VCPU = 1769;
    private static final Path CGROUP_CPU = Path.of("/sys/fs/cgroup/cpu");

    private final Path group;
    private final String note;

    private CpuQuota(Path group, String note) {
        this.group = group;
        this.note = note;
    }

    /** A new quota group for a function of {@code memoryMb}. */
    public static CpuQuota forMemory(int memoryMb) {
        if (!Files.isWritable(CGROUP_CPU.resolve("cgroup.procs"))) {
            return new CpuQuota(null, "not limited: no writable cgroup v1 cpu controller at " + CGROUP_CPU
                    + " (run as root)");
        }
        try {
            Path group = Files.createDirectories(CGROUP_CPU.resolve("lambert-" + ProcessHandle.current().pid() + "-"
                    + System.nanoTime()));
            long period = 100_000;
            long quota = Math.max(1000, Math.round(period * (double) memoryMb / MB_PER_VCPU));
            Files.writeString(group.resolve("cpu.cfs_period_us"), Long.toString(period));
            Files.writeString(group.resolve("cpu.cfs_quota_us"), Long.toString(quota));
            return new CpuQuota(group, String.format(Locale.ROOT, "%.2f vCPU (cgroup quota %d/%d us)",
                    quota / (double) period, quota, period));
        } catch (IOException e) {
            return new CpuQuota(null, "not limited: cannot create a cgroup (" + e.getMessage() + ")");
        }
    }

    /** A shell command prefix that moves the shell, and so what it execs, into the group; empty if none. */
    public String shellPrefix() {
        return group == null ? "" : "echo $$ > '" + group.resolve("cgroup.procs") + "' && ";
    }

    /** How the CPU is limited, for reports. */
    public String note() {
        return note;
    }

    /** Removes the group (once its processes are gone). */
    @Override
    public void close() {
        if (group != null) {
            try {
                Files.deleteIfExists(group);
            } catch (IOException ignored) {
                // a group still holding a process cannot be removed; the kernel keeps it, harmlessly
            }
        }
    }
}
