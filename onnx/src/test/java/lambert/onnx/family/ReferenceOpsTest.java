package lambert.onnx.family;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The reference arithmetic that has no counterpart in {@link Math}. */
class ReferenceOpsTest {
    @Test
    void erf_matchesTabulatedValues() {
        double[][] table = {
            {0, 0}, {0.1, 0.1124629160182849}, {0.5, 0.5204998778130465}, {1, 0.8427007929497149},
            {2, 0.9953222650189527}, {3, 0.9999779095030014}, {3.9, 0.9999999652077514}, {4.1, 0.9999999932999724},
            {5, 0.9999999999984626}, {-1, -0.8427007929497149}, {-4.5, -0.9999999998033839}};
        for (double[] row : table) {
            assertThat(ReferenceOps.erf(row[0])).as("erf(%s)", row[0]).isCloseTo(row[1], within(1e-10));
        }
    }
}
