package lambert.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import lambert.toolkit.emulator.Events;
import picocli.CommandLine.Option;

/**
 * {@code --text T | --event FILE}, the event that {@code emulate}, {@code invoke} and {@code tune} send:
 * one picocli argument group for the three.
 */
final class EventInput {
    @Option(names = "--text", paramLabel = "T", description = "Invoke with {\"text\": T}.")
    String text;

    @Option(names = "--event", paramLabel = "FILE", description = "Invoke with the event in FILE.")
    Path event;

    /** The event's bytes: {@code {"text": T}}, or the file as it is. */
    byte[] bytes() throws IOException {
        return text != null ? Events.text(text) : Files.readAllBytes(event);
    }
}
