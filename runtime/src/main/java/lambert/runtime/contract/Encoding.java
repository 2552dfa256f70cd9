package lambert.runtime.contract;

/** How embeddings are written in a response. */
public enum Encoding {
    /** A JSON array of numbers. */
    FLOAT,
    /** A base64 string of little-endian IEEE float32 values (about a third of the size). */
    BASE64
}
