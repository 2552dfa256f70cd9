package lambert.onnx.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DTypeTest {
    @Test
    void floatToHalf_everyHalfValue_roundTripsExactly() {
        for (int bits = 0; bits < 0x10000; bits++) {
            float f = DType.halfToFloat((short) bits);
            if (Float.isNaN(f)) {
                assertThat(Float.isNaN(DType.halfToFloat((short) DType.floatToHalf(f)))).isTrue();
            } else {
                assertThat(DType.floatToHalf(f)).as("half 0x%04x = %s", bits, f).isEqualTo(bits);
            }
        }
    }

    @Test
    void halfToFloat_knownValues() {
        assertThat(DType.halfToFloat((short) 0x3c00)).isEqualTo(1f);
        assertThat(DType.halfToFloat((short) 0xc000)).isEqualTo(-2f);
        assertThat(DType.halfToFloat((short) 0x7bff)).isEqualTo(65504f);
        assertThat(DType.halfToFloat((short) 0x0001)).isEqualTo(0x1p-24f);
        assertThat(DType.halfToFloat((short) 0x7c00)).isEqualTo(Float.POSITIVE_INFINITY);
    }

    @Test
    void floatToHalf_ties_roundToEven() {
        float ulp = 0x1p-10f;
        assertThat(DType.floatToHalf(1f + ulp / 2)).isEqualTo(0x3c00);
        assertThat(DType.floatToHalf(1f + ulp * 1.5f)).isEqualTo(0x3c02);
        assertThat(DType.floatToHalf(65519f)).isEqualTo(0x7bff);
        assertThat(DType.floatToHalf(65520f)).isEqualTo(0x7c00);
        assertThat(DType.floatToHalf(0x1p-25f)).isEqualTo(0);
        assertThat(DType.floatToHalf(0x1.8p-25f)).isEqualTo(1);
        assertThat(DType.floatToHalf(0x1p-30f)).isEqualTo(0);
        assertThat(DType.floatToHalf(-0f)).isEqualTo(0x8000);
    }

    @Test
    void floatToBfloat16_everyBfloat16Value_roundTripsExactly() {
        for (int bits = 0; bits < 0x10000; bits++) {
            float f = Float.intBitsToFloat(bits << 16);
            if (!Float.isNaN(f)) {
                assertThat(DType.floatToBfloat16(f)).isEqualTo(bits);
            }
        }
    }

    @Test
    void floatToBfloat16_ties_roundToEven() {
        assertThat(DType.floatToBfloat16(1f + 0x1p-8f)).isEqualTo(0x3f80);
        assertThat(DType.floatToBfloat16(1f + 0x3p-8f)).isEqualTo(0x3f82);
        assertThat(Float.isNaN(Float.intBitsToFloat(DType.floatToBfloat16(Float.NaN) << 16))).isTrue();
    }
}
