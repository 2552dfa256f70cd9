package lambert.runtime.bundle;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Locale;

/**
 * What is at a path, for messages that say so instead of "does not exist": a regular file, a folder,
 * a named pipe, a device (such as {@code /dev/zero}), a socket, a symbolic link whose target is
 * missing, a loop of symbolic links, or nothing.
 *
 * <pre>{@code
 * PathKind kind = PathKind.of(Path.of("model.onnx"));
 * if (kind != PathKind.FILE) {
 *     throw new BundleException("model.onnx " + PathKind.describe(Path.of("model.onnx")) + "; expected a regular file");
 * }
 * }</pre>
 */
public enum PathKind {
    /** A regular file (after following links). */
    FILE("is a regular file"),
    /** A folder (after following links). */
    FOLDER("is a folder"),
    /** A named pipe (FIFO). */
    PIPE("is a named pipe (FIFO)"),
    /** A character device such as {@code /dev/zero}. */
    CHARACTER_DEVICE("is a character device"),
    /** A block device. */
    BLOCK_DEVICE("is a block device"),
    /** A Unix domain socket. */
    SOCKET("is a socket"),
    /** Something else that is neither a file nor a folder. */
    OTHER("is neither a file nor a folder"),
    /** A symbolic link whose target does not exist. */
    DANGLING_LINK("is a symbolic link to a path that does not exist"),
    /** Symbolic links that lead back to themselves. */
    LINK_LOOP("is a loop of symbolic links"),
    /** Nothing at all. */
    MISSING("does not exist");

    // The file-type bits of st_mode, as the "unix:mode" attribute gives them.
    private static final int TYPE_MASK = 0170000;
    private static final int FIFO_BITS = 0010000;
    private static final int CHARACTER_BITS = 0020000;
    private static final int BLOCK_BITS = 0060000;
    private static final int SOCKET_BITS = 0140000;

    private final String phrase;

    PathKind(String phrase) {
        this.phrase = phrase;
    }

    /** What this kind is, as a predicate: "is a named pipe (FIFO)". */
    public String phrase() {
        return phrase;
    }

    /** What is at {@code path}, following symbolic links. */
    public static PathKind of(Path path) {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(path, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            return Files.isSymbolicLink(path) ? DANGLING_LINK : MISSING;
        } catch (FileSystemException e) {
            // ELOOP: "Too many levels of symbolic links"; ENOTDIR: a file stands where a folder of the path should
            String reason = e.getReason() == null ? "" : e.getReason().toLowerCase(Locale.ROOT);
            if (reason.contains("not a directory")) {
                return MISSING;
            }
            return Files.isSymbolicLink(path) && reason.contains("symbolic links") ? LINK_LOOP : OTHER;
        } catch (IOException e) {
            return OTHER;
        }
        if (attributes.isRegularFile()) {
            return FILE;
        }
        if (attributes.isDirectory()) {
            return FOLDER;
        }
        try {
            int mode = (Integer) Files.getAttribute(path, "unix:mode") & TYPE_MASK;
            switch (mode) {
                case FIFO_BITS:
                    return PIPE;
                case CHARACTER_BITS:
                    return CHARACTER_DEVICE;
                case BLOCK_BITS:
                    return BLOCK_DEVICE;
                case SOCKET_BITS:
                    return SOCKET;
                default:
                    return OTHER;
            }
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException e) {
            return OTHER;
        }
    }

    /**
     * What is at {@code path}, as a predicate naming a link's target where it helps: "is a folder", "is a
     * symbolic link to /dev/zero, a character device", "is a loop of symbolic links", "does not exist".
     */
    public static String describe(Path path) {
        PathKind kind = of(path);
        if (kind != MISSING && kind != LINK_LOOP && Files.isSymbolicLink(path)) {
            try {
                Path target = Files.readSymbolicLink(path);
                String article = kind == DANGLING_LINK ? "" : ", " + kind.phrase.substring("is ".length());
                return "is a symbolic link to " + target + (kind == DANGLING_LINK ? ", which does not exist" : article);
            } catch (IOException | UnsupportedOperationException e) {
                return kind.phrase;
            }
        }
        return kind.phrase;
    }
}
