package lambert.toolkit.packaging;

import java.util.ArrayList;
import java.util.List;

/**
 * A version made of numbers and dots, as in {@code GLIBC_2.34} or {@code GLIBCXX_3.4.29}, compared
 * number by number ({@code 2.9 < 2.34}), a missing number counting as 0.
 *
 * @param parts the numbers, most significant first
 */
public record DottedVersion(List<Integer> parts) implements Comparable<DottedVersion> {

    public DottedVersion {
        parts = List.copyOf(parts);
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("a version needs at least one number");
        }
    }

    /** Parses {@code 2.34}; refuses anything but numbers separated by single dots. */
    public static DottedVersion parse(String text) {
        if (text == null || !text.matches("[0-9]{1,9}(\\.[0-9]{1,9})*")) {
            throw new IllegalArgumentException("expected a version such as 2.34, found "
                    + (text == null ? "nothing" : "\"" + text + "\""));
        }
        List<Integer> parts = new ArrayList<>();
        for (String part : text.split("\\.")) {
            parts.add(Integer.parseInt(part));
        }
        return new DottedVersion(parts);
    }

    @Override
    public int compareTo(DottedVersion other) {
        for (int i = 0; i < Math.max(parts.size(), other.parts.size()); i++) {
            int a = i < parts.size() ? parts.get(i) : 0;
            int b = i < other.parts.size() ? other.parts.get(i) : 0;
            if (a != b) {
                return Integer.compare(a, b);
            }
        }
        return 0;
    }

    /** Whether this version is at least {@code other}. */
    public boolean atLeast(DottedVersion other) {
        return compareTo(other) >= 0;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        for (int part : parts) {
            s.append(s.length() == 0 ? "" : ".").append(part);
        }
        return s.toString();
    }
}
