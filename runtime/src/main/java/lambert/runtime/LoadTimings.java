package lambert.runtime;

/**
 * Where the time of {@link Model#open} went. The hash check and the tokenizer run on helper threads
 * while the session is created, so the parts overlap: {@link #totalMs()} is less than their sum.
 *
 * @param sessionMs creating the ONNX Runtime session (native library load included, first time)
 * @param tokenizerMs loading the tokenizer (on a helper thread)
 * @param hashMs checking the file hashes (on a helper thread; 0 if not checked)
 * @param probeMs the probe run that checks tokenizer and output sizes
 * @param totalMs the whole load, wall clock
 */
public record LoadTimings(double sessionMs, double tokenizerMs, double hashMs, double probeMs, double totalMs) {}
