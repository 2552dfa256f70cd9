package lambert.onnx.checkpoint;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Locale;

/**
 * The element types a checkpoint file may declare, under their safetensors names. The floating
 * types are converted to float32; the integer and boolean types are only recognised, so that
 * integer buffers such as {@code embeddings.position_ids} can be skipped by name.
 */
public enum DType {
    F64(8, true),
    F32(4, true),
    F16(2, true),
    BF16(2, true),
    I64(8, false),
    I32(4, false),
    I16(2, false),
    I8(1, false),
    U64(8, false),
    U32(4, false),
    U16(2, false),
    U8(1, false),
    BOOL(1, false);

    private final int byteSize;
    private final boolean floating;

    DType(int byteSize, boolean floating) {
        this.byteSize = byteSize;
        this.floating = floating;
    }

    /** Bytes per element. */
    public int byteSize() {
        return byteSize;
    }

    /** Whether values of this type are converted to float32 (F64, F32, F16, BF16). */
    public boolean isFloating() {
        return floating;
    }

    /** The type of a safetensors {@code dtype} string, or {@code null} when lambert does not know it. */
    static DType ofSafetensors(String name) {
        for (DType t : values()) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        return null;
    }

    /**
     * Whether tensor {@code tensor} of this type is converted ({@code true}) or skipped as an
     * integer buffer ({@code false}). Integer and boolean tensors are skipped unless their name
     * ends in {@code weight} or {@code bias}: those are quantised weights, which lambert refuses.
     */
    boolean converts(String file, String tensor) throws CheckpointException {
        return converts(file, tensor, false);
    }

    /** As {@link #converts(String, String)}; a tensor the architecture {@code needs} is refused unless floating. */
    boolean converts(String file, String tensor, boolean needed) throws CheckpointException {
        if (floating) {
            return true;
        }
        String last = tensor.substring(tensor.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
        if (needed || last.endsWith("weight") || last.endsWith("bias")) {
            throw new CheckpointException(file + ": tensor " + tensor + " has dtype " + name()
                    + "; lambert reads F32, F16, BF16 and F64 weights (quantised checkpoints are not supported)");
        }
        return false;
    }

    /** The message for a dtype lambert does not know. */
    static String unsupported(String file, String tensor, String dtype) {
        return file + ": tensor " + tensor + " has dtype " + dtype
                + "; lambert reads F32, F16, BF16 and F64 weights (integer buffers such as position_ids are skipped)";
    }

    /** Decodes {@code count} little-endian values from {@code src} into {@code dst[offset...]}. */
    void decode(ByteBuffer src, float[] dst, int offset, int count) {
        ByteBuffer in = src.order(ByteOrder.LITTLE_ENDIAN);
        switch (this) {
            case F32:
                in.asFloatBuffer().get(dst, offset, count);
                in.position(in.position() + count * 4);
                break;
            case F64:
                for (int i = 0; i < count; i++) {
                    dst[offset + i] = (float) in.getDouble();
                }
                break;
            case F16:
                for (int i = 0; i < count; i++) {
                    dst[offset + i] = halfToFloat(in.getShort());
                }
                break;
            case BF16:
                for (int i = 0; i < count; i++) {
                    dst[offset + i] = Float.intBitsToFloat((in.getShort() & 0xffff) << 16);
                }
                break;
            default:
                throw new IllegalStateException(name() + " is not converted to float32");
        }
    }

    /** Encodes one value little-endian into {@code out} (floating types only). */
    void encode(float value, ByteBuffer out) {
        switch (this) {
            case F32:
                out.putFloat(value);
                break;
            case F64:
                out.putDouble(value);
                break;
            case F16:
                out.putShort((short) floatToHalf(value));
                break;
            case BF16:
                out.putShort((short) floatToBfloat16(value));
                break;
            default:
                throw new IllegalArgumentException("cannot write float values as " + name());
        }
    }

    /** IEEE 754 half precision bits to float (exact). */
    static float halfToFloat(short half) {
        int h = half & 0xffff;
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1f;
        int mant = h & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        if (exp == 0) {
            float v = mant * 0x1p-24f;
            return sign != 0 ? -v : v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    /** Float to IEEE 754 half precision bits, rounding to nearest even. */
    static int floatToHalf(float value) {
        int bits = Float.floatToRawIntBits(value);
        int sign = (bits >>> 16) & 0x8000;
        int exp = (bits >>> 23) & 0xff;
        int mant = bits & 0x7fffff;
        if (exp == 0xff) {
            return sign | 0x7c00 | (mant != 0 ? 0x200 | (mant >>> 13) : 0);
        }
        int e = exp - 112;
        if (e >= 0x1f) {
            return sign | 0x7c00;
        }
        if (e <= 0) {
            if (e < -10) {
                return sign;
            }
            mant |= 0x800000;
            int shift = 14 - e;
            int m = mant >>> shift;
            int rem = mant & ((1 << shift) - 1);
            int half = 1 << (shift - 1);
            if (rem > half || (rem == half && (m & 1) != 0)) {
                m++;
            }
            return sign | m;
        }
        int m = mant >>> 13;
        int rem = mant & 0x1fff;
        int h = sign | (e << 10) | m;
        if (rem > 0x1000 || (rem == 0x1000 && (m & 1) != 0)) {
            h++;
        }
        return h;
    }

    /** Float to bfloat16 bits, rounding to nearest even. */
    static int floatToBfloat16(float value) {
        int bits = Float.floatToRawIntBits(value);
        if (Float.isNaN(value)) {
            return (bits >>> 16) | 0x40;
        }
        int lsb = (bits >>> 16) & 1;
        return (bits + 0x7fff + lsb) >>> 16;
    }
}
