package example;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import lambert.runtime.api.Embeddings;

/** Ranks a few documents against a query by meaning, with all-MiniLM-L6-v2 running in this JVM. */
public final class SemanticSearch implements AutoCloseable {
    /** A document and its similarity to the query. */
    public record Hit(String document, double score) {}

    private final Embeddings model;
    private final List<String> documents;
    private final List<float[]> vectors;

    /** Embeds the documents once. */
    public SemanticSearch(List<String> documents) {
        this.model = Embeddings.open("minilm");
        this.documents = List.copyOf(documents);
        this.vectors = model.embed(this.documents);
    }

    /** The documents, most similar to {@code query} first. */
    public List<Hit> search(String query) {
        float[] q = model.embed(query);
        List<Hit> hits = new ArrayList<>();
        for (int i = 0; i < documents.size(); i++) {
            hits.add(new Hit(documents.get(i), Embeddings.similarity(q, vectors.get(i))));
        }
        hits.sort(Comparator.comparingDouble(Hit::score).reversed());
        return hits;
    }

    /** The similarity of two texts. */
    public double similarity(String a, String b) {
        return Embeddings.similarity(model.embed(a), model.embed(b));
    }

    @Override
    public void close() {
        model.close();
    }

    /** {@code java example.SemanticSearch "a query"}: ranks three sentences. */
    public static void main(String[] args) {
        String query = args.length > 0 ? String.join(" ", args) : "A man is playing music";
        try (SemanticSearch search = new SemanticSearch(List.of("A man is playing guitar",
                "A woman watches TV", "The new movie is awesome"))) {
            for (Hit hit : search.search(query)) {
                System.out.printf("%.4f  %s%n", hit.score(), hit.document());
            }
        }
    }
}
