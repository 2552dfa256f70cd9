package lambert.toolkit.batch;

import java.util.List;

/** RFC 4180 fields: commas between fields, double quotes around a field that holds commas, quotes or line breaks. */
final class Csv {
    private Csv() {}

    /**
     * Splits {@code record} into {@code cells} (cleared first); false when a quoted field is still open at the end,
     * so the caller appends the next line and splits again.
     */
    static boolean split(CharSequence record, List<String> cells) {
        cells.clear();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        boolean wasQuoted = false;
        for (int i = 0; i < record.length(); i++) {
            char c = record.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < record.length() && record.charAt(i + 1) == '"') {
                        cell.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    cell.append(c);
                }
            } else if (c == ',') {
                cells.add(cell.toString());
                cell.setLength(0);
                wasQuoted = false;
            } else if (c == '"' && cell.length() == 0 && !wasQuoted) {
                quoted = true;
                wasQuoted = true;
            } else {
                cell.append(c);
            }
        }
        if (quoted) {
            return false;
        }
        cells.add(cell.toString());
        return true;
    }
}
