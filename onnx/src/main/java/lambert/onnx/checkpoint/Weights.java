package lambert.onnx.checkpoint;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/** The tensors read from one weights file, and the names of the integer buffers skipped. */
record Weights(Map<String, Tensor> tensors, Set<String> skipped) {
    Weights {
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        skipped = Collections.unmodifiableSet(new LinkedHashSet<>(skipped));
    }

    /** Whether the file held a tensor called {@code name}, converted or skipped. */
    boolean holds(String name) {
        return tensors.containsKey(name) || skipped.contains(name);
    }
}
