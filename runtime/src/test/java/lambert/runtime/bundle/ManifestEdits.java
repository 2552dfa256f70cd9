package lambert.runtime.bundle;

/** Edits of {@code lambert.json} as {@link Manifest#toJson} writes it, for tests that load what they edit. */
final class ManifestEdits {
    private ManifestEdits() {}

    /**
     * {@code json} with the field that {@code field} ({@code "name" : value}) names set to that value, whatever its
     * value was (an object or array included); added first if absent.
     */
    static String setField(String json, String field) {
        String name = field.substring(0, field.indexOf(':')).trim();
        int start = json.indexOf(name + " : ");
        if (start < 0) {
            int open = json.indexOf('{') + 1;
            return json.substring(0, open) + "\n  " + field + "," + json.substring(open);
        }
        int end = start + name.length() + 3;
        char first = json.charAt(end);
        if (first == '{' || first == '[') {
            end = json.indexOf(first == '{' ? '}' : ']', end) + 1;
        } else {
            while (json.charAt(end) != ',' && json.charAt(end) != '\n') {
                end++;
            }
        }
        return json.substring(0, start) + field + json.substring(end);
    }
}
