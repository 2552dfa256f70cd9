package lambert.toolkit.verify;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A second set of real prose, never tuned on: 600 English sentences from the Javadoc of Apache Commons Math
 * 3.6.1 and Lang 3.14.0 (Apache License 2.0; source, licence and how they were picked in
 * {@code prose/README.md} next to the file). For accuracy checks of quantised models beside the built-in
 * {@link VerifyTexts}, in tests and benchmarks (through the toolkit's test-jar).
 */
public final class ProseTexts {
    /** The classpath resource: one sentence per line. */
    public static final String RESOURCE = "prose/commons-javadoc-sentences.txt";

    private ProseTexts() {}

    /** The 600 sentences, in file order. */
    public static List<String> commonsJavadoc() {
        try (InputStream in = ProseTexts.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not on the classpath (the toolkit's test resources)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }
}
