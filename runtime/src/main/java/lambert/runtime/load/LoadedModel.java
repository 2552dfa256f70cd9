package lambert.runtime.load;

import lambert.runtime.bundle.Manifest;
import lambert.runtime.bundle.ModelBundle;
import lambert.runtime.session.OnnxSession;
import lambert.runtime.tokenize.TextTokenizer;

/**
 * What {@link ModelLoader} hands over: the checked parts of a model, whose native holders (tokenizer, session)
 * the receiver now owns and must close, and how long each step took.
 *
 * @param bundle the bundle loaded
 * @param manifest the manifest completed with the model's input and output names and output size
 * @param tokenizer the open tokenizer
 * @param session the open session
 * @param sessionMs building the ONNX Runtime session
 * @param tokenizerMs loading the tokenizer, alongside the session
 * @param hashMs checking the files' SHA-256, alongside the session (0 when not checked)
 * @param probeMs the probe run
 * @param totalMs the whole load
 */
public record LoadedModel(ModelBundle bundle, Manifest manifest, TextTokenizer tokenizer, OnnxSession session,
        double sessionMs, double tokenizerMs, double hashMs, double probeMs, double totalMs) {}
