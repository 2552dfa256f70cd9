package lambert.onnx.family;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.util.LinkedHashMap;
import java.util.Map;
import lambert.onnx.proto.Onnx;

/** Runs a converted graph in ONNX Runtime on a right-padded batch of token ids. */
final class OrtRun {
    private OrtRun() {}

    /**
     * The graph's only output for {@code texts} padded on the right with {@code padId} (or on the
     * left when {@code leftPad}), with the matching attention mask and token types.
     */
    static Object run(Onnx.Model model, long[][] texts, long[][] types, long padId, boolean leftPad) throws OrtException {
        int batch = texts.length;
        int width = 0;
        for (long[] t : texts) {
            width = Math.max(width, t.length);
        }
        long[][] ids = new long[batch][width];
        long[][] mask = new long[batch][width];
        long[][] tt = new long[batch][width];
        for (int b = 0; b < batch; b++) {
            int offset = leftPad ? width - texts[b].length : 0;
            java.util.Arrays.fill(ids[b], padId);
            for (int i = 0; i < texts[b].length; i++) {
                ids[b][offset + i] = texts[b][i];
                mask[b][offset + i] = 1;
                tt[b][offset + i] = types == null ? 0 : types[b][i];
            }
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        boolean hasTypes = model.getGraph().getInputList().stream().anyMatch(i -> i.getName().equals("token_type_ids"));
        try (OrtSession session = env.createSession(model.toByteArray(), new OrtSession.SessionOptions());
                OnnxTensor idsT = OnnxTensor.createTensor(env, ids);
                OnnxTensor maskT = OnnxTensor.createTensor(env, mask);
                OnnxTensor typesT = OnnxTensor.createTensor(env, tt)) {
            Map<String, OnnxTensor> inputs = new LinkedHashMap<>();
            inputs.put("input_ids", idsT);
            inputs.put("attention_mask", maskT);
            if (hasTypes) {
                inputs.put("token_type_ids", typesT);
            }
            try (OrtSession.Result result = session.run(inputs)) {
                return result.get(0).getValue();
            }
        }
    }
}
