package lambert.runtime.tokenize;

/**
 * The character classes of the Hugging Face tokenizers' BERT normaliser and pre-tokeniser ({@code normalizers/bert.rs},
 * {@code pre_tokenizers/bert.rs}), from the JDK's Unicode tables: whitespace is Rust's {@code char::is_whitespace}
 * (the White_Space property), control is the "other" categories Cc, Cf and Co (tab, line feed and carriage return
 * excepted), punctuation is ASCII punctuation or the P categories, Chinese is the CJK ideograph blocks.
 */
final class CharClasses {
    /**
     * The punctuation (P), non-spacing mark (Mn) and control, format and private-use (Cc, Cf, Co) characters that
     * Unicode added after 8.0, up to the JDK 17's 13.0, as inclusive ranges. The library's category tables (the
     * {@code unicode_categories} crate) are Unicode 8.0's, so to it these are unassigned: neither split off, dropped
     * nor stripped, just letters of a word (usually the unknown token). Made with Perl's Unicode tables:
     * {@code prop_invlist("Present_In=13.0")} minus {@code "Present_In=8.0"}, within {@code gc=P}, {@code Mn},
     * {@code Cf}, {@code Cc}, {@code Co}.
     */
    private static final int[] NEWER_THAN_UNICODE_8 = {
        0x7FD, 0x7FD, 0x8D3, 0x8E2, 0x9FD, 0x9FE, 0xA76, 0xA76, 0xAFA, 0xAFF, 0xB55, 0xB55,
        0xC04, 0xC04, 0xC77, 0xC77, 0xC84, 0xC84, 0xD00, 0xD00, 0xD3B, 0xD3C, 0xD81, 0xD81,
        0xEBA, 0xEBA, 0x1ABF, 0x1AC0, 0x1DF6, 0x1DF9, 0x1DFB, 0x1DFB, 0x2E43, 0x2E4F, 0x2E52, 0x2E52,
        0xA82C, 0xA82C, 0xA8C5, 0xA8C5, 0xA8FF, 0xA8FF, 0x10D24, 0x10D27, 0x10EAB, 0x10EAD, 0x10F46, 0x10F50,
        0x10F55, 0x10F59, 0x110CD, 0x110CD, 0x111CF, 0x111CF, 0x1123E, 0x1123E, 0x1133B, 0x1133B, 0x11438, 0x1143F,
        0x11442, 0x11444, 0x11446, 0x11446, 0x1144B, 0x1144F, 0x1145A, 0x1145B, 0x1145D, 0x1145E, 0x11660, 0x1166C,
        0x1182F, 0x11837, 0x11839, 0x1183B, 0x1193B, 0x1193C, 0x1193E, 0x1193E, 0x11943, 0x11946, 0x119D4, 0x119D7,
        0x119DA, 0x119DB, 0x119E0, 0x119E0, 0x119E2, 0x119E2, 0x11A01, 0x11A0A, 0x11A33, 0x11A38, 0x11A3B, 0x11A47,
        0x11A51, 0x11A56, 0x11A59, 0x11A5B, 0x11A8A, 0x11A96, 0x11A98, 0x11A9C, 0x11A9E, 0x11AA2, 0x11C30, 0x11C36,
        0x11C38, 0x11C3D, 0x11C3F, 0x11C3F, 0x11C41, 0x11C45, 0x11C70, 0x11C71, 0x11C92, 0x11CA7, 0x11CAA, 0x11CB0,
        0x11CB2, 0x11CB3, 0x11CB5, 0x11CB6, 0x11D31, 0x11D36, 0x11D3A, 0x11D3A, 0x11D3C, 0x11D3D, 0x11D3F, 0x11D45,
        0x11D47, 0x11D47, 0x11D90, 0x11D91, 0x11D95, 0x11D95, 0x11D97, 0x11D97, 0x11EF3, 0x11EF4, 0x11EF7, 0x11EF8,
        0x11FFF, 0x11FFF, 0x13430, 0x13438, 0x16E97, 0x16E9A, 0x16F4F, 0x16F4F, 0x16FE2, 0x16FE2, 0x16FE4, 0x16FE4,
        0x1E000, 0x1E006, 0x1E008, 0x1E018, 0x1E01B, 0x1E021, 0x1E023, 0x1E024, 0x1E026, 0x1E02A, 0x1E130, 0x1E136,
        0x1E2EC, 0x1E2EF, 0x1E944, 0x1E94A, 0x1E95E, 0x1E95F
    };

    /**
     * Characters Unicode moved into the P categories after 8.0 and out of them, as the library still sees them: U+166D
     * (Canadian syllabics chi sign, Po until Unicode 12) and U+111C9 (Sharada sandhi mark, Po until 11).
     */
    private static final int[] PUNCTUATION_IN_UNICODE_8 = {0x166D, 0x111C9};
    /** Non-spacing marks (Mn) since Unicode 9, 11 and 12 that were letters, punctuation or spacing marks in 8.0. */
    private static final int[] NOT_MN_IN_UNICODE_8 = {0x1885, 0x1886, 0xA9BD, 0x111C9};

    private CharClasses() {}

    /** Whether {@code c} is one of {@link #NEWER_THAN_UNICODE_8}, which the library sees as unassigned. */
    static boolean unknownToTheLibrary(int c) {
        int lo = 0;
        int hi = NEWER_THAN_UNICODE_8.length / 2;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (c < NEWER_THAN_UNICODE_8[2 * mid]) {
                hi = mid;
            } else if (c > NEWER_THAN_UNICODE_8[2 * mid + 1]) {
                lo = mid + 1;
            } else {
                return true;
            }
        }
        return false;
    }

    /** A non-spacing mark (Mn) to the library, which accent stripping removes. */
    static boolean isNonSpacingMark(int c) {
        return Character.getType(c) == Character.NON_SPACING_MARK && !unknownToTheLibrary(c)
                && !among(NOT_MN_IN_UNICODE_8, c);
    }

    /**
     * Unicode's White_Space property, which Rust's {@code char::is_whitespace} follows: {@code bert.rs}'s
     * {@code is_whitespace} (tab, line feed and carriage return included) and the pre-tokeniser's split.
     */
    static boolean isWhitespace(int c) {
        return switch (c) {
            case 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000 -> true;
            default -> c >= 0x2000 && c <= 0x200A;
        };
    }

    /** {@code bert.rs}'s {@code is_control}: Cc, Cf or Co, except tab, line feed and carriage return. */
    static boolean isControl(int c) {
        if (c == '\t' || c == '\n' || c == '\r') {
            return false;
        }
        int type = Character.getType(c);
        return (type == Character.CONTROL || type == Character.FORMAT || type == Character.PRIVATE_USE
                || type == Character.SURROGATE) && !unknownToTheLibrary(c);
    }

    /** {@code bert.rs}'s {@code is_chinese_char}: the CJK Unified Ideographs blocks and their extensions. */
    static boolean isChinese(int c) {
        return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x20000 && c <= 0x2A6DF)
                || (c >= 0x2A700 && c <= 0x2B73F) || (c >= 0x2B740 && c <= 0x2B81F) || (c >= 0x2B920 && c <= 0x2CEAF)
                || (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
    }

    /** {@code BertPreTokenizer}'s {@code is_bert_punc}: ASCII punctuation or a P category. */
    static boolean isPunctuation(int c) {
        if (c < 0x80) {
            return (c >= 0x21 && c <= 0x2F) || (c >= 0x3A && c <= 0x40) || (c >= 0x5B && c <= 0x60)
                    || (c >= 0x7B && c <= 0x7E);
        }
        return switch (Character.getType(c)) {
            case Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION, Character.START_PUNCTUATION,
                    Character.END_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION, Character.FINAL_QUOTE_PUNCTUATION,
                    Character.OTHER_PUNCTUATION -> !unknownToTheLibrary(c);
            default -> among(PUNCTUATION_IN_UNICODE_8, c);
        };
    }

    /**
     * Rust's {@code char::to_lowercase} (Unicode's full, context-free lower case) of {@code c}, or null when it is its
     * own lower case. The only unconditional multi-character mapping is U+0130 (capital I with dot above), to i and a
     * combining dot above.
     */
    static int[] lower(int c) {
        if (c == 0x130) {
            return new int[] {'i', 0x307};
        }
        int l = Character.toLowerCase(c);
        return l == c ? null : new int[] {l};
    }

    private static boolean among(int[] set, int c) {
        for (int x : set) {
            if (x == c) {
                return true;
            }
        }
        return false;
    }
}
