package lambert.cli.emulator;

/**
 * AWS Lambda on-demand prices, us-east-1, first usage tier, as published on the AWS Lambda pricing page.
 *
 * @param date when these prices were read
 * @param requestPerMillion USD per million requests
 * @param x86GbSecond USD per GB-second of duration on x86_64
 * @param armGbSecond USD per GB-second of duration on arm64
 */
public record Prices(String date, double requestPerMillion, double x86GbSecond, double armGbSecond) {
    /** The prices lambert uses unless told otherwise. */
    public static final Prices US_EAST_1 = new Prices("2026-11", 0.20, 0.0000166667, 0.0000133334);

    /** USD per million invocations of {@code billedMs} at {@code memoryMb}, request charge included. */
    public double perMillion(long billedMs, int memoryMb, boolean arm) {
        double gbSeconds = billedMs / 1000.0 * memoryMb / 1024.0;
        return requestPerMillion + 1_000_000 * gbSeconds * (arm ? armGbSecond : x86GbSecond);
    }
}
