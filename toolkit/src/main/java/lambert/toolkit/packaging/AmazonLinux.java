package lambert.toolkit.packaging;

/**
 * The operating systems under Lambda's managed runtimes, with the versions of the two system
 * libraries a native library may need: glibc (symbol versions {@code GLIBC_x.y}) and GCC's C++
 * library, libstdc++ ({@code GLIBCXX_3.4.z}). Sources: Amazon Linux 2 ships glibc 2.26 and GCC 7.3,
 * whose libstdc++ defines up to {@code GLIBCXX_3.4.24}; Amazon Linux 2023's core toolchain is glibc
 * 2.34 and GCC 11, up to {@code GLIBCXX_3.4.29} (AWS, "Core toolchain packages glibc, gcc, binutils"
 * in the AL2023 user guide).
 */
public enum AmazonLinux {
    /** Amazon Linux 2: glibc 2.26, libstdc++ of GCC 7.3. */
    AL2("Amazon Linux 2", "2.26", "3.4.24"),
    /** Amazon Linux 2023: glibc 2.34, libstdc++ of GCC 11. */
    AL2023("Amazon Linux 2023", "2.34", "3.4.29");

    private final String displayName;
    private final DottedVersion glibc;
    private final DottedVersion glibcxx;

    AmazonLinux(String displayName, String glibc, String glibcxx) {
        this.displayName = displayName;
        this.glibc = DottedVersion.parse(glibc);
        this.glibcxx = DottedVersion.parse(glibcxx);
    }

    /** {@code Amazon Linux 2023}. */
    public String displayName() {
        return displayName;
    }

    /** The highest {@code GLIBC_} version its glibc defines. */
    public DottedVersion glibc() {
        return glibc;
    }

    /** The highest {@code GLIBCXX_} version its libstdc++ defines. */
    public DottedVersion glibcxx() {
        return glibcxx;
    }

    /** {@code Amazon Linux 2023 (glibc 2.34, GLIBCXX_3.4.29)}. */
    public String describe() {
        return displayName + " (glibc " + glibc + ", GLIBCXX_" + glibcxx + ")";
    }
}
