package lambert.onnx.io;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import lambert.base.io.PartialFiles;
import lambert.onnx.optimize.Optimizer;
import lambert.onnx.proto.Onnx;

/**
 * Reads and writes ONNX model files. Fields lambert does not model are kept as they were read, so
 * a file read and written again is the same model. Writing goes to a temp file in the target
 * folder, then a rename: a failed write leaves no partial file and keeps any previous one.
 *
 * <pre>{@code
 * Onnx.Model model = ModelFiles.read(Path.of("model.onnx"));
 * ModelFiles.write(model, Path.of("copy.onnx"));
 * }</pre>
 */
public final class ModelFiles {
    /** Protobuf's 2 GB message limit: the largest model file that can be read in one piece. */
    private static final int MAX_BYTES = Integer.MAX_VALUE;

    private ModelFiles() {}

    /** Reads a model; a file that is not an ONNX model gives an {@link IOException} saying so. */
    public static Onnx.Model read(Path file) throws IOException {
        if (file.getFileName().toString().endsWith(Optimizer.ORT_FORMAT_SUFFIX)) {
            throw new IOException(file + " is in ONNX Runtime's own format, which only runs: give the ONNX bundle it "
                    + "was made from (lambert optimize --format ort writes it last)");
        }
        try (InputStream in = Files.newInputStream(file)) {
            CodedInputStream coded = CodedInputStream.newInstance(in);
            coded.setSizeLimit(MAX_BYTES);
            Onnx.Model model = Onnx.Model.parseFrom(coded);
            if (!model.hasGraph() || model.getOpsetImportCount() == 0) {
                throw new IOException(file + " is not an ONNX model: it has no graph or no opset import");
            }
            return model;
        } catch (InvalidProtocolBufferException e) {
            throw new IOException(file + " is not an ONNX model (protobuf parse failed: " + e.getMessage() + ")", e);
        }
    }

    /** Writes a model atomically (temp file, then rename). */
    public static void write(Onnx.Model model, Path file) throws IOException {
        Path target = file.toAbsolutePath();
        Files.createDirectories(target.getParent());
        // The partial file is opened without CREATE: see PartialFiles.
        try (PartialFiles partials = PartialFiles.open("lambert-model")) {
            Path temp = partials.nextTo(target);
            try (OutputStream out = Files.newOutputStream(temp, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                model.writeTo(out);
            }
            PartialFiles.replace(temp, target);
        }
    }
}
