package lambert.toolkit.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.charset.StandardCharsets;
import lambert.toolkit.BadInputException;
import lambert.toolkit.packaging.CpuArch;
import org.junit.jupiter.api.Test;

/** The cost arithmetic against AWS's published prices and examples. */
class CostEstimateTest {
    private static final Prices P = Prices.DEFAULT;

    @Test
    void builtInTable_hasAwsFirstTierPricesWithDateAndRegion() {
        assertThat(P.date()).isEqualTo("2026-11");
        assertThat(P.region()).isEqualTo("us-east-1");
        assertThat(P.requestPerMillion()).isEqualTo(0.20);
        assertThat(P.x86().durationGbSecond()).isEqualTo(0.0000166667);
        assertThat(P.arm().durationGbSecond()).isEqualTo(0.0000133334);
        assertThat(P.x86().provisionedGbSecond()).isEqualTo(0.0000041667);
        assertThat(P.x86().provisionedDurationGbSecond()).isEqualTo(0.0000097222);
        assertThat(P.arm().provisionedGbSecond()).isEqualTo(0.0000033334);
        assertThat(P.arm().provisionedDurationGbSecond()).isEqualTo(0.0000077778);
    }

    @Test
    void onDemand_reproducesAwsExample1GbFor100msAMillionTimes() {
        CostEstimate e = CostEstimate.of(P, CostEstimate.Usage.onDemand(1024, 100, CpuArch.X86_64, 1_000_000));
        assertThat(e.requestCharge()).isCloseTo(0.20, within(1e-9));
        assertThat(e.durationCharge()).isCloseTo(1.66667, within(1e-5));
        assertThat(String.format("%.2f", e.total())).isEqualTo("1.87");
        assertThat(e.perMillion()).isCloseTo(e.total(), within(1e-9));
        assertThat(e.perRequest()).isCloseTo(1.86667e-6, within(1e-11));
    }

    @Test
    void onDemand_arm64IsTwentyPercentCheaperPerGbSecond() {
        CostEstimate e = CostEstimate.of(P, CostEstimate.Usage.onDemand(1024, 100, CpuArch.ARM64, 1_000_000));
        assertThat(e.durationCharge()).isCloseTo(1.33334, within(1e-5));
        assertThat(String.format("%.2f", e.total())).isEqualTo("1.53");
    }

    @Test
    void billedDuration_roundsUpToTheMillisecond() {
        CostEstimate e = CostEstimate.of(P, CostEstimate.Usage.onDemand(1024, 2.1, CpuArch.X86_64, 1_000_000));
        assertThat(e.billedWarmMs()).isEqualTo(3);
        assertThat(e.gbSeconds()).isCloseTo(3000, within(1e-6));
    }

    @Test
    void coldStarts_billTheirInitDuration() {
        // 1% of a million requests cold, INIT 450 ms: each is billed ceil(450 + 3.2) = 454 ms instead of 4 ms.
        CostEstimate e = CostEstimate.of(P, new CostEstimate.Usage(512, 3.2, CpuArch.X86_64, 1_000_000, 450,
                0.01, 0, 0));
        assertThat(e.billedWarmMs()).isEqualTo(4);
        assertThat(e.billedColdMs()).isEqualTo(454);
        double initGbs = 10_000 * 0.450 * 0.5;
        assertThat(e.initCharge()).isCloseTo(initGbs * 0.0000166667, within(1e-9));
        assertThat(e.durationCharge()).isCloseTo(1_000_000 * 0.004 * 0.5 * 0.0000166667, within(1e-9));
        assertThat(e.total()).isCloseTo(0.20 + e.durationCharge() + e.initCharge(), within(1e-12));
    }

    @Test
    void provisioned_chargesTheReservationAndTheLowerDurationPrice() {
        // AWS's pricing example shape: concurrency 2 at 1 GB for a 730-hour month.
        CostEstimate e = CostEstimate.of(P, new CostEstimate.Usage(1024, 100, CpuArch.X86_64, 1_000_000, 0, 0, 2,
                730));
        assertThat(e.provisionedCharge()).isCloseTo(2 * 1.0 * 730 * 3600 * 0.0000041667, within(1e-6));
        assertThat(e.durationCharge()).isCloseTo(100_000 * 0.0000097222, within(1e-9));
        assertThat(e.initCharge()).isZero();
        assertThat(e.total()).isCloseTo(0.20 + 0.97222 + 21.900175, within(1e-4));
    }

    @Test
    void usage_outOfRangeNamesTheFieldWithoutOptionSyntax() {
        assertThatThrownBy(() -> CostEstimate.Usage.onDemand(64, 100, CpuArch.X86_64, 1))
                .isInstanceOfSatisfying(BadInputException.class, e -> assertThat(e.fields()).containsExactly("memory"))
                .hasMessage("memory must be between 128 and 10240 MB (Lambda's range), found 64");
        assertThatThrownBy(() -> new CostEstimate.Usage(512, 3, CpuArch.X86_64, 1, 100, 1.5, 0, 0))
                .hasMessageStartingWith("cold-ratio must be").hasMessageNotContaining("--");
        assertThatThrownBy(() -> new CostEstimate.Usage(512, 3, CpuArch.X86_64, 1, 0, 0, 1, 0))
                .hasMessageStartingWith("hours must be").hasMessageNotContaining("--");
    }

    @Test
    void parse_badTableNamesTheFieldThatIsWrong() {
        String good = "{\"date\": \"2027-01\", \"region\": \"eu-west-1\", \"request_per_million\": 0.2, "
                + "\"x86_64\": {\"duration_gb_second\": 0.00002, \"provisioned_gb_second\": 0.000005, "
                + "\"provisioned_duration_gb_second\": 0.00001}, "
                + "\"arm64\": {\"duration_gb_second\": 0.000016, \"provisioned_gb_second\": 0.000004, "
                + "\"provisioned_duration_gb_second\": 0.000008}}";
        assertThat(Prices.parse(good.getBytes(StandardCharsets.UTF_8), "p.json").x86().durationGbSecond())
                .isEqualTo(0.00002);
        assertThatThrownBy(() -> Prices.parse(good.replace("\"duration_gb_second\": 0.00002", "\"duration_gb_second\": "
                + "\"cheap\"").getBytes(StandardCharsets.UTF_8), "p.json")).isInstanceOf(BadInputException.class)
                .hasMessage("p.json: field \"x86_64.duration_gb_second\" must be a number (USD), found string");
        assertThatThrownBy(() -> Prices.parse(good.replace("\"request_per_million\": 0.2", "\"request_per_million\": "
                + "-1").getBytes(StandardCharsets.UTF_8), "p.json"))
                .hasMessageContaining("\"request_per_million\" must be zero or more");
        assertThatThrownBy(() -> Prices.parse(good.replace("\"region\"", "\"regoin\"")
                .getBytes(StandardCharsets.UTF_8), "p.json")).hasMessageContaining("unknown field \"regoin\"");
        assertThatThrownBy(() -> Prices.parse(good.replace(", \"arm64\": {", ", \"arm\": {")
                .getBytes(StandardCharsets.UTF_8), "p.json")).hasMessageContaining("\"arm\"");
        assertThatThrownBy(() -> Prices.parse("{\"date\": ".getBytes(StandardCharsets.UTF_8), "p.json"))
                .hasMessageContaining("p.json is not valid JSON");
    }
}
