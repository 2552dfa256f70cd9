package lambert.benchmarks;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import lambert.runtime.Model;
import lambert.runtime.ModelOptions;
import lambert.runtime.session.EngineOptions;
import lambert.runtime.task.Embedding;
import lambert.runtime.task.Parameters;

/** One side of the comparison: something that loads all-MiniLM-L6-v2 and embeds texts. */
interface EmbeddingPeer extends AutoCloseable {
    /** Embeds one text. */
    float[] embed(String text);

    /** Embeds many texts the way the library does it best. */
    int embedAll(List<String> texts);

    @Override
    void close();

    /** lambert's runtime on a bundle folder. */
    static EmbeddingPeer lambert(Path bundle) {
        ModelOptions options = ModelOptions.defaults();
        String spinning = System.getProperty("lambert.bench.spinning");
        if (spinning != null) {
            EngineOptions e = options.engine();
            options = options.withEngine(new EngineOptions(e.threads(), Boolean.parseBoolean(spinning),
                    e.optimization()));
        }
        String parallel = System.getProperty("lambert.bench.parallelism");
        if (parallel != null) {
            options = options.withBatching(options.tokenBudget(), options.maxBatchRows(), Integer.parseInt(parallel));
        }
        Model model = Model.open(bundle, options);
        return new EmbeddingPeer() {
            @Override
            public float[] embed(String text) {
                return ((Embedding) model.predict(List.of(text), Parameters.defaults()).predictions().get(0)).vector();
            }

            @Override
            public int embedAll(List<String> texts) {
                return model.predict(texts, Parameters.defaults()).predictions().size();
            }

            @Override
            public void close() {
                model.close();
            }
        };
    }

    /** LangChain4j's in-process model (fp32 or int8) as its users call it. */
    static EmbeddingPeer langchain4j(boolean int8) {
        EmbeddingModel model = int8 ? new AllMiniLmL6V2QuantizedEmbeddingModel() : new AllMiniLmL6V2EmbeddingModel();
        return new EmbeddingPeer() {
            @Override
            public float[] embed(String text) {
                return model.embed(text).content().vector();
            }

            @Override
            public int embedAll(List<String> texts) {
                return model.embedAll(texts.stream().map(TextSegment::from).collect(Collectors.toList()))
                        .content().size();
            }

            @Override
            public void close() {
                // LangChain4j's model holds its session for the life of the process.
            }
        };
    }
}
