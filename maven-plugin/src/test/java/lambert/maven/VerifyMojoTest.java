package lambert.maven;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.junit.jupiter.api.Test;

/** {@code lambert:verify} on the real all-MiniLM-L6-v2 fp32 and its int8 export. */
class VerifyMojoTest {
    private static VerifyMojo mojo() {
        VerifyMojo mojo = new VerifyMojo();
        mojo.reference = "minilm";
        mojo.candidate = "minilm-int8";
        mojo.sample = 24;
        return mojo;
    }

    @Test
    void verify_shippedInt8FailsTheQuantisedProfileChosenByDefault() {
        // The shipped int8 export's mean cosine against fp32 is under 0.99 (README: 0.98691 on 200 texts).
        assertThatThrownBy(() -> mojo().execute()).isExactlyInstanceOf(MojoFailureException.class)
                .hasMessageStartingWith("lambert: minilm-int8 does not answer as minilm (profile quantised): "
                        + "mean cosine 0.9").hasMessageContaining(" is under 0.99000; worst text #");
    }

    @Test
    void verify_meanCosineOverrideUnderWhatInt8ReachesPasses() {
        VerifyMojo mojo = mojo();
        mojo.minMeanCosine = 0.98;
        assertThatCode(mojo::execute).doesNotThrowAnyException();
    }

    @Test
    void verify_int8HeldToTheConvertedProfileFailsTheBuildNamingTheBoundAndTheWorstText() {
        VerifyMojo mojo = mojo();
        mojo.profile = "converted";
        assertThatThrownBy(mojo::execute).isExactlyInstanceOf(MojoFailureException.class)
                .hasMessageStartingWith("lambert: minilm-int8 does not answer as minilm (profile converted): "
                        + "max abs diff ").hasMessageContaining("; worst text #");
    }

    @Test
    void verify_overrideIsApplied() {
        VerifyMojo mojo = mojo();
        mojo.minCosine = 0.99999;
        assertThatThrownBy(mojo::execute).isExactlyInstanceOf(MojoFailureException.class)
                .hasMessageContaining("quantised (with overrides)").hasMessageContaining("min cosine");
    }

    @Test
    void verify_unknownProfileOrSampleIsAConfigurationError() {
        VerifyMojo profile = mojo();
        profile.profile = "strict";
        assertThatThrownBy(profile::execute).isExactlyInstanceOf(MojoExecutionException.class)
                .hasMessage("lambert: <profile> must be converted, quantised or platform, found \"strict\"");
        VerifyMojo sample = mojo();
        sample.sample = 0;
        assertThatThrownBy(sample::execute).isExactlyInstanceOf(MojoExecutionException.class)
                .hasMessageStartingWith("lambert: <sample>: ");
    }
}
