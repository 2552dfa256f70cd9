package lambert.toolkit.packaging;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one native library of the package needs from the operating system: the highest glibc and
 * libstdc++ symbol versions among its ELF version needs ({@link ElfVersionNeeds}). The library loads
 * on a system whose glibc and libstdc++ define at least these versions, and fails to load
 * ({@code version `GLIBC_2.34' not found}) anywhere else.
 *
 * <pre>{@code
 * NativeRequirement tokenizer = NativeRequirement.of("native/libtokenizers.so", ElfVersionNeeds.read(path));
 * tokenizer.missingOn(AmazonLinux.AL2); // [GLIBC_2.34]
 * }</pre>
 *
 * @param file the library's path in the package ({@code native/libtokenizers.so})
 * @param glibc the highest {@code GLIBC_} version it needs, or null if it needs none
 * @param glibcxx the highest {@code GLIBCXX_} version it needs, or null if it does not use libstdc++
 */
public record NativeRequirement(String file, DottedVersion glibc, DottedVersion glibcxx) {
    private static final Pattern GLIBC = Pattern.compile("GLIBC_([0-9]+(?:\\.[0-9]+)*)");
    private static final Pattern GLIBCXX = Pattern.compile("GLIBCXX_([0-9]+(?:\\.[0-9]+)*)");

    /** The highest {@code GLIBC_} and {@code GLIBCXX_} versions among {@code needs} ({@code GLIBC_PRIVATE} aside). */
    public static NativeRequirement of(String file, List<ElfVersionNeeds.Need> needs) {
        DottedVersion glibc = null;
        DottedVersion glibcxx = null;
        for (ElfVersionNeeds.Need need : needs) {
            Matcher c = GLIBC.matcher(need.version());
            Matcher cxx = GLIBCXX.matcher(need.version());
            if (c.matches()) {
                glibc = max(glibc, DottedVersion.parse(c.group(1)));
            } else if (cxx.matches()) {
                glibcxx = max(glibcxx, DottedVersion.parse(cxx.group(1)));
            }
        }
        return new NativeRequirement(file, glibc, glibcxx);
    }

    private static DottedVersion max(DottedVersion a, DottedVersion b) {
        return a == null || b.compareTo(a) > 0 ? b : a;
    }

    /** The versions this library needs that {@code os} lacks ({@code GLIBC_2.34}); empty when it loads there. */
    public List<String> missingOn(AmazonLinux os) {
        List<String> missing = new ArrayList<>();
        if (glibc != null && !os.glibc().atLeast(glibc)) {
            missing.add("GLIBC_" + glibc);
        }
        if (glibcxx != null && !os.glibcxx().atLeast(glibcxx)) {
            missing.add("GLIBCXX_" + glibcxx);
        }
        return missing;
    }
}
