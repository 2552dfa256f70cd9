package lambert.toolkit.verify;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The built-in verification texts: 1,100 texts made reproducibly from a varied seed set (English and
 * nine other languages, numbers, punctuation, code, URLs, emoji, single words), from one word up to
 * several hundred tokens, so that a converted model is compared on what users actually send.
 */
public final class VerifyTexts {
    private static final String[] SEEDS = {
        "Hey, how are you?",
        "The new movie is awesome.",
        "A man is playing guitar in the park while children watch.",
        "The weather is lovely today, isn't it?",
        "Please reset my password; I can't log in since Tuesday.",
        "Order #48213 shipped on 2026-11-03 and should arrive within 3-5 business days.",
        "Revenue grew 12.5% year over year to $4.2 billion, beating estimates by $0.3B.",
        "Call +1 (555) 010-7788 or email support@example.com before 5 p.m. EST.",
        "def add(a, b):\n    return a + b  # simple, but is it fast?",
        "SELECT name, COUNT(*) FROM users WHERE active = 1 GROUP BY name;",
        "See https://docs.example.org/v2/guide#section-4 for details!!!",
        "Wow... really?!?! That's... unexpected :-)",
        "I love this 😍🔥 best purchase ever 👍🏽👍🏽",
        "🙂",
        "ok",
        "Why?",
        "Le chat dort sur le canapé pendant que la pluie tombe.",
        "Der schnelle braune Fuchs springt über den faulen Hund.",
        "¿Dónde está la estación de tren más cercana?",
        "O tempo está ótimo para uma caminhada na praia.",
        "東京は日本の首都であり、世界最大の都市圏の一つです。",
        "我今天很高兴，因为天气非常好。",
        "서울은 대한민국의 수도입니다.",
        "Москва — столица России, крупнейший город страны.",
        "مرحبا بالعالم، كيف حالك اليوم؟",
        "शुभ प्रभात, आप कैसे हैं?",
        "Γειά σου κόσμε, τι κάνεις;",
        "The mitochondria is the powerhouse of the cell, producing ATP through oxidative phosphorylation.",
        "In 1969, Apollo 11 landed on the Moon; Neil Armstrong stepped out at 02:56 UTC.",
        "ERROR 500: upstream timeout after 30000 ms (retry 3/3)",
        "Ingredients: 2 cups flour, 1 tsp salt, 3/4 cup water, 1 egg.",
        "Terms and conditions apply. Void where prohibited. No purchase necessary.",
        "She said, \"I'll be there at 8,\" but arrived at 9:15.",
        "naïve café résumé coöperate façade",
        "e\u0301 a\u0308 o\u0302 combining marks",
        "ALL CAPS SENTENCE WITH SHOUTING AND NUMBERS 123 456",
        "tabs\tand\tnew\nlines\r\nmixed",
        "The patient presented with acute dyspnea, tachycardia (HR 122 bpm), and SpO2 of 88%.",
        "Plaintiff alleges breach of contract under Section 4(b)(ii) of the Agreement.",
        "Neural networks learn representations by minimising a loss with gradient descent.",
    };

    private VerifyTexts() {}

    /**
     * {@code count} texts of the built-in set, evenly spread over it (the first, "Hey, how are you?", included), so a
     * few texts still mix short and long, languages, code and emoji: for checks where every text is slow (a package
     * under emulation).
     */
    public static List<String> spread(int count) {
        List<String> all = builtIn();
        if (count < 1 || count > all.size()) {
            throw new IllegalArgumentException("the number of texts must be between 1 and " + all.size() + ", found "
                    + count);
        }
        List<String> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(all.get((int) ((long) i * all.size() / count)));
        }
        return out;
    }

    /** The built-in set: {@code 1100} texts, the same every time. */
    public static List<String> builtIn() {
        Random random = new Random(20261128);
        List<String> texts = new ArrayList<>(List.of(SEEDS));
        while (texts.size() < 1100) {
            int kind = random.nextInt(10);
            int pieces = kind < 5 ? 1 + random.nextInt(2) : kind < 8 ? 3 + random.nextInt(6) : 30 + random.nextInt(41);
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < pieces; i++) {
                if (i > 0) {
                    text.append(' ');
                }
                String seed = SEEDS[random.nextInt(SEEDS.length)];
                if (random.nextInt(4) == 0) {
                    String[] words = seed.split(" ");
                    seed = words[random.nextInt(words.length)];
                }
                text.append(seed);
            }
            texts.add(text.toString());
        }
        return texts;
    }
}
