package lambert.onnx.family;

import lambert.onnx.checkpoint.CheckpointException;

/** The activation functions the encoders use, by their Hugging Face names ({@code hidden_act}). */
enum Activation {
    /** Exact GELU, {@code 0.5 x (1 + erf(x / sqrt 2))}: {@code gelu}. */
    GELU,
    /** The tanh approximation: {@code gelu_new}, {@code gelu_pytorch_tanh}, {@code gelu_fast}. */
    GELU_TANH,
    /** {@code relu}. */
    RELU,
    /** {@code x sigmoid(x)}: {@code silu}, {@code swish}. */
    SILU;

    /** The activation called {@code value} in config field {@code field}. */
    static Activation of(String field, String value) throws CheckpointException {
        switch (value) {
            case "gelu":
                return GELU;
            case "gelu_new":
            case "gelu_pytorch_tanh":
            case "gelu_fast":
                return GELU_TANH;
            case "relu":
                return RELU;
            case "silu":
            case "swish":
                return SILU;
            default:
                throw new CheckpointException("config.json: field \"" + field + "\" is \"" + value
                        + "\", expected one of gelu, gelu_new, gelu_pytorch_tanh, gelu_fast, relu, silu, swish");
        }
    }
}
