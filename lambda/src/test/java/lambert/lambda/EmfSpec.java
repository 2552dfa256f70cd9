package lambert.lambda;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rules of CloudWatch's embedded metric format, written from its specification
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html),
 * not from lambert's output: a root member {@code _aws} with {@code Timestamp} (milliseconds since the epoch) and
 * {@code CloudWatchMetrics}, an array of metric directives; each directive has a {@code Namespace} (1 to 1024
 * characters), {@code Dimensions} (an array of dimension sets, each an array of at most 30 names that each refer to a
 * root member with a string value) and {@code Metrics} (at most 100 definitions, each with a {@code Name} of 1 to 1024
 * characters that refers to a root member with a number or an array of at most 100 numbers, an optional {@code Unit}
 * from CloudWatch's list, and an optional {@code StorageResolution} of 1 or 60).
 */
final class EmfSpec {
    /** CloudWatch's units (MetricDatum.Unit). */
    static final Set<String> UNITS = Set.of("Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes",
            "Megabytes", "Gigabytes", "Terabytes", "Bits", "Kilobits", "Megabits", "Gigabits", "Terabits", "Percent",
            "Count", "Bytes/Second", "Kilobytes/Second", "Megabytes/Second", "Gigabytes/Second", "Terabytes/Second",
            "Bits/Second", "Kilobits/Second", "Megabits/Second", "Gigabits/Second", "Terabits/Second", "Count/Second",
            "None");

    private EmfSpec() {}

    /** What in {@code root} breaks the specification; empty if it is a valid EMF document. */
    static List<String> violations(Map<?, ?> root) {
        List<String> out = new ArrayList<>();
        if (!(root.get("_aws") instanceof Map<?, ?> aws)) {
            out.add("no _aws object");
            return out;
        }
        if (!(aws.get("Timestamp") instanceof Long)) {
            out.add("_aws.Timestamp is not an integer number of milliseconds: " + aws.get("Timestamp"));
        }
        if (!(aws.get("CloudWatchMetrics") instanceof List<?> directives)) {
            out.add("_aws.CloudWatchMetrics is not an array");
            return out;
        }
        for (Object d : directives) {
            if (!(d instanceof Map<?, ?> directive)) {
                out.add("a metric directive is not an object");
                continue;
            }
            if (!(directive.get("Namespace") instanceof String ns) || ns.isEmpty() || ns.length() > 1024) {
                out.add("Namespace is not a string of 1 to 1024 characters: " + directive.get("Namespace"));
            }
            if (!(directive.get("Dimensions") instanceof List<?> sets)) {
                out.add("Dimensions is not an array");
            } else {
                for (Object s : sets) {
                    if (!(s instanceof List<?> set) || set.size() > 30) {
                        out.add("a dimension set is not an array of at most 30 names: " + s);
                        continue;
                    }
                    for (Object name : set) {
                        if (!(name instanceof String) || !(root.get(name) instanceof String)) {
                            out.add("dimension " + name + " is not a root member with a string value");
                        }
                    }
                }
            }
            if (!(directive.get("Metrics") instanceof List<?> metrics) || metrics.size() > 100) {
                out.add("Metrics is not an array of at most 100 definitions");
                continue;
            }
            for (Object m : metrics) {
                if (!(m instanceof Map<?, ?> metric)) {
                    out.add("a metric definition is not an object");
                    continue;
                }
                Object name = metric.get("Name");
                if (!(name instanceof String n) || n.isEmpty() || n.length() > 1024) {
                    out.add("metric Name is not a string of 1 to 1024 characters: " + name);
                    continue;
                }
                Object value = root.get(name);
                boolean numbers = value instanceof List<?> list && list.size() <= 100
                        && list.stream().allMatch(v -> v instanceof Number);
                if (!(value instanceof Number) && !numbers) {
                    out.add("metric " + name + " is not a root member with a number value: " + value);
                }
                if (metric.containsKey("Unit") && !UNITS.contains(metric.get("Unit"))) {
                    out.add("metric " + name + " has a unit CloudWatch does not know: " + metric.get("Unit"));
                }
                if (metric.containsKey("StorageResolution") && !List.of(1L, 60L).contains(metric.get("StorageResolution"))) {
                    out.add("metric " + name + " has a StorageResolution other than 1 or 60");
                }
            }
        }
        return out;
    }
}
