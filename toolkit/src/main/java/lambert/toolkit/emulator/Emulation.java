package lambert.toolkit.emulator;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import lambert.runtime.natives.NativeLibraries;
import lambert.toolkit.packaging.CpuArch;

/**
 * Where the function's JVM runs: on this machine's own CPU, or, for a package of another
 * architecture or a chosen stand-in CPU, under qemu-user with a JVM of the package's architecture
 * (Debian's {@code qemu-user-static} and, through multiarch, {@code openjdk-17-jre-headless:arm64}).
 * Emulation checks answers, never speed: qemu translates every instruction, so timings under it mean
 * nothing.
 *
 * <pre>{@code
 * Emulation emulation = Emulation.forPackage(CpuArch.ARM64, "graviton3");
 * try (Emulator emulator = new Emulator(zip, handler, env, 1769, 30, System.out::println, RuntimeJars.locate(),
 *         InitializationType.ON_DEMAND, emulation)) { ... }
 * }</pre>
 */
public final class Emulation {
    /** Said wherever an emulated timing is printed. */
    public static final String TIMINGS_WARNING = "timings under emulation mean nothing (qemu translates every "
            + "instruction); it checks answers, not speed";

    /** How many times longer the 10 s init limit and the function timeout are under emulation. */
    static final int SLOWDOWN = 30;

    /**
     * A named stand-in for a CPU Lambda runs functions on, as qemu 7.2 (Debian 12) can emulate it.
     *
     * @param name the name {@code --cpu} takes
     * @param architecture the architecture it emulates
     * @param qemuCpu qemu's {@code -cpu} value
     * @param description what it stands for, and how closely
     */
    public record StandIn(String name, CpuArch architecture, String qemuCpu, String description) {}

    /** The stand-ins, the default of each architecture first. */
    public static final List<StandIn> STAND_INS = List.of(
            new StandIn("graviton2", CpuArch.ARM64, "neoverse-n1",
                    "stand-in for Graviton2 (Neoverse N1: NEON and dot product, no SVE)"),
            new StandIn("graviton3", CpuArch.ARM64, "max,sme=off,sve-default-vector-length=32",
                    "stand-in for Graviton3 (Neoverse V1: 256-bit SVE, int8 matrix multiply, BF16; qemu 7.2's nearest "
                            + "also has SVE2)"),
            new StandIn("graviton4", CpuArch.ARM64, "max,sme=off,sve-default-vector-length=16",
                    "stand-in for Graviton4 (Neoverse V2: 128-bit SVE2, int8 matrix multiply, BF16)"),
            new StandIn("sme", CpuArch.ARM64, "max",
                    "an Arm CPU with SME, which no Graviton has (qemu's max: 512-bit SVE2, SME, int8 matrix multiply)"),
            new StandIn("haswell", CpuArch.X86_64, "Haswell-v4",
                    "an x86_64 CPU with AVX2 and no AVX-512 (qemu 7.2 cannot emulate AVX-512)"));

    private final CpuArch architecture;
    private final Path qemu;
    private final String qemuCpu;
    private final String cpuName;
    private final String description;
    private final Path java;

    private Emulation(CpuArch architecture, Path qemu, String qemuCpu, String cpuName, String description,
            Path java) {
        this.architecture = architecture;
        this.qemu = qemu;
        this.qemuCpu = qemuCpu;
        this.cpuName = cpuName;
        this.description = description;
        this.java = java;
    }

    /** This machine's own CPU and this JVM's {@code java}. */
    public static Emulation host() {
        return new Emulation(CpuArch.host(), null, null, "host", "this machine's CPU",
                Path.of(System.getProperty("java.home"), "bin", "java"));
    }

    /**
     * How to run a package of {@code architecture} on {@code cpu}.
     *
     * @param cpu a stand-in name ({@link #STAND_INS}), a qemu CPU model ({@code qemu-aarch64-static -cpu help}, with
     *     qemu's {@code ,prop=value} suffixes), {@code host}, or null: the host for a package of this machine's
     *     architecture, else the architecture's first stand-in
     * @throws IllegalArgumentException if {@code cpu} is unknown or emulates another architecture
     * @throws EmulationUnavailableException if qemu or a JVM of the package's architecture is not installed
     */
    public static Emulation forPackage(CpuArch architecture, String cpu) throws EmulationUnavailableException {
        return find(architecture, cpu, binDirectories(), Path.of("/usr/lib/jvm"));
    }

    static Emulation find(CpuArch architecture, String cpu, List<Path> binDirs, Path jvmRoot)
            throws EmulationUnavailableException {
        CpuArch host = CpuArch.host();
        if (cpu == null && architecture == host || "host".equals(cpu)) {
            if (architecture != host) {
                throw new IllegalArgumentException("host runs on this " + host.lambdaName() + " machine's CPU, but "
                        + "the package is " + architecture.lambdaName() + "; choose one of " + names(architecture));
            }
            return host();
        }
        StandIn standIn = cpu == null ? STAND_INS.stream().filter(s -> s.architecture() == architecture).findFirst()
                .orElseThrow() : standIn(cpu).orElse(null);
        if (standIn != null && standIn.architecture() != architecture) {
            throw new IllegalArgumentException(cpu + " stands in for an " + standIn.architecture().lambdaName()
                    + " CPU, but the package is " + architecture.lambdaName() + "; choose one of " + names(architecture));
        }
        Path qemu = locateQemu(architecture, binDirs);
        Path java = architecture == host ? host().java() : locateJava(architecture, jvmRoot);
        if (standIn != null) {
            return new Emulation(architecture, qemu, standIn.qemuCpu(), standIn.name(), standIn.description(), java);
        }
        String model = cpu.split(",", 2)[0];
        Set<String> models = qemuModels(qemu);
        if (!models.isEmpty() && !models.contains(model)) {
            throw new IllegalArgumentException("unknown CPU \"" + cpu + "\": expected one of " + names(architecture)
                    + ", or a CPU model of " + qemu.getFileName() + " (" + String.join(", ", models) + ")");
        }
        return new Emulation(architecture, qemu, cpu, cpu, "qemu's " + cpu, java);
    }

    /** The stand-in called {@code name}, if any. */
    public static Optional<StandIn> standIn(String name) {
        return STAND_INS.stream().filter(s -> s.name().equalsIgnoreCase(name)).findFirst();
    }

    private static String names(CpuArch architecture) {
        return STAND_INS.stream().filter(s -> s.architecture() == architecture).map(StandIn::name)
                .collect(Collectors.joining(", ")) + (architecture == CpuArch.host() ? ", host" : "");
    }

    private static List<Path> binDirectories() {
        Set<Path> dirs = new LinkedHashSet<>();
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(File.pathSeparator)) {
                if (!dir.isBlank()) {
                    dirs.add(Path.of(dir));
                }
            }
        }
        dirs.add(Path.of("/usr/bin"));
        dirs.add(Path.of("/usr/local/bin"));
        return new ArrayList<>(dirs);
    }

    private static Path locateQemu(CpuArch architecture, List<Path> binDirs) throws EmulationUnavailableException {
        for (String name : List.of("qemu-" + architecture.qemuName() + "-static", "qemu-" + architecture.qemuName())) {
            for (Path dir : binDirs) {
                Path candidate = dir.resolve(name);
                if (Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        throw unavailable(architecture, "qemu-" + architecture.qemuName() + "-static is not installed (looked in "
                + binDirs.stream().map(Path::toString).collect(Collectors.joining(", ")) + ")");
    }

    /** A {@code java} of the architecture under {@code jvmRoot} (Debian's {@code /usr/lib/jvm/java-17-openjdk-arm64}). */
    private static Path locateJava(CpuArch architecture, Path jvmRoot) throws EmulationUnavailableException {
        List<Path> homes = new ArrayList<>();
        if (Files.isDirectory(jvmRoot)) {
            try (Stream<Path> children = Files.list(jvmRoot)) {
                children.filter(p -> p.getFileName().toString().endsWith("-" + architecture.debianName()))
                        .sorted(Comparator.comparing((Path p) -> p.getFileName().toString()).reversed())
                        .forEach(homes::add);
            } catch (IOException e) {
                throw unavailable(architecture, "cannot list " + jvmRoot + ": " + e.getMessage());
            }
        }
        for (Path home : homes) {
            Path java = home.resolve("bin").resolve("java");
            if (Files.isRegularFile(java) && architecture.lambdaName().equals(elfArchitecture(java))) {
                return java;
            }
        }
        throw unavailable(architecture, "no " + architecture.lambdaName() + " Java found in " + jvmRoot + " (a folder "
                + "named *-" + architecture.debianName() + " holding bin/java built for " + architecture.lambdaName() + ")");
    }

    private static String elfArchitecture(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return NativeLibraries.elfArchitecture(in);
        } catch (IOException e) {
            return null;
        }
    }

    private static EmulationUnavailableException unavailable(CpuArch architecture, String what) {
        boolean foreign = architecture != CpuArch.host();
        String setup = foreign ? "dpkg --add-architecture " + architecture.debianName() + " && apt-get update && "
                + "apt-get install -y qemu-user-static openjdk-17-jre-headless:" + architecture.debianName()
                : "apt-get update && apt-get install -y qemu-user-static";
        String needs = foreign ? "running an " + architecture.lambdaName() + " package on this "
                + CpuArch.host().lambdaName() + " machine needs qemu-user and an " + architecture.lambdaName()
                + " Java" : "emulating another " + architecture.lambdaName() + " CPU needs qemu-user";
        return new EmulationUnavailableException(needs + ": " + what + ". On Debian or Ubuntu, as root: " + setup);
    }

    /** The CPU models {@code qemu -cpu help} lists; empty if it cannot be asked. */
    private static Set<String> qemuModels(Path qemu) {
        try {
            Process process = new ProcessBuilder(qemu.toString(), "-cpu", "help").redirectErrorStream(true).start();
            byte[] out = process.getInputStream().readAllBytes();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return Set.of();
            }
            Set<String> models = new LinkedHashSet<>();
            boolean listing = false;
            for (String line : new String(out, StandardCharsets.UTF_8).split("\n")) {
                if (line.startsWith("Available CPUs:")) {
                    listing = true;
                } else if (listing && line.isBlank()) {
                    break; // x86_64 goes on with CPUID flags
                } else if (listing) {
                    // aarch64 lists "  max"; x86_64 lists "x86 Haswell-v4   Intel Core ..."
                    String[] words = line.trim().split("\\s+");
                    models.add(words.length > 1 && words[0].equals("x86") ? words[1] : words[0]);
                }
            }
            return models;
        } catch (IOException e) {
            return Set.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Set.of();
        }
    }

    /** The architecture the function runs as. */
    public CpuArch architecture() {
        return architecture;
    }

    /** Whether the function runs under qemu. */
    public boolean emulated() {
        return qemu != null;
    }

    /** The {@code java} to start. */
    Path java() {
        return java;
    }

    /** The command that starts {@code java} with {@code arguments}: under qemu when emulated. */
    List<String> command(List<String> arguments) {
        List<String> command = new ArrayList<>();
        if (qemu != null) {
            command.addAll(List.of(qemu.toString(), "-cpu", qemuCpu));
        }
        command.add(java.toString());
        command.addAll(arguments);
        return command;
    }

    /** The stand-in's name, the qemu model, or {@code host}. */
    public String cpuName() {
        return cpuName;
    }

    /** For people: what runs the function, and on what. */
    public String describe() {
        if (qemu == null) {
            return architecture.lambdaName() + " on " + description;
        }
        return String.format(Locale.ROOT, "%s under %s -cpu %s: %s%s", architecture.lambdaName(), qemu.getFileName(),
                qemuCpu, cpuName.equals(qemuCpu) ? "" : cpuName + ", ", description);
    }

    /** The factor the init limit and timeouts are stretched by: 1 on the host, {@link #SLOWDOWN} under qemu. */
    int slowdown() {
        return qemu == null ? 1 : SLOWDOWN;
    }
}
