package lambert.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import lambert.base.json.Utf8;
import lambert.runtime.tokenize.Texts;

/**
 * Texts one per line, for {@code predict --file} (or standard input), {@code convert --texts} and {@code verify
 * --texts}: read as strict UTF-8, so that a byte that is not UTF-8 is refused with its offset (exit code 2) rather
 * than turned into U+FFFD or reported as "Input length = 1"; lines with nothing the tokenizer keeps (empty, spaces,
 * controls: {@link Texts#firstKept}) are skipped.
 */
final class TextFiles {
    private TextFiles() {}

    /** The texts of {@code source}: a file, or {@code -} for standard input. */
    static List<String> read(String source) throws IOException {
        if (source.equals("-")) {
            return texts(System.in.readAllBytes(), "standard input");
        }
        return read(Path.of(source));
    }

    /** The texts of {@code file}. */
    static List<String> read(Path file) throws IOException {
        return texts(Files.readAllBytes(file), file.toString());
    }

    private static List<String> texts(byte[] bytes, String what) {
        Utf8.Problem problem = Utf8.check(bytes);
        if (problem != null) {
            throw new UsageException(what + " is not valid UTF-8 " + problem
                    + "; expected UTF-8 text, one text per line");
        }
        return new String(bytes, StandardCharsets.UTF_8).lines().filter(line -> Texts.firstKept(line) >= 0)
                .collect(Collectors.toList());
    }
}
