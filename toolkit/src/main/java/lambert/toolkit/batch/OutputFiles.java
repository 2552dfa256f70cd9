package lambert.toolkit.batch;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import lambert.base.io.PartialFiles;
import lambert.base.json.Json;
import lambert.base.json.JsonException;
import lambert.toolkit.BadInputException;

/**
 * A run's files: the output JSONL, the rejects JSONL and the optional {@code .npy} matrix, each written to
 * {@code FILE.partial} and moved into place at the end, and the progress file {@code OUT.progress}. Chunks are written
 * in input order; after each one the partial files are forced to disk and then one line is appended to the progress
 * file (and forced): the chunk, its last input line, and the partial files' sizes. A resumed run cuts the partial
 * files back to the sizes of the last complete progress line and continues after its last input line, so nothing is
 * written twice and nothing is missing. The progress file's first line holds the settings that decide the output
 * (input, format, packing limits); a resume with other settings is refused.
 */
final class OutputFiles implements AutoCloseable {
    /** The NPY v1.0 header's total length, a multiple of 64 as numpy writes it. */
    static final int NPY_HEADER = 128;

    /**
     * Where a run writes.
     *
     * @param out the output JSONL
     * @param rejects the rejects JSONL
     * @param npy the float32 matrix, or null
     */
    record Paths(Path out, Path rejects, Path npy) {
        Path progress() {
            return out.resolveSibling(out.getFileName() + ".progress");
        }

        static Path partial(Path file) {
            return file.resolveSibling(file.getFileName() + ".partial");
        }
    }

    /** Where a resumed run stands. */
    record Position(long nextChunk, long lastLine, long done, long rejected, long rows) {}

    private final Paths paths;
    private final FileChannel out;
    private final FileChannel rejects;
    private final FileChannel npy;
    private final FileChannel progress;
    private final int dimensions;
    private Position position;

    private OutputFiles(Paths paths, FileChannel out, FileChannel rejects, FileChannel npy, FileChannel progress,
            int dimensions, Position position) {
        this.paths = paths;
        this.out = out;
        this.rejects = rejects;
        this.npy = npy;
        this.progress = progress;
        this.dimensions = dimensions;
        this.position = position;
    }

    /**
     * Starts a run: refuses to overwrite an output without {@code force}, or to start over an interrupted run's
     * progress, and creates empty partial files and the progress file with {@code settings} on its first line.
     */
    static OutputFiles start(Paths paths, String settings, int dimensions, boolean force) throws IOException {
        if (Files.exists(paths.progress())) {
            throw BadInputException.of(paths.progress() + " holds the progress of an interrupted run into "
                    + paths.out() + ": resume it (resume), or delete the file to start again", "resume");
        }
        if (!force && Files.exists(paths.out())) {
            throw BadInputException.of(paths.out() + " exists; choose another output (out) or overwrite it (force)",
                    "out", "force");
        }
        FileChannel out = open(Paths.partial(paths.out()));
        FileChannel rejects = open(Paths.partial(paths.rejects()));
        FileChannel npy = paths.npy() == null ? null : open(Paths.partial(paths.npy()));
        if (npy != null) {
            npy.write(ByteBuffer.wrap(npyHeader(0, dimensions)));
        }
        FileChannel progress = FileChannel.open(paths.progress(), StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE);
        progress.write(ByteBuffer.wrap((settings + "\n").getBytes(StandardCharsets.UTF_8)));
        force(out, rejects, npy);
        progress.force(true);
        return new OutputFiles(paths, out, rejects, npy, progress, dimensions, new Position(0, 0, 0, 0, 0));
    }

    /**
     * Resumes an interrupted run from its progress file, which must hold the same {@code settings}; the partial files
     * are cut back to what the last complete progress line records.
     */
    static OutputFiles resume(Paths paths, String settings, int dimensions) throws IOException {
        Path file = paths.progress();
        if (!Files.exists(file)) {
            throw BadInputException.of("there is nothing to resume: " + file + " does not exist (a run that finished "
                    + "deletes it; one that never started has none)", "resume");
        }
        byte[] bytes = Files.readAllBytes(file);
        String text = new String(bytes, StandardCharsets.UTF_8);
        List<String> lines = text.lines().toList();
        int complete = text.endsWith("\n") ? lines.size() : lines.size() - 1;
        if (complete < 1 || !lines.get(0).equals(settings)) {
            throw BadInputException.of(file + " was written by a run with other settings (" + (complete < 1 ? "none"
                    : lines.get(0)) + "), not " + settings + "; resume with the same input and options, or delete "
                    + "it to start again", "resume");
        }
        Position position = new Position(0, 0, 0, 0, 0);
        long outBytes = 0;
        long rejectsBytes = 0;
        long keep = lines.get(0).getBytes(StandardCharsets.UTF_8).length + 1;
        for (int i = 1; i < complete; i++) {
            Map<?, ?> m;
            try {
                m = (Map<?, ?>) Json.parse(lines.get(i).getBytes(StandardCharsets.UTF_8));
            } catch (JsonException | ClassCastException e) {
                throw new BadInputException(file + " line " + (i + 1) + " is not a progress record: "
                        + e.getMessage());
            }
            position = new Position(number(m, "chunk") + 1, number(m, "last_line"), number(m, "done"),
                    number(m, "rejected"), number(m, "rows"));
            outBytes = number(m, "out");
            rejectsBytes = number(m, "rejects");
            keep += lines.get(i).getBytes(StandardCharsets.UTF_8).length + 1;
        }
        FileChannel out = cut(Paths.partial(paths.out()), outBytes);
        FileChannel rejects = cut(Paths.partial(paths.rejects()), rejectsBytes);
        FileChannel npy = paths.npy() == null ? null : cut(Paths.partial(paths.npy()),
                NPY_HEADER + position.rows() * dimensions * (long) Float.BYTES);
        FileChannel progress = FileChannel.open(file, StandardOpenOption.WRITE);
        progress.truncate(keep);
        progress.position(keep);
        return new OutputFiles(paths, out, rejects, npy, progress, dimensions, position);
    }

    private static long number(Map<?, ?> m, String field) {
        return ((Number) m.get(field)).longValue();
    }

    private static FileChannel open(Path file) throws IOException {
        return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
    }

    private static FileChannel cut(Path file, long size) throws IOException {
        if (!Files.exists(file) || Files.size(file) < size) {
            throw new BadInputException(file + " is " + (Files.exists(file) ? Files.size(file) + " bytes" : "missing")
                    + " but the progress file records " + size + " bytes written to it; delete the progress file to "
                    + "start again");
        }
        FileChannel c = FileChannel.open(file, StandardOpenOption.WRITE);
        c.truncate(size);
        c.position(size);
        return c;
    }

    /** Where the run stands. */
    Position position() {
        return position;
    }

    /**
     * Appends one finished chunk: its output lines, rejects lines and matrix rows (float32, little-endian), then the
     * progress line that makes them count.
     */
    void append(long chunk, long lastLine, byte[] outLines, byte[] rejectLines, ByteBuffer rows, int done,
            int rejected) throws IOException {
        write(out, ByteBuffer.wrap(outLines));
        write(rejects, ByteBuffer.wrap(rejectLines));
        long rowCount = 0;
        if (npy != null && rows != null) {
            rowCount = rows.remaining() / ((long) dimensions * Float.BYTES);
            write(npy, rows);
        }
        force(out, rejects, npy);
        position = new Position(chunk + 1, lastLine, position.done() + done, position.rejected() + rejected,
                position.rows() + rowCount);
        String line = String.format(Locale.ROOT, "{\"chunk\":%d,\"last_line\":%d,\"out\":%d,\"rejects\":%d,"
                + "\"rows\":%d,\"done\":%d,\"rejected\":%d}%n", chunk, lastLine, out.position(), rejects.position(),
                position.rows(), position.done(), position.rejected());
        write(progress, ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8)));
        progress.force(false);
    }

    /**
     * Ends the run: writes the matrix's shape into its header, moves every partial file into place (the rejects file
     * only when a line was rejected; an older one is deleted) and deletes the progress file.
     */
    void finish() throws IOException {
        if (npy != null) {
            npy.write(ByteBuffer.wrap(npyHeader(position.rows(), dimensions)), 0);
        }
        force(out, rejects, npy);
        closeChannels();
        PartialFiles.replace(Paths.partial(paths.out()), paths.out());
        if (npy != null) {
            PartialFiles.replace(Paths.partial(paths.npy()), paths.npy());
        }
        if (position.rejected() > 0) {
            PartialFiles.replace(Paths.partial(paths.rejects()), paths.rejects());
        } else {
            Files.deleteIfExists(Paths.partial(paths.rejects()));
            Files.deleteIfExists(paths.rejects());
        }
        Files.deleteIfExists(paths.progress());
    }

    /**
     * The NPY format version 1.0 header for a C-order little-endian float32 matrix of {@code rows} x {@code columns}:
     * the magic string, the version, the header's length (2 bytes little-endian) and a Python dict literal padded
     * with spaces and a newline to {@value #NPY_HEADER} bytes in all.
     */
    static byte[] npyHeader(long rows, int columns) {
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + rows + ", " + columns + "), }";
        int headerLength = NPY_HEADER - 10;
        StringBuilder b = new StringBuilder(dict);
        while (b.length() < headerLength - 1) {
            b.append(' ');
        }
        b.append('\n');
        ByteBuffer h = ByteBuffer.allocate(NPY_HEADER).order(ByteOrder.LITTLE_ENDIAN);
        h.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
        h.putShort((short) headerLength);
        h.put(b.toString().getBytes(StandardCharsets.US_ASCII));
        return h.array();
    }

    private static void write(FileChannel c, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            c.write(b);
        }
    }

    private static void force(FileChannel... channels) throws IOException {
        for (FileChannel c : channels) {
            if (c != null) {
                c.force(false);
            }
        }
    }

    private void closeChannels() throws IOException {
        for (FileChannel c : new FileChannel[] {out, rejects, npy, progress}) {
            if (c != null) {
                c.close();
            }
        }
    }

    /** Closes the files, leaving the partial files and the progress file for a resume. */
    @Override
    public void close() throws IOException {
        closeChannels();
    }
}
