package lambert.toolkit.emulator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * A cgroup v1 CPU quota as Lambda gives a function, for processes started with {@link #shellPrefix()}: during
 * INIT what the {@link InitializationType} gives (at least one full vCPU on demand), then, from
 * {@link #invocationsStart()} on, memory/1769 vCPU, by rewriting {@code cpu.cfs_quota_us} of the same group.
 * The group also gets {@link #SHARES} {@code cpu.shares}, a hundred ordinary processes' weight: on Lambda no other
 * process competes for the function's share, so on a busy machine the function gets its quota before other
 * processes get theirs (never more than the quota). Where the machine has no writable cgroup v1 {@code cpu}
 * controller, nothing is limited and {@link #note()} says so.
 */
public final class CpuQuota implements AutoCloseable {
    /** Lambda gives one full vCPU at this memory size, proportionally less below. */
    public static final int MB_PER_VCPU = 1769;
    /** The CFS period of the group: the quota is this many microseconds of CPU per vCPU. */
    static final long PERIOD_US = 100_000;
    /** The group's CPU weight: a hundred times a nice-0 process's 1024, so others wait while it is within its quota. */
    static final long SHARES = 102_400;
    private static final Path CGROUP_CPU = Path.of("/sys/fs/cgroup/cpu");

    private final Path group;
    private final InitializationType type;
    private final long initQuotaUs;
    private final long invokeQuotaUs;
    private final String unlimited;
    private volatile boolean invoking;
    private volatile String lowerFailed;

    private CpuQuota(Path group, InitializationType type, int memoryMb, String unlimited) {
        this.group = group;
        this.type = type;
        this.initQuotaUs = quotaUs(type.initVcpu(memoryMb));
        this.invokeQuotaUs = quotaUs(InitializationType.invokeVcpu(memoryMb));
        this.unlimited = unlimited;
    }

    /** A new quota group for a function of {@code memoryMb}, set for the INIT phase of {@code type}. */
    public static CpuQuota forMemory(int memoryMb, InitializationType type) {
        Optional<String> why = whyNotLimited();
        if (why.isPresent()) {
            return new CpuQuota(null, type, memoryMb, why.get());
        }
        Path group = null;
        try {
            group = Files.createDirectories(CGROUP_CPU.resolve("lambert-" + ProcessHandle.current().pid() + "-"
                    + System.nanoTime()));
            CpuQuota quota = new CpuQuota(group, type, memoryMb, null);
            Files.writeString(group.resolve("cpu.shares"), Long.toString(SHARES));
            Files.writeString(group.resolve("cpu.cfs_period_us"), Long.toString(PERIOD_US));
            Files.writeString(group.resolve("cpu.cfs_quota_us"), Long.toString(quota.initQuotaUs));
            return quota;
        } catch (IOException e) {
            if (group != null) {
                try {
                    Files.deleteIfExists(group);
                } catch (IOException ignored) {
                    // an empty group the kernel keeps, harmlessly
                }
            }
            return new CpuQuota(null, type, memoryMb, "not limited: cannot create a cgroup (" + e.getMessage() + ")");
        }
    }

    /** Why functions would not be limited on this machine (no writable cgroup v1 cpu controller), if so. */
    public static Optional<String> whyNotLimited() {
        return Files.isWritable(CGROUP_CPU.resolve("cgroup.procs")) ? Optional.empty()
                : Optional.of("not limited: no writable cgroup v1 cpu controller at " + CGROUP_CPU + " (run as root)");
    }

    /** The group's quota in microseconds per {@link #PERIOD_US} for {@code vcpu} (at least the kernel's 1 ms). */
    static long quotaUs(double vcpu) {
        return Math.max(1000, Math.round(PERIOD_US * vcpu));
    }

    /** A shell command prefix that moves the shell, and so what it execs, into the group; empty if none. */
    public String shellPrefix() {
        return group == null ? "" : "echo $$ > '" + group.resolve("cgroup.procs") + "' && ";
    }

    /**
     * The INIT phase is over (the function asked for its first event): from now on the group gets the memory's
     * share. Called once per environment, before the first event is handed over; later calls do nothing.
     */
    public void invocationsStart() {
        if (invoking) {
            return;
        }
        invoking = true;
        if (group != null && invokeQuotaUs != initQuotaUs) {
            try {
                Files.writeString(group.resolve("cpu.cfs_quota_us"), Long.toString(invokeQuotaUs));
            } catch (IOException e) {
                lowerFailed = e.toString();
            }
        }
    }

    /** Whether the CPU is limited at all. */
    public boolean limited() {
        return group != null;
    }

    /** How the CPU is limited, for reports: INIT's share, the invocations' share and the quota. */
    public String note() {
        if (group == null) {
            return unlimited;
        }
        String init = type == InitializationType.ON_DEMAND ? "on-demand: at least one full vCPU"
                : "provisioned concurrency: no burst";
        String note = String.format(Locale.ROOT, "INIT %.2f vCPU (%s), invocations %.2f vCPU (cgroup quota %d/%d us)",
                initQuotaUs / (double) PERIOD_US, init, invokeQuotaUs / (double) PERIOD_US, invokeQuotaUs, PERIOD_US);
        String failed = lowerFailed;
        return failed == null ? note : note + "; but the quota could not be lowered after INIT (" + failed
                + "): invocations ran at INIT's share";
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
