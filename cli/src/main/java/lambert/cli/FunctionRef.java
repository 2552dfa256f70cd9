package lambert.cli;

/**
 * A deployed function as {@code --function} names it: {@code NAME}, {@code NAME:ALIAS} (or a version), or an ARN.
 *
 * @param name the name, or the whole ARN
 * @param qualifier the alias or version after the colon, or null
 */
record FunctionRef(String name, String qualifier) {
    /**
     * Parses {@code --function}'s value.
     *
     * @throws UsageException if a colon leaves the name or the alias empty
     */
    static FunctionRef parse(String function) {
        if (function.startsWith("arn:")) {
            return new FunctionRef(function, null);
        }
        int colon = function.indexOf(':');
        if (colon == 0 || colon == function.length() - 1) {
            throw new UsageException("--function must be NAME or NAME:ALIAS, found \"" + function + "\"");
        }
        return colon < 0 ? new FunctionRef(function, null)
                : new FunctionRef(function.substring(0, colon), function.substring(colon + 1));
    }
}
