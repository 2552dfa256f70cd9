package lambert.toolkit.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.TreeSet;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import lambert.runtime.testing.TestModels;

/**
 * What the packaging tests look for in a function zip, and the bundle they package when the pure-Java tokenizer must
 * not take the model (so the package carries the Hugging Face tokenizer, its library and DJL's jars).
 */
final class PackageContents {
    /**
     * The jars a package of a bundle the pure-Java tokenizer reproduces needs, by name without version: lambert's
     * runtime and handler, ONNX Runtime's binding, the JSON parser, Lambda's handler interface and CRaC's hooks
     * (SnapStart). Written out by hand from the function's imports, not read from the packager.
     */
    static final List<String> WORDPIECE_JARS = List.of("aws-lambda-java-core", "crac", "jackson-core", "lambert-base",
            "lambert-lambda", "lambert-runtime", "onnxruntime");
    /** What the Hugging Face tokenizer adds: DJL's JNI binding and its api jar, and SLF4J, through which DJL logs. */
    static final List<String> TOKENIZER_JARS = List.of("api", "slf4j-api", "slf4j-nop", "tokenizers");

    private PackageContents() {}

    /** The zip's {@code lib/*.jar}, by name without the version ({@code lib/api-0.38.0.jar} is {@code api}). */
    static List<String> jars(Path zip) throws IOException {
        try (ZipFile z = new ZipFile(zip.toFile())) {
            return Collections.list(z.entries()).stream().map(ZipEntry::getName)
                    .filter(n -> n.startsWith("lib/") && n.endsWith(".jar"))
                    .map(n -> n.substring("lib/".length()).replaceAll("-\\d.*", "")).sorted().toList();
        }
    }

    /** {@link #WORDPIECE_JARS} and {@link #TOKENIZER_JARS}, sorted. */
    static List<String> nativeTokenizerJars() {
        return List.copyOf(new TreeSet<>(concat(WORDPIECE_JARS, TOKENIZER_JARS)));
    }

    /**
     * The classes in the zip's jars whose constant pool names a class in one of {@code packages} ({@code ai/djl/}): a
     * plain search of each class file's bytes for the internal name, which a reference to the class, its fields or
     * methods, or a signature using it, must contain.
     */
    static List<String> classesReferring(Path zip, List<String> packages) throws IOException {
        List<String> found = new ArrayList<>();
        try (ZipFile z = new ZipFile(zip.toFile())) {
            for (ZipEntry jar : Collections.list(z.entries())) {
                if (!jar.getName().startsWith("lib/") || !jar.getName().endsWith(".jar")) {
                    continue;
                }
                byte[] bytes;
                try (InputStream in = z.getInputStream(jar)) {
                    bytes = in.readAllBytes();
                }
                try (ZipInputStream classes = new ZipInputStream(new ByteArrayInputStream(bytes))) {
                    for (ZipEntry c = classes.getNextEntry(); c != null; c = classes.getNextEntry()) {
                        if (!c.getName().endsWith(".class")) {
                            continue;
                        }
                        String text = new String(classes.readAllBytes(), StandardCharsets.ISO_8859_1);
                        if (packages.stream().anyMatch(text::contains)) {
                            found.add(c.getName());
                        }
                    }
                }
            }
        }
        Collections.sort(found);
        return found;
    }

    /**
     * A copy of the real int8 MiniLM bundle in {@code folder} whose {@code [MASK]} token strips the space before it
     * ({@code lstrip}): a tokenizer the pure-Java one declines, so the function tokenizes with the Hugging Face library.
     * Texts without {@code [MASK]} tokenize as before.
     */
    static Path nativeTokenizerBundle(Path folder) throws IOException {
        Files.createDirectories(folder);
        try (var files = Files.list(TestModels.minilmInt8())) {
            for (Path f : files.toList()) {
                Files.copy(f, folder.resolve(f.getFileName()));
            }
        }
        String json = Files.readString(folder.resolve("tokenizer.json"));
        int mask = json.indexOf("\"content\": \"[MASK]\"");
        int lstrip = json.indexOf("\"lstrip\": false", mask);
        assertThat(mask).isPositive();
        Files.writeString(folder.resolve("tokenizer.json"), json.substring(0, lstrip) + "\"lstrip\": true"
                + json.substring(lstrip + "\"lstrip\": false".length()));
        return folder;
    }

    /**
     * Writes {@code to}, a copy of the zip {@code from} with the entries named in {@code edits} replaced by what their
     * function returns for the old content (null: left out); every entry keeps its Unix mode and time, so a custom
     * runtime's {@code bootstrap} stays executable.
     */
    static Path edited(Path from, Path to, java.util.Map<String, java.util.function.UnaryOperator<byte[]>> edits)
            throws IOException {
        Files.createDirectories(to.toAbsolutePath().getParent());
        try (org.apache.commons.compress.archivers.zip.ZipFile source =
                        org.apache.commons.compress.archivers.zip.ZipFile.builder().setFile(from.toFile()).get();
                org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream out =
                        new org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream(to.toFile())) {
            for (org.apache.commons.compress.archivers.zip.ZipArchiveEntry e : Collections.list(source.getEntries())) {
                byte[] content;
                try (InputStream in = source.getInputStream(e)) {
                    content = in.readAllBytes();
                }
                java.util.function.UnaryOperator<byte[]> edit = edits.get(e.getName());
                if (edit != null) {
                    content = edit.apply(content);
                    if (content == null) {
                        continue;
                    }
                }
                org.apache.commons.compress.archivers.zip.ZipArchiveEntry copy =
                        new org.apache.commons.compress.archivers.zip.ZipArchiveEntry(e.getName());
                copy.setUnixMode(e.getUnixMode());
                copy.setTime(e.getTime());
                out.putArchiveEntry(copy);
                out.write(content);
                out.closeArchiveEntry();
            }
        }
        return to;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
