package lambert.toolkit.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** binutils' {@code readelf -V}: the independent reference for {@link ElfVersionNeeds} in tests. */
public final class Readelf {
    private static final Pattern FILE = Pattern.compile("^\\s*(?:0x)?[0-9a-f]+: Version: \\d+\\s+File: (\\S+)\\s+Cnt: \\d+");
    private static final Pattern NAME = Pattern.compile("^\\s*0x[0-9a-f]+:\\s+Name: (\\S+)\\s+Flags:");

    private Readelf() {}

    /** Whether {@code tool} is an executable on the PATH. */
    public static boolean onPath(String tool) {
        for (String folder : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (!folder.isEmpty() && Files.isExecutable(Path.of(folder, tool))) {
                return true;
            }
        }
        return false;
    }

    /** The "Version needs section" of {@code readelf -V -W}, as (file, version) in its order. */
    public static List<ElfVersionNeeds.Need> needs(Path lib) throws Exception {
        List<ElfVersionNeeds.Need> needs = new ArrayList<>();
        boolean inNeeds = false;
        String file = null;
        for (String line : exec(null, "readelf", "-V", "-W", lib.toString()).split("\n")) {
            if (line.startsWith("Version needs section")) {
                inNeeds = true;
                continue;
            }
            if (line.startsWith("Version ") || line.startsWith("No version")) {
                inNeeds = false;
            }
            if (!inNeeds) {
                continue;
            }
            Matcher f = FILE.matcher(line);
            Matcher n = NAME.matcher(line);
            if (f.find()) {
                file = f.group(1);
            } else if (n.find()) {
                needs.add(new ElfVersionNeeds.Need(file, n.group(1)));
            }
        }
        return needs;
    }

    /** Runs a command, with {@code stdin} if not null, and returns its output (Latin-1, byte for byte). */
    public static String exec(String stdin, String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (stdin != null) {
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as(String.join(" ", command) + " finished").isTrue();
        return new String(out, StandardCharsets.ISO_8859_1);
    }
}
