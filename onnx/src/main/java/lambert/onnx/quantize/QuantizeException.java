package lambert.onnx.quantize;

/** A model that cannot be quantised: no eligible MatMul, or already quantised. */
public final class QuantizeException extends Exception {
    private static final long serialVersionUID = 1L;

    public QuantizeException(String message) {
        super(message);
    }
}
