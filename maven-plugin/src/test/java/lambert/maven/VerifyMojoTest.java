package lambert.maven;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.junit.jupiter.api.Test;

/** {@code lambert:verify} on the real all-MiniLM-L6-v2 fp32, lambert's own int8 of it and the int8 export shipped. */
class VerifyMojoTest {
    private static VerifyMojo mojo() {
        VerifyMojo mojo = new VerifyMojo();
        mojo.reference = "minilm";
        mojo.candidate = "minilm-int8-export";
        mojo.sample = 24;
        return mojo;
    }

    @Test
    void verify_lambertsOwnInt8PassesTheQuantisedProfileChosenByDefault() {
        // lambert's blockwise int8 holds mean cosine >= 0.999 against fp32 (BlockwiseMiniLmTest), over the profile's 0.99
        VerifyMojo mojo = mojo();
        mojo.candidate = "minilm-int8";
        assertThatCode(mojo::execute).doesNotThrowAnyException();
    }

    @Test
    void verify_shippedInt8FailsTheQuantisedProfileChosenByDefault() {
        // The shipped int8 export's mean cosine against fp32 is under 0.99 (README: 0.98691 on 200 texts).
        assertThatThrownBy(() -> mojo().execute()).isExactlyInstanceOf(MojoFailureException.class)
                .hasMessageStartingWith("lambert: minilm-int8-export does not answer as minilm (profile quantised): "
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
                .hasMessageStartingWith("lambert: minilm-int8-export does not answer as minilm (profile converted): "
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
