package lambert.toolkit.cost;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import lambert.base.json.Json;
import lambert.base.json.JsonException;
import lambert.toolkit.BadInputException;
import lambert.toolkit.packaging.CpuArch;

/**
 * AWS Lambda prices for one region, as read on a date: the table every cost lambert prints comes from.
 * The built-in table is {@code lambert/prices.json} (us-east-1, first on-demand duration tier);
 * {@link #read(Path)} reads another in the same shape and names the field that is wrong.
 *
 * <pre>{@code
 * Prices p = Prices.DEFAULT;
 * double usd = p.perMillion(100, 1024, CpuArch.X86_64);   // 1.87, the request charge included
 * }</pre>
 *
 * @param date when the prices were read ({@code 2026-11})
 * @param region the AWS region they are for
 * @param source where they were read
 * @param requestPerMillion USD per million requests
 * @param x86 prices on x86_64
 * @param arm prices on arm64
 */
public record Prices(String date, String region, String source, double requestPerMillion, ArchPrices x86,
        ArchPrices arm) {

    /** The built-in table, {@code lambert/prices.json}. */
    public static final Prices DEFAULT = builtIn();

    /**
     * Per-architecture prices, USD per GB-second.
     *
     * @param durationGbSecond on-demand duration (INIT included on cold starts)
     * @param provisionedGbSecond provisioned concurrency, for as long as it is configured
     * @param provisionedDurationGbSecond duration of invocations served by provisioned concurrency
     */
    public record ArchPrices(double durationGbSecond, double provisionedGbSecond, double provisionedDurationGbSecond) {}

    /** The prices for an architecture. */
    public ArchPrices of(CpuArch architecture) {
        return architecture == CpuArch.ARM64 ? arm : x86;
    }

    /** USD per million warm invocations billed {@code billedMs} each at {@code memoryMb}, request charge included. */
    public double perMillion(long billedMs, int memoryMb, CpuArch architecture) {
        return requestPerMillion + 1_000_000 * gbSeconds(billedMs, memoryMb) * of(architecture).durationGbSecond();
    }

    /** As {@link #perMillion(long, int, CpuArch)}, with {@code arm} choosing arm64. */
    public double perMillion(long billedMs, int memoryMb, boolean arm) {
        return perMillion(billedMs, memoryMb, arm ? CpuArch.ARM64 : CpuArch.X86_64);
    }

    /** GB-seconds of {@code billedMs} at {@code memoryMb} (Lambda counts 1 GB as 1024 MB). */
    public static double gbSeconds(double billedMs, int memoryMb) {
        return billedMs / 1000.0 * memoryMb / 1024.0;
    }

    /** Reads a price table from a file; errors name the file and the field. */
    public static Prices read(Path file) throws IOException {
        return parse(Files.readAllBytes(file), file.toString());
    }

    /** Parses a price table; {@code origin} names it in errors. */
    static Prices parse(byte[] json, String origin) {
        Object root;
        try {
            root = Json.parse(json);
        } catch (JsonException e) {
            throw new BadInputException(origin + " is " + e.getMessage());
        }
        if (!(root instanceof Map)) {
            throw new BadInputException(origin + ": expected a JSON object, found " + Json.typeName(root));
        }
        Map<?, ?> map = (Map<?, ?>) root;
        for (Object key : map.keySet()) {
            if (!List.of("date", "region", "source", "request_per_million", "x86_64", "arm64").contains(key)) {
                throw new BadInputException(origin + ": unknown field \"" + key + "\", expected date, region, source, "
                        + "request_per_million, x86_64, arm64");
            }
        }
        return new Prices(text(map, "date", origin), text(map, "region", origin),
                map.get("source") == null ? "" : text(map, "source", origin),
                price(map, "request_per_million", "", origin), arch(map, "x86_64", origin), arch(map, "arm64", origin));
    }

    private static ArchPrices arch(Map<?, ?> root, String name, String origin) {
        Object value = root.get(name);
        if (!(value instanceof Map)) {
            throw new BadInputException(origin + ": field \"" + name + "\" must be an object with duration_gb_second, "
                    + "provisioned_gb_second and provisioned_duration_gb_second, found "
                    + (value == null ? "nothing" : Json.typeName(value)));
        }
        Map<?, ?> map = (Map<?, ?>) value;
        for (Object key : map.keySet()) {
            if (!List.of("duration_gb_second", "provisioned_gb_second", "provisioned_duration_gb_second")
                    .contains(key)) {
                throw new BadInputException(origin + ": unknown field \"" + name + "." + key + "\", expected "
                        + "duration_gb_second, provisioned_gb_second, provisioned_duration_gb_second");
            }
        }
        String prefix = name + ".";
        return new ArchPrices(price(map, "duration_gb_second", prefix, origin),
                price(map, "provisioned_gb_second", prefix, origin),
                price(map, "provisioned_duration_gb_second", prefix, origin));
    }

    private static String text(Map<?, ?> map, String field, String origin) {
        Object value = map.get(field);
        if (!(value instanceof String) || ((String) value).isBlank()) {
            throw new BadInputException(origin + ": field \"" + field + "\" must be a non-empty string, found "
                    + (value == null ? "nothing" : Json.typeName(value)));
        }
        return (String) value;
    }

    private static double price(Map<?, ?> map, String field, String prefix, String origin) {
        Object value = map.get(field);
        if (!(value instanceof Number)) {
            throw new BadInputException(origin + ": field \"" + prefix + field + "\" must be a number (USD), found "
                    + (value == null ? "nothing" : Json.typeName(value)));
        }
        double price = ((Number) value).doubleValue();
        if (!(price >= 0) || Double.isInfinite(price)) {
            throw new BadInputException(origin + ": field \"" + prefix + field + "\" must be zero or more, found "
                    + price);
        }
        return price;
    }

    private static Prices builtIn() {
        try (InputStream in = Prices.class.getResourceAsStream("/lambert/prices.json")) {
            if (in == null) {
                throw new IllegalStateException("lambert/prices.json is missing from lambert's classpath");
            }
            return parse(in.readAllBytes(), "lambert/prices.json");
        } catch (IOException e) {
            throw new UncheckedIOException("reading lambert/prices.json failed", e);
        }
    }
}
