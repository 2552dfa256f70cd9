package example;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class SemanticSearchTest {
    @Test
    void similarity_matchesWhatSentenceTransformersPublishes() {
        try (SemanticSearch search = new SemanticSearch(List.of())) {
            // all-MiniLM-L6-v2's published cosine similarity for this pair: 0.8939
            assertEquals(0.8939, search.similarity("The new movie is awesome", "The new movie is so great"), 0.002);
        }
    }

    @Test
    void search_ranksTheDocumentThatMeansTheSameFirst() {
        try (SemanticSearch search = new SemanticSearch(List.of("A woman watches TV", "A man is playing guitar",
                "The new movie is awesome"))) {
            assertEquals("A man is playing guitar", search.search("Someone is making music").get(0).document());
        }
    }
}
