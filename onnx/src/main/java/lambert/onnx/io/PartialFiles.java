package lambert.onnx.io;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Temp files a build step writes before moving them into place, removed when the step ends and
 * also on Ctrl-C: SIGINT runs shutdown hooks but no {@code finally} blocks. The hook is registered
 * before the first file exists and taken off again on {@link #close()}, so a process that writes
 * many files (tests, {@code serve}) does not collect hooks. Open the partial files without
 * {@code CREATE}, so that a file the hook removed is not made again by the writing thread, which
 * still runs while the hooks do.
 *
 * <pre>{@code
 * try (PartialFiles partials = PartialFiles.open("lambert-package")) {
 *     Path temp = partials.nextTo(target);
 *     // write temp, then move it onto target
 * }
 * }</pre>
 */
public final class PartialFiles implements AutoCloseable {
    private final List<Path> files = new CopyOnWriteArrayList<>();
    private final Thread hook;

    private PartialFiles(String name) {
        hook = new Thread(this::deleteQuietly, name + "-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Registers the shutdown hook; {@code name} names its thread. */
    public static PartialFiles open(String name) {
        return new PartialFiles(name);
    }

    /** A new empty temp file in {@code dir}, removed on close or Ctrl-C unless moved away first. */
    public Path create(Path dir, String prefix, String suffix) throws IOException {
        Path file = Files.createTempFile(dir, prefix, suffix);
        files.add(file);
        return file;
    }

    /**
     * A new empty temp file next to {@code target} ({@code .<name>…partial} in its folder), for writing {@code target}
     * and then moving it into place ({@link ModelFiles#replace}); removed on close or Ctrl-C unless moved away first.
     * An error names {@code target}, the file the user asked for, never the temp file.
     */
    public Path nextTo(Path target) throws IOException {
        Path absolute = target.toAbsolutePath();
        try {
            return create(absolute.getParent(), "." + absolute.getFileName(), ".partial");
        } catch (FileSystemException e) {
            throw naming(e, target, "cannot be written (a temp file in " + absolute.getParent() + " could not be made)");
        }
    }

    /**
     * {@code e} (about a temp file) as the same kind of exception about {@code file}, saying {@code what} and the
     * system's reason: "function.zip cannot be written (...): Read-only file system".
     */
    static FileSystemException naming(FileSystemException e, Path file, String what) {
        String reason = what + (e.getReason() == null ? "" : ": " + e.getReason());
        FileSystemException renamed;
        if (e instanceof AccessDeniedException) {
            renamed = new AccessDeniedException(file.toString(), null, reason);
        } else if (e instanceof NoSuchFileException) {
            renamed = new NoSuchFileException(file.toString(), null, reason);
        } else if (e instanceof FileAlreadyExistsException) {
            renamed = new FileAlreadyExistsException(file.toString(), null, reason);
        } else {
            renamed = new FileSystemException(file.toString(), null, reason);
        }
        renamed.initCause(e);
        return renamed;
    }

    /** Removes what is left of the files and takes the hook off. */
    @Override
    public void close() throws IOException {
        try {
            for (Path file : files) {
                Files.deleteIfExists(file);
            }
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or has run
            }
        }
    }

    private void deleteQuietly() {
        for (Path file : files) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // best effort at shutdown
            }
        }
    }
}
