package lambert.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import lambert.runtime.Model;
import lambert.runtime.contract.Limits;
import lambert.runtime.contract.Reply;
import lambert.runtime.contract.Service;
import lambert.base.json.Json;
import lambert.base.json.JsonException;
import lambert.runtime.task.Classification;
import lambert.runtime.task.Embedding;
import lambert.runtime.task.Entity;
import lambert.runtime.task.LabelScore;
import lambert.runtime.task.Prediction;
import lambert.runtime.task.Tagging;
import lambert.toolkit.models.ModelResolver;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code lambert predict}: answers texts locally, exactly as the function would.
 *
 * <pre>{@code
 * lambert predict --model minilm-int8 "The new movie is awesome" "The new movie is so great"
 * lambert predict --model ./my-bundle --json --file texts.txt
 * }</pre>
 */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = {"Answers texts with a model on this machine and prints what the function would answer.",
            "Texts come from the arguments, from --file (one per line), or from standard input."})
final class PredictCommand implements Callable<Integer> {
    @Option(names = {"-m", "--model"}, required = true, paramLabel = "M",
            description = "A bundle folder, a Hugging Face folder, or a built-in model: minilm, minilm-int8, bge-small-en, e5-small.")
    String model;

    @Option(names = "--file", paramLabel = "FILE", description = "Read texts from FILE, one per line ('-' for stdin).")
    String file;

    @Option(names = "--json", description = "Print the response JSON exactly as the function answers it.")
    boolean json;

    @Option(names = "--top-k", paramLabel = "K", description = "Classifiers: return the K best labels.")
    Integer topK;

    @Option(names = "--base64", description = "Embeddings as base64 little-endian float32 (with --json).")
    boolean base64;

    @Mixin
    EngineMixin engine;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "TEXT", arity = "0..*", description = "Texts to answer.")
    List<String> texts = new ArrayList<>();

    @Override
    public Integer call() throws IOException {
        List<String> all = new ArrayList<>(texts);
        if (file != null) {
            all.addAll(TextFiles.read(file));
        } else if (all.isEmpty() && System.console() == null) {
            all.addAll(TextFiles.read("-"));
        }
        if (all.isEmpty()) {
            throw new UsageException("no texts given: pass them as arguments, with --file FILE, or on standard input");
        }
        Terminal terminal = Terminal.of(spec);
        Path bundle = new ModelResolver(ModelResolver.defaultHome()).resolve(model);
        try (Model loaded = Model.open(bundle, engine.modelOptions())) {
            Service service = new Service(loaded, new Limits(Math.max(all.size(), 1), Integer.MAX_VALUE));
            Reply reply = service.handle(requestBody(all), null);
            if (json) {
                terminal.stream().println(new String(reply.body(), StandardCharsets.UTF_8));
                return reply.ok() ? ExitCodes.OK : ExitCodes.BAD_INPUT;
            }
            if (!reply.ok()) {
                throw new UsageException(errorMessage(reply));
            }
            render(terminal, all, reply.predictions().predictions());
        }
        return ExitCodes.OK;
    }

    private byte[] requestBody(List<String> all) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = Json.generator(out)) {
            g.writeStartObject();
            if (all.size() == 1) {
                g.writeStringField("text", all.get(0));
            } else {
                g.writeArrayFieldStart("texts");
                for (String t : all) {
                    g.writeString(t);
                }
                g.writeEndArray();
            }
            if (topK != null || base64) {
                g.writeObjectFieldStart("parameters");
                if (topK != null) {
                    g.writeNumberField("top_k", topK);
                }
                if (base64) {
                    g.writeStringField("encoding", "base64");
                }
                g.writeEndObject();
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static String errorMessage(Reply reply) {
        try {
            Object body = Json.parse(reply.body());
            return String.valueOf(((java.util.Map<?, ?>) body).get("errorMessage"));
        } catch (JsonException | ClassCastException e) {
            return new String(reply.body(), StandardCharsets.UTF_8);
        }
    }

    static void render(Terminal terminal, List<String> texts, List<Prediction> predictions) {
        for (int i = 0; i < texts.size(); i++) {
            Prediction p = predictions.get(i);
            String cut = p.truncated() ? terminal.bold(" (truncated)") : "";
            terminal.line(terminal.bold(quote(texts.get(i))) + terminal.dim("  " + p.tokens() + " tokens") + cut);
            if (p instanceof Embedding) {
                float[] v = ((Embedding) p).vector();
                terminal.line("  embedding, " + v.length + " dimensions: " + preview(v));
            } else if (p instanceof Classification) {
                for (LabelScore s : ((Classification) p).labels()) {
                    terminal.line(String.format(Locale.ROOT, "  %-20s %.4f", s.label(), s.score()));
                }
            } else {
                List<Entity> entities = ((Tagging) p).entities();
                if (entities.isEmpty()) {
                    terminal.line("  no entities");
                }
                for (Entity e : entities) {
                    terminal.line(String.format(Locale.ROOT, "  %-10s %-24s %.4f  [%d, %d)", e.label(),
                            quote(e.word()), e.score(), e.start(), e.end()));
                }
            }
        }
        if (predictions.size() > 1 && predictions.get(0) instanceof Embedding && predictions.size() <= 8) {
            terminal.blank();
            terminal.line(terminal.bold("cosine similarity"));
            for (int i = 0; i < predictions.size(); i++) {
                StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "  [%d]", i));
                for (int j = 0; j < predictions.size(); j++) {
                    row.append(String.format(Locale.ROOT, " %7.4f", Embedding.cosine(
                            ((Embedding) predictions.get(i)).vector(), ((Embedding) predictions.get(j)).vector())));
                }
                terminal.line(row.toString());
            }
        }
    }

    private static String preview(float[] v) {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < Math.min(4, v.length); i++) {
            s.append(String.format(Locale.ROOT, "%.4f, ", v[i]));
        }
        return s.append("...]").toString();
    }

    private static String quote(String text) {
        String oneLine = text.replace("\n", " ");
        return "\"" + (oneLine.length() > 60 ? oneLine.substring(0, 57) + "..." : oneLine) + "\"";
    }
}
