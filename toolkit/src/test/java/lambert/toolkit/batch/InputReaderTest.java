package lambert.toolkit.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import lambert.toolkit.BadInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InputReaderTest {
    @TempDir
    Path dir;

    private Path file(String name, byte[] bytes) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    private Path file(String name, String text) throws IOException {
        return file(name, text.getBytes(StandardCharsets.UTF_8));
    }

    static List<InputRecord> all(InputSpec spec) throws IOException {
        List<InputRecord> out = new ArrayList<>();
        try (InputReader in = InputReader.open(spec)) {
            for (InputRecord r = in.next(); r != null; r = in.next()) {
                out.add(r);
            }
        }
        return out;
    }

    @Test
    void next_linesWithCrlfBomAndNoFinalNewline_givesEachTextWithItsLineNumber() throws IOException {
        byte[] bom = {(byte) 0xef, (byte) 0xbb, (byte) 0xbf};
        byte[] body = "first\r\nsecond line\nthird".getBytes(StandardCharsets.UTF_8);
        byte[] bytes = new byte[bom.length + body.length];
        System.arraycopy(bom, 0, bytes, 0, 3);
        System.arraycopy(body, 0, bytes, 3, body.length);
        List<InputRecord> r = all(InputSpec.lines(file("in.txt", bytes)));
        assertThat(r).containsExactly(InputRecord.text(1, "1", "first"), InputRecord.text(2, "2", "second line"),
                InputRecord.text(3, "3", "third"));
    }

    @Test
    void next_emptyAndBlankLines_areRefusedWithTheReasonNotSkipped() throws IOException {
        List<InputRecord> r = all(InputSpec.lines(file("in.txt", "a\n\n  \t\nb\n")));
        assertThat(r).extracting(InputRecord::line).containsExactly(1L, 2L, 3L, 4L);
        assertThat(r.get(1).problem()).isEqualTo("the text is empty");
        assertThat(r.get(2).problem()).isEqualTo("the text is only white space");
        assertThat(r.get(3)).isEqualTo(InputRecord.text(4, "4", "b"));
    }

    @Test
    void next_badUtf8_isRefusedWithFileLineAndByteOffset() throws IOException {
        byte[] bytes = {'o', 'k', '\n', 'a', 'b', (byte) 0xc0, (byte) 0xaf, '\n'};
        Path p = file("bad.txt", bytes);
        assertThatThrownBy(() -> all(InputSpec.lines(p))).isInstanceOf(BadInputException.class)
                .hasMessageStartingWith(p + " line 2 (from byte 3) is not valid UTF-8 at byte 5 of the file (");
    }

    @Test
    void next_lineOverTheLimit_isRefusedAloneAndTheNextLineIsRead() throws IOException {
        Path p = dir.resolve("huge.txt");
        try (OutputStream out = Files.newOutputStream(p)) {
            out.write("short\n".getBytes(StandardCharsets.UTF_8));
            byte[] block = new byte[1 << 20];
            java.util.Arrays.fill(block, (byte) 'x');
            for (int i = 0; i < 9; i++) {
                out.write(block);
            }
            out.write("\nafter\n".getBytes(StandardCharsets.UTF_8));
        }
        List<InputRecord> r = all(InputSpec.lines(p));
        assertThat(r).hasSize(3);
        assertThat(r.get(1).problem()).startsWith("the line is " + (9 << 20) + " bytes, over the 8388608 bytes");
        assertThat(r.get(2)).isEqualTo(InputRecord.text(3, "3", "after"));
    }

    @Test
    void next_jsonlWithFieldAndId_readsThemAndNamesTheLineOfABadObject() throws IOException {
        Path p = file("in.jsonl", "{\"id\": \"a-1\", \"body\": \"hello\"}\n{\"id\": 7, \"body\": \"w\\u00f6rld\"}\n"
                + "{\"id\": 8, \"text\": \"no body\"}\n");
        InputSpec spec = new InputSpec(p, InputFormat.JSONL, "body", "id");
        try (InputReader in = InputReader.open(spec)) {
            assertThat(in.next()).isEqualTo(InputRecord.text(1, "a-1", "hello"));
            assertThat(in.next()).isEqualTo(InputRecord.text(2, "7", "wörld"));
            assertThatThrownBy(in::next).isInstanceOf(BadInputException.class).hasMessage(p
                    + " line 3 (from byte 63) has no string \"body\" (field), found none: its fields are [id, text]");
        }
    }

    @Test
    void next_jsonlLineThatIsNotAnObject_isRefusedAsBadInput() throws IOException {
        Path p = file("in.jsonl", "[1, 2]\n");
        assertThatThrownBy(() -> all(new InputSpec(p, InputFormat.JSONL, null, null)))
                .hasMessage(p + " line 1 (from byte 0) is a JSON array, expected an object with the text in \"text\"");
    }

    @Test
    void next_csvWithQuotesCommasAndALineBreakInAField_keepsRecordsAndTheirStartLines() throws IOException {
        Path p = file("in.csv", "id,text,other\r\nx1,\"a, \"\"quoted\"\" text\",z\r\nx2,\"two\nlines\",z\r\n"
                + "x3,plain,z\r\n");
        List<InputRecord> r = all(new InputSpec(p, InputFormat.CSV, "text", "id"));
        assertThat(r).containsExactly(InputRecord.text(2, "x1", "a, \"quoted\" text"),
                InputRecord.text(3, "x2", "two\nlines"), InputRecord.text(5, "x3", "plain"));
    }

    @Test
    void open_csvWithoutTheColumn_namesTheColumnsItHas() throws IOException {
        Path p = file("in.csv", "id,body\n1,x\n");
        assertThatThrownBy(() -> all(new InputSpec(p, InputFormat.CSV, "text", null)))
                .isInstanceOf(BadInputException.class)
                .hasMessage(p + " has no column \"text\" (field); its header row names [id, body]");
    }

    @Test
    void next_csvQuoteNeverClosed_saysWhereItOpened() throws IOException {
        Path p = file("in.csv", "text\nok\n\"open\nstill open\n");
        assertThatThrownBy(() -> all(new InputSpec(p, InputFormat.CSV, "text", null)))
                .hasMessage(p + " line 3 (from byte 8): a quoted CSV field opened on this line is never closed (the "
                        + "file ends inside it)");
    }

    @Test
    void inputSpec_fieldForTextLines_isRefused() {
        assertThatThrownBy(() -> new InputSpec(dir.resolve("x.txt"), InputFormat.LINES, "body", null))
                .isInstanceOf(BadInputException.class).hasMessageContaining("field and id-field apply to JSONL and CSV");
    }
}
