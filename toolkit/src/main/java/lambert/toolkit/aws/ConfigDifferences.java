package lambert.toolkit.aws;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import lambert.toolkit.LambdaLimits;
import lambert.toolkit.packaging.FunctionConfig;
import software.amazon.awssdk.services.lambda.model.FunctionConfiguration;
import software.amazon.awssdk.services.lambda.model.SnapStartApplyOn;

/** What a deploy would change in a function's configuration, said for people. */
final class ConfigDifferences {
    private ConfigDifferences() {}

    /**
     * The settings of {@code c} that differ from {@code spec} with {@code environment}, {@code role} and
     * {@code snapStart}, as "memory 1769 -> 512 MB" for people.
     */
    static List<String> between(FunctionConfiguration c, DeploySpec spec, Map<String, String> environment,
            String role, SnapStartApplyOn snapStart) {
        List<String> d = new ArrayList<>();
        if (!Objects.equals(c.runtimeAsString(), spec.runtime())) {
            d.add("runtime " + c.runtimeAsString() + " -> " + spec.runtime());
        }
        if (!Objects.equals(c.handler(), spec.handler())) {
            d.add("handler " + c.handler() + " -> " + spec.handler());
        }
        if (c.memorySize() == null || c.memorySize() != spec.memoryMb()) {
            d.add("memory " + c.memorySize() + " -> " + spec.memoryMb() + " MB");
        }
        if (c.timeout() == null || c.timeout() != spec.timeoutSeconds()) {
            d.add("timeout " + c.timeout() + " -> " + spec.timeoutSeconds() + " s");
        }
        Map<String, String> env = c.environment() == null || c.environment().variables() == null ? Map.of()
                : c.environment().variables();
        if (!new TreeMap<>(env).equals(environment)) {
            Set<String> changed = new TreeSet<>(env.keySet());
            changed.addAll(environment.keySet());
            changed.removeIf(k -> Objects.equals(env.get(k), environment.get(k)));
            d.add("environment " + String.join(", ", changed.stream().map(k -> describe(k, env.get(k),
                    environment.get(k))).toList()));
        }
        int ephemeral = c.ephemeralStorage() == null || c.ephemeralStorage().size() == null
                ? LambdaLimits.DEFAULT_EPHEMERAL_STORAGE_MB
                : c.ephemeralStorage().size();
        if (ephemeral != spec.ephemeralStorageMb()) {
            d.add("ephemeral storage " + ephemeral + " -> " + spec.ephemeralStorageMb() + " MB");
        }
        if (!Objects.equals(c.role(), role)) {
            d.add("role " + c.role() + " -> " + role);
        }
        SnapStartApplyOn snap = c.snapStart() == null || c.snapStart().applyOn() == null ? SnapStartApplyOn.NONE
                : c.snapStart().applyOn();
        if (snap != snapStart) {
            d.add("SnapStart " + snap + " -> " + snapStart);
        }
        return d;
    }

    /** A changed variable for people; the C1-only flag coming or going is named, with why. */
    private static String describe(String key, String was, String now) {
        if (key.equals("JAVA_TOOL_OPTIONS") && was != null && now != null) {
            String c1 = FunctionConfig.C1_ONLY;
            if (was.contains(c1) && !now.contains(c1)) {
                return key + " without " + c1 + " (environments initialised ahead of requests: priming reaches C2)";
            }
            if (!was.contains(c1) && now.contains(c1)) {
                return key + " with " + c1 + " again (on demand: C1 only, for a shorter INIT)";
            }
        }
        return key;
    }
}
