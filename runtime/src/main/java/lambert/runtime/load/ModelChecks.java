package lambert.runtime.load;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import lambert.runtime.bundle.BundleException;
import lambert.runtime.bundle.Manifest;
import lambert.runtime.bundle.ModelBundle;
import lambert.runtime.bundle.Task;
import lambert.runtime.session.OnnxSession;
import lambert.runtime.session.Output;
import lambert.runtime.session.SessionException;
import lambert.runtime.session.TensorSpec;
import lambert.runtime.session.TokenBatch;
import lambert.runtime.tokenize.TextTokenizer;
import lambert.runtime.tokenize.Tokens;

/**
 * The checks an open session must pass before it answers: its inputs are int64 {@code [batch, sequence]} tensors
 * lambert can feed, as the manifest lists; the output has the rank the task needs; and a probe run with the
 * tokenizer's highest id succeeds and gives the size the manifest states. Each failure says which file or name is
 * wrong, what was expected and what was found.
 */
final class ModelChecks {
    private ModelChecks() {}

    /** The model's inputs, checked; the manifest's order when it lists them. */
    static List<String> inputs(ModelBundle bundle, OnnxSession session) {
        Map<String, TensorSpec> modelInputs;
        try {
            modelInputs = session.inputs();
        } catch (SessionException e) {
            throw new BundleException("cannot read the inputs of " + bundle.modelPath() + ": " + e.getMessage(), e);
        }
        List<String> names = new ArrayList<>(modelInputs.keySet());
        for (String name : names) {
            if (!Manifest.INPUTS.contains(name)) {
                throw new BundleException(bundle.modelPath() + " has an input \"" + name + "\" that lambert cannot "
                        + "feed; expected inputs among " + Manifest.INPUTS + ", found " + names);
            }
            if (!modelInputs.get(name).isInt64(2)) {
                throw new BundleException(bundle.modelPath() + ": input \"" + name + "\" must be an int64 tensor of "
                        + "shape [batch, sequence], found " + modelInputs.get(name).description());
            }
        }
        if (!names.contains("input_ids")) {
            throw new BundleException(bundle.modelPath() + " has no input \"input_ids\"; found " + names);
        }
        List<String> declared = bundle.manifest().inputs();
        if (!declared.isEmpty() && !(declared.containsAll(names) && names.containsAll(declared))) {
            throw new BundleException(Manifest.FILE_NAME + " lists inputs " + declared + " but " + bundle.modelPath()
                    + " has inputs " + names);
        }
        return declared.isEmpty() ? names : declared;
    }

    /** The output to read: the manifest's, or the task's usual name; checked for the rank the task needs. */
    static String output(ModelBundle bundle, OnnxSession session) {
        Manifest manifest = bundle.manifest();
        Map<String, TensorSpec> outputs;
        try {
            outputs = session.outputs();
        } catch (SessionException e) {
            throw new BundleException("cannot read the outputs of " + bundle.modelPath() + ": " + e.getMessage(), e);
        }
        String name = manifest.output();
        if (name == null) {
            List<String> preferred = manifest.task() == Task.EMBED
                    ? List.of("last_hidden_state", "token_embeddings", "sentence_embedding")
                    : List.of("logits");
            for (String candidate : preferred) { // a loop, not a stream: this runs in a function's INIT
                if (outputs.containsKey(candidate)) {
                    name = candidate;
                    break;
                }
            }
            if (name == null) {
                name = outputs.keySet().iterator().next();
            }
        } else if (!outputs.containsKey(name)) {
            throw new BundleException(Manifest.FILE_NAME + " names output \"" + name + "\" but " + bundle.modelPath()
                    + " has outputs " + outputs.keySet());
        }
        TensorSpec spec = outputs.get(name);
        int rank = spec.rank();
        boolean rankOk = manifest.task() == Task.EMBED ? rank == 2 || rank == 3
                : rank == (manifest.task() == Task.CLASSIFY ? 2 : 3);
        if (!rankOk) {
            String expected = manifest.task() == Task.EMBED ? "[batch, sequence, hidden] or [batch, hidden]"
                    : manifest.task() == Task.CLASSIFY ? "[batch, labels]" : "[batch, sequence, labels]";
            throw new BundleException(bundle.modelPath() + ": output \"" + name + "\" must have shape " + expected
                    + " for task " + manifest.task().id() + ", found " + spec.shapeOrDescription());
        }
        return name;
    }

    /**
     * Runs the model once on [first, highest id, ..., last]; returns the output's last dimension. The probe text
     * ends in a private-use character, which no vocabulary has, so a tokenizer that cannot encode unknown text
     * (a WordPiece vocabulary without its unknown token: found by {@code BundleFuzzTest}) is refused here, by
     * name, rather than failing on a request.
     */
    static int probe(ModelBundle bundle, Manifest manifest, OnnxSession session, TextTokenizer tokenizer) {
        Tokens sample;
        try {
            sample = tokenizer.encode("lambert \uE000");
        } catch (RuntimeException e) {
            throw new BundleException("the tokenizer " + bundle.tokenizerPath() + " cannot encode a probe text: "
                    + e.getMessage(), e);
        }
        long[] ids = sample.ids().clone();
        // The highest id either side claims: a tokenizer.json with more ids than the manifest says (possible when
        // the hash check is off) must fit the model too, or it fails on requests (found by BundleFuzzTest).
        int vocab = Math.max(manifest.vocabSize(), tokenizer.vocabSize());
        if (vocab > 0 && ids.length >= 3) {
            ids[1] = vocab - 1;
        }
        Tokens probe = new Tokens(ids, sample.typeIds(), sample.special(), sample.starts(), sample.ends(), false);
        Output out;
        try {
            out = session.run(manifest.inputs(), manifest.output(), TokenBatch.of(List.of(probe), 0));
        } catch (SessionException e) {
            throw new BundleException("the tokenizer " + bundle.tokenizerPath() + " does not fit the model "
                    + bundle.modelPath() + ": a probe with token id " + (vocab - 1) + " (the tokenizer has " + vocab
                    + " ids) failed: " + e.getMessage(), e);
        }
        int size = (int) out.shape()[out.shape().length - 1];
        if (manifest.task() != Task.EMBED && size != manifest.labels().size()) {
            throw new BundleException(bundle.modelPath() + " answers " + size + " scores per "
                    + (manifest.task() == Task.TAG ? "token" : "text") + " but " + Manifest.FILE_NAME + " lists "
                    + manifest.labels().size() + " labels " + manifest.labels());
        }
        if (manifest.outputSize() > 0 && size != manifest.outputSize()) {
            throw new BundleException(bundle.modelPath() + ": output \"" + manifest.output() + "\" has size " + size
                    + " but " + Manifest.FILE_NAME + " says output_size " + manifest.outputSize());
        }
        return size;
    }
}
