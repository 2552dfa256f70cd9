package lambert.toolkit.bundling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import lambert.onnx.family.Head;
import lambert.onnx.family.TinyCheckpoints;
import lambert.toolkit.CheckFailedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The convert pipeline's own check, with a reference tampered with through the package's seam. */
class ConverterTest {
    @TempDir
    Path dir;

    @Test
    void convert_modelThatDiffersFromTheReferenceIsRefusedAndNothingIsWritten() throws Exception {
        Path from = TinyFolders.write(TinyCheckpoints.of("bert", Head.ENCODER, 2), dir.resolve("d"), false);
        Path out = dir.resolve("out");
        ConvertOptions options = ConvertOptions.of(from, out);
        assertThatThrownBy(() -> Converter.convert(options, step -> { }, reference -> (ids, types) -> {
            float[][] v = reference.forward(ids, types);
            if (ids.length > 10) {
                v[1][3] += 1e-3f;
            }
            return v;
        })).isInstanceOf(CheckFailedException.class)
                .hasMessageContaining("max abs diff 0.00100")
                .hasMessageContaining("no bundle written");
        assertNothingWritten(out);
    }

    private static void assertNothingWritten(Path out) throws Exception {
        assertThat(out).doesNotExist();
        try (Stream<Path> files = Files.list(out.getParent())) {
            assertThat(files.noneMatch(p -> p.getFileName().toString().startsWith("."))).isTrue();
        }
    }
}
