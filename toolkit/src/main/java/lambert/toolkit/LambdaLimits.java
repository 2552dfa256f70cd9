package lambert.toolkit;

/**
 * AWS Lambda's limits on a function's configuration, in one place for the engines and the command line.
 *
 * <pre>{@code
 * LambdaLimits.MEMORY_MB.check(memoryMb); // BadInputException "memory must be between 128 and 10240 MB, found 99"
 * }</pre>
 */
public final class LambdaLimits {
    /** Memory size: 128 MB to 10,240 MB. */
    public static final Range MEMORY_MB = new Range("memory", 128, 10240, "MB");
    /** Timeout: 1 s to 900 s (15 minutes). */
    public static final Range TIMEOUT_SECONDS = new Range("timeout", 1, 900, "seconds");
    /** {@code /tmp} size: 512 MB (the default, and the most SnapStart supports) to 10,240 MB. */
    public static final Range EPHEMERAL_STORAGE_MB = new Range("ephemeral-storage", 512, 10240, "MB");
    /** The ephemeral storage every function gets unless configured otherwise, and the most SnapStart supports. */
    public static final int DEFAULT_EPHEMERAL_STORAGE_MB = 512;

    private LambdaLimits() {}

    /**
     * A range of whole numbers, both ends included.
     *
     * @param field the name of the setting, as errors say it
     * @param min the smallest value allowed
     * @param max the largest value allowed
     * @param unit the unit, as errors say it
     */
    public record Range(String field, int min, int max, String unit) {
        /** Whether {@code value} is allowed. */
        public boolean contains(long value) {
            return value >= min && value <= max;
        }

        /** {@code "between 128 and 10240 MB"}. */
        public String describe() {
            return "between " + min + " and " + max + " " + unit;
        }

        /**
         * {@code value} if allowed.
         *
         * @throws BadInputException naming {@link #field}: {@code "memory must be between 128 and 10240 MB, found 99"}
         */
        public int check(int value) {
            return check(value, "");
        }

        /**
         * {@code value} if allowed.
         *
         * @param why said in brackets after the range (such as {@code "Lambda's range"}), or empty
         * @throws BadInputException naming {@link #field}
         */
        public int check(int value, String why) {
            if (!contains(value)) {
                throw BadInputException.of(field + " must be " + describe() + (why.isEmpty() ? "" : " (" + why + ")")
                        + ", found " + value, field);
            }
            return value;
        }
    }
}
