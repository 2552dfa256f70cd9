package lambert.toolkit.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import lambert.runtime.bundle.Manifest;
import lambert.runtime.bundle.ModelBundle;
import lambert.runtime.testing.TestModels;
import lambert.toolkit.BadInputException;
import org.junit.jupiter.api.Test;

/** The profile a verify uses, named or chosen from the two models (the cli's and the Maven plugin's rule). */
class ThresholdsTest {
    private static final Manifest FP32 = ModelBundle.open(TestModels.minilm()).manifest();
    private static final Manifest INT8 = ModelBundle.open(TestModels.minilmInt8()).manifest();

    @Test
    void forProfile_nullChoosesFromTheQuantisationAndWhetherASideIsAPackage() {
        assertThat(Thresholds.forProfile(null, FP32, INT8, false)).isEqualTo(Thresholds.quantised());
        assertThat(Thresholds.forProfile(null, FP32, INT8, true)).isEqualTo(Thresholds.quantised());
        assertThat(Thresholds.forProfile(null, FP32, FP32, false)).isEqualTo(Thresholds.converted());
        assertThat(Thresholds.forProfile(null, FP32, FP32, true)).isEqualTo(Thresholds.platform(false));
        assertThat(Thresholds.forProfile(null, INT8, INT8, true)).isEqualTo(Thresholds.platform(true));
    }

    @Test
    void forProfile_namedProfileWinsInEitherSpelling() {
        assertThat(Thresholds.forProfile("converted", FP32, INT8, false)).isEqualTo(Thresholds.converted());
        assertThat(Thresholds.forProfile("quantized", FP32, FP32, false)).isEqualTo(Thresholds.quantised());
        assertThat(Thresholds.forProfile("quantised", FP32, FP32, false)).isEqualTo(Thresholds.quantised());
        assertThat(Thresholds.forProfile("platform", INT8, INT8, false)).isEqualTo(Thresholds.platform(true));
    }

    @Test
    void forProfile_unknownNameIsBadInputNamingTheField() {
        assertThatThrownBy(() -> Thresholds.forProfile("strict", FP32, FP32, false))
                .isInstanceOfSatisfying(BadInputException.class, e -> {
                    assertThat(e.fields()).containsExactly("profile");
                    assertThat(e).hasMessage("profile must be converted, quantised or platform, found \"strict\"");
                });
    }
}
