package lambert.base.io;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Temp files and staging folders a build step writes before moving them into place, removed when the step ends and
 * also on Ctrl-C: SIGINT runs shutdown hooks but no {@code finally} blocks. A finished folder replaces an old one
 * with {@link #replaceFolder}, which puts the old one back if the swap fails, or is cut short by Ctrl-C. The hook is registered
 * before the first file exists and taken off again on {@link #close()}, so a process that writes
 * many files (tests, {@code serve}) does not collect hooks. Open the partial files without
 * {@code CREATE}, so that a file the hook removed is not made again by the writing thread, which
 * still runs while the hooks do.
 *
 * <pre>{@code
 * try (PartialFiles partials = PartialFiles.open("lambert-package")) {
 *     Path temp = partials.nextTo(target);
 *     // write temp, then move it onto target
 *     PartialFiles.replace(temp, target);
 * }
 * try (PartialFiles partials = PartialFiles.open("lambert-bundle")) {
 *     Path staging = partials.folderNextTo(bundle);
 *     // write the files into staging, then swap it in
 *     partials.replaceFolder(staging, bundle);
 * }
 * }</pre>
 */
public final class PartialFiles implements AutoCloseable {
    private final List<Path> files = new CopyOnWriteArrayList<>();
    private final List<Path> folders = new CopyOnWriteArrayList<>();
    /** Old folders moved aside by {@link #replaceFolder}, each with the target it goes back to. */
    private final List<Aside> movedAside = new CopyOnWriteArrayList<>();
    private final Thread hook;

    private PartialFiles(String name) {
        hook = new Thread(this::deleteQuietly, name + "-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /**
     * Writes {@code bytes} to {@code target} whole or not at all: into a temp file next to it (removed on failure or
     * Ctrl-C), then moved into place, replacing {@code target} if it exists. Creates the folder if needed.
     */
    public static void write(Path target, byte[] bytes) throws IOException {
        Path absolute = target.toAbsolutePath();
        Files.createDirectories(absolute.getParent());
        try (PartialFiles partials = open("lambert-write")) {
            Path temp = partials.nextTo(absolute);
            Files.write(temp, bytes, java.nio.file.StandardOpenOption.WRITE,
                    java.nio.file.StandardOpenOption.TRUNCATE_EXISTING);
            replace(temp, absolute);
        }
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
     * and then moving it into place ({@link #replace}); removed on close or Ctrl-C unless moved away first.
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
     * A new empty hidden folder next to {@code target} ({@code .<name>.partial-…} in its folder, which is created if
     * missing), for writing a folder and then swapping it in ({@link #replaceFolder}); removed with everything in it on
     * close or Ctrl-C unless moved away first.
     */
    public Path folderNextTo(Path target) throws IOException {
        return folderNextTo(target, ".partial-");
    }

    /** As {@link #folderNextTo(Path)}, the folder named {@code .<name><infix>…}. */
    public Path folderNextTo(Path target, String infix) throws IOException {
        Path absolute = target.toAbsolutePath().normalize();
        Files.createDirectories(absolute.getParent());
        Path folder = Files.createTempDirectory(absolute.getParent(), "." + absolute.getFileName() + infix);
        folders.add(folder);
        return folder;
    }

    /**
     * Moves the finished folder {@code staged} to {@code target}, atomically where the file system can. An existing
     * {@code target} is first moved aside (into a hidden {@code .<name>.old-…} folder next to it) and deleted once the
     * new one is in place; if the move fails, or Ctrl-C comes in between, the old one is put back.
     */
    public void replaceFolder(Path staged, Path target) throws IOException {
        Path absolute = target.toAbsolutePath().normalize();
        Aside aside = null;
        if (Files.exists(absolute)) {
            // Not one of this step's folders: close() must not delete the previous folder if it cannot go back.
            Path old = Files.createTempDirectory(absolute.getParent(), "." + absolute.getFileName() + ".old-");
            aside = new Aside(old, absolute);
            movedAside.add(aside);
            Files.move(absolute, old.resolve("previous"));
        }
        try {
            try {
                Files.move(staged, absolute, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(staged, absolute);
            }
        } catch (IOException | RuntimeException e) {
            // The old folder goes back whichever move failed.
            restore();
            throw e;
        }
        if (aside != null) {
            movedAside.remove(aside);
            Trees.delete(aside.folder());
        }
    }

    /**
     * Moves a finished temp file over {@code target}, atomically where the file system can, readable by all like any
     * build output (temp files start as 0600). An error names {@code target}, never the temp file.
     */
    public static void replace(Path temp, Path target) throws IOException {
        try {
            Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the default permissions stand
        }
        try {
            try {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (FileSystemException e) {
            // "…/.function.zip123.partial -> …/function.zip: Is a directory" would name a file the user never chose.
            throw naming(e, target, "cannot be replaced by the file written next to it");
        }
    }

    /**
     * {@code e} (about a temp file) as the same kind of exception about {@code file}, saying {@code what} and the
     * system's reason: "function.zip cannot be written (...): Read-only file system".
     */
    public static FileSystemException naming(FileSystemException e, Path file, String what) {
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

    /** Removes what is left of the files and folders, puts back an old folder not yet replaced, takes the hook off. */
    @Override
    public void close() throws IOException {
        try {
            for (Path file : files) {
                Files.deleteIfExists(file);
            }
            restore();
            for (Path folder : folders) {
                Trees.delete(folder);
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
        restore();
        for (Path folder : folders) {
            Trees.delete(folder);
        }
    }

    /**
     * Puts each old folder moved aside by an unfinished swap back in place. If something is in its place already (a
     * move into place that failed half-way), the old folder stays in the hidden {@code .old-} folder next to it,
     * never deleted.
     */
    private void restore() {
        for (Aside aside : movedAside) {
            Path previous = aside.folder().resolve("previous");
            try {
                if (Files.exists(previous) && !Files.exists(aside.target())) {
                    Files.move(previous, aside.target());
                }
                if (!Files.exists(previous)) {
                    Trees.delete(aside.folder());
                }
            } catch (IOException ignored) {
                // the previous folder stays in the hidden .old- folder next to the target
            }
            movedAside.remove(aside);
        }
    }

    /** A hidden folder holding the previous {@code target} (as {@code previous}) while a new one is swapped in. */
    private record Aside(Path folder, Path target) {}
}
