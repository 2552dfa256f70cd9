package lambert.runtime.session;

/** The ONNX Runtime graph optimisation level a session is created with. */
public enum Optimization {
    /** {@link #NONE} for a file saved already optimised, {@link #ALL} otherwise. */
    AUTO,
    /** No graph optimisation (for files saved after offline optimisation). */
    NONE,
    /** Constant folding and redundant-node removal. */
    BASIC,
    /** Basic plus the fusions (attention, layer norm, GELU) that BERT models profit from. */
    EXTENDED,
    /** Everything, including machine-specific layout changes. */
    ALL
}
