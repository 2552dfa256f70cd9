package lambert.toolkit.tune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import lambert.toolkit.BadInputException;
import lambert.toolkit.cost.Prices;
import lambert.toolkit.emulator.FunctionExitedException;
import lambert.toolkit.emulator.InitFailedException;
import lambert.toolkit.emulator.Report;
import lambert.toolkit.packaging.CpuArch;
import org.junit.jupiter.api.Test;

/** The sweep's statistics, outlier rule and choices, on a target whose figures the test makes up. */
class SweepTest {

    /** A target that answers with durations from a function of the memory size and the call's index. */
    static class FakeTarget implements TuneTarget {
        final Map<Integer, Double> initMs;
        final DurationModel durations;
        final List<String> calls = new ArrayList<>();
        IntFunction<Long> memoryUsed = mb -> 100L;
        int current = -1;
        int index;
        boolean closed;

        interface DurationModel {
            double at(int memoryMb, int index);
        }

        FakeTarget(Map<Integer, Double> initMs, DurationModel durations) {
            this.initMs = initMs;
            this.durations = durations;
        }

        @Override
        public String describe() {
            return "fake";
        }

        @Override
        public List<Report> run(int memoryMb, int warmup, int invocations, byte[] event) throws Exception {
            calls.add(memoryMb + ":" + warmup + ":" + invocations);
            boolean fresh = memoryMb != current;
            if (fresh) {
                current = memoryMb;
                index = 0;
                if (!initMs.containsKey(memoryMb)) {
                    throw new InitFailedException("Runtime.ExitError", "out of memory at " + memoryMb + " MB");
                }
            }
            index += warmup;
            List<Report> reports = new ArrayList<>();
            for (int i = 0; i < invocations; i++) {
                double d = durations.at(memoryMb, index++);
                double init = fresh && i == 0 ? initMs.get(memoryMb) : -1;
                reports.add(new Report("r" + index, d, (long) Math.ceil(d + Math.max(0, init)), memoryMb,
                        memoryUsed.apply(memoryMb), init, "success", new byte[0]));
            }
            return reports;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private static TuneResult sweep(FakeTarget target, int warmup, int invocations, Integer... sizes)
            throws Exception {
        return new Sweep(target, Prices.DEFAULT, CpuArch.X86_64, warmup, invocations).run(List.of(sizes),
                new byte[0], (mb, step) -> {});
    }

    @Test
    void run_coldStartThenWarmupThenMeasuredAtEachSize() throws Exception {
        FakeTarget target = new FakeTarget(Map.of(512, 900.0, 1024, 500.0), (mb, i) -> 10.0);
        TuneResult r = sweep(target, 5, 20, 512, 1024);
        assertThat(target.calls).containsExactly("512:0:1", "512:5:20", "1024:0:1", "1024:5:20");
        assertThat(r.sizes()).extracting(SizeResult::initMs).containsExactly(900.0, 500.0);
        assertThat(r.sizes()).extracting(SizeResult::measured).containsExactly(20, 20);
        assertThat(r.target()).isEqualTo("fake");
    }

    @Test
    void summarise_percentilesAndBilledMeanOverTheKeptInvocations() throws Exception {
        // Durations 1.5, 2.5, ... 100.5 ms at 1024 MB; 100.5 dropped; nearest rank over 99: p50 50.5, p90 90.5.
        FakeTarget target = new FakeTarget(Map.of(1024, 300.0), (mb, i) -> i + 0.5);
        SizeResult s = sweep(target, 0, 100, 1024).sizes().get(0);
        assertThat(s.dropped()).isEqualTo(1);
        assertThat(s.p50Ms()).isEqualTo(50.5);
        assertThat(s.p90Ms()).isEqualTo(90.5);
        // billed: ceil(1.5 .. 99.5) = 2 .. 100, mean 51 (the slowest, 100.5, dropped)
        assertThat(s.billedMeanMs()).isCloseTo(51.0, within(1e-9));
        assertThat(s.usdPerMillion()).isCloseTo(0.20 + 1e6 * 0.051 * 1.0 * 0.0000166667, within(1e-9));
    }

    @Test
    void outliers_theSlowestOnePercentIsDroppedAndCounted() throws Exception {
        // 300 calls of 4 ms, three of them 900 ms (a GC pause, a noisy neighbour): all three go.
        FakeTarget target = new FakeTarget(Map.of(512, 1.0), (mb, i) -> i % 100 == 50 ? 900.0 : 4.0);
        SizeResult s = sweep(target, 0, 300, 512).sizes().get(0);
        assertThat(s.dropped()).isEqualTo(3);
        assertThat(s.billedMeanMs()).isEqualTo(4.0);
        // Under 100 invocations nothing is dropped, so a slow call stays visible.
        SizeResult few = sweep(new FakeTarget(Map.of(512, 1.0), (mb, i) -> i == 10 ? 900.0 : 4.0), 0, 50, 512)
                .sizes().get(0);
        assertThat(few.dropped()).isZero();
        assertThat(few.billedMeanMs()).isCloseTo((49 * 4 + 900) / 50.0, within(1e-9));
    }

    @Test
    void throttledCalls_areBilledNotDropped() throws Exception {
        // At a small size every third call waits for CPU: a third of the calls is no outlier.
        FakeTarget target = new FakeTarget(Map.of(128, 5000.0), (mb, i) -> i % 3 == 0 ? 90.0 : 5.0);
        SizeResult s = sweep(target, 0, 300, 128).sizes().get(0);
        assertThat(s.dropped()).isEqualTo(3);
        assertThat(s.p50Ms()).isEqualTo(5.0);
        assertThat(s.p90Ms()).isEqualTo(90.0);
        assertThat(s.billedMeanMs()).isGreaterThan(30);
    }

    @Test
    void choices_cheapestFastestAndBalanced() throws Exception {
        // 1 vCPU at 1769 MB: below it the 3 ms of CPU stretch; above it nothing gets faster.
        FakeTarget target = new FakeTarget(Map.of(256, 2000.0, 512, 1000.0, 1024, 600.0, 1769, 450.0, 3008, 440.0),
                (mb, i) -> mb >= 1769 ? 3.0 - (mb == 3008 ? 0.1 : 0) : 3.0 * 1769 / mb);
        TuneResult r = sweep(target, 0, 10, 256, 512, 1024, 1769, 3008);
        // billed: 21, 11, 6, 3, 3 ms; GB-ms 5.25, 5.5, 6, 5.18, 8.8 → 1769 MB is cheapest.
        // balanced: p90 within 1.5 x 2.9 ms leaves 1769 and 3008 MB; 1769 MB is the cheaper.
        assertThat(r.cheapest()).get().extracting(SizeResult::memoryMb).isEqualTo(1769);
        assertThat(r.fastest()).get().extracting(SizeResult::memoryMb).isEqualTo(3008);
        assertThat(r.balanced()).get().extracting(SizeResult::memoryMb).isEqualTo(1769);
    }

    @Test
    void balanced_prefersMuchFasterForLittleMore() throws Exception {
        // 256 MB: 19.5 ms (billed 20) for $0.283; 1024 MB: 5.5 ms (billed 6) for $0.300: 256 MB is far off 1.5 x 5.5.
        FakeTarget target = new FakeTarget(Map.of(256, 1.0, 1024, 1.0), (mb, i) -> mb == 256 ? 19.5 : 5.5);
        TuneResult r = sweep(target, 0, 10, 256, 1024);
        SizeResult small = r.sizes().get(0);
        SizeResult large = r.sizes().get(1);
        assertThat(small.usdPerMillion()).isLessThan(large.usdPerMillion());
        assertThat(r.cheapest()).get().isEqualTo(small);
        assertThat(r.balanced()).get().isEqualTo(large);
    }

    @Test
    void balanced_isTheCheapestWithinOneAndAHalfTimesTheFastestP90() throws Exception {
        // Like the README's sweep: 1024 MB a little slower than 3008 MB, and much cheaper.
        FakeTarget target = new FakeTarget(Map.of(1024, 1.0, 1769, 1.0, 3008, 1.0),
                (mb, i) -> mb == 1024 ? 4.1 : mb == 1769 ? 3.75 : 2.88);
        TuneResult r = sweep(target, 0, 10, 1024, 1769, 3008);
        assertThat(r.fastest()).get().extracting(SizeResult::memoryMb).isEqualTo(3008);
        assertThat(r.cheapest()).get().extracting(SizeResult::memoryMb).isEqualTo(1024);
        assertThat(r.balanced()).get().extracting(SizeResult::memoryMb).isEqualTo(1024);
        // 1024 MB past 1.5 x 2.88 ms: the next cheapest within it.
        FakeTarget slower = new FakeTarget(Map.of(1024, 1.0, 1769, 1.0, 3008, 1.0),
                (mb, i) -> mb == 1024 ? 4.5 : mb == 1769 ? 3.75 : 2.88);
        assertThat(sweep(slower, 0, 10, 1024, 1769, 3008).balanced()).get().extracting(SizeResult::memoryMb)
                .isEqualTo(1769);
    }

    @Test
    void initFailure_isRecordedAndTheSweepGoesOn() throws Exception {
        FakeTarget target = new FakeTarget(Map.of(1024, 500.0), (mb, i) -> 4.0);
        TuneResult r = sweep(target, 0, 5, 128, 1024);
        assertThat(r.sizes().get(0).usable()).isFalse();
        assertThat(r.sizes().get(0).error()).isEqualTo("init error (Runtime.ExitError): out of memory at 128 MB");
        assertThat(r.sizes().get(1).usable()).isTrue();
        assertThat(r.cheapest()).get().extracting(SizeResult::memoryMb).isEqualTo(1024);
    }

    @Test
    void processExit_isRecordedAndTheSweepGoesOn() throws Exception {
        FakeTarget target = new FakeTarget(Map.of(256, 1.0, 1024, 1.0), (mb, i) -> 4.0) {
            @Override
            public List<Report> run(int memoryMb, int warmup, int invocations, byte[] event) throws Exception {
                if (memoryMb == 256 && warmup > 0) {
                    throw new FunctionExitedException("the function's process exited with status 137");
                }
                return super.run(memoryMb, warmup, invocations, event);
            }
        };
        TuneResult r = sweep(target, 2, 5, 256, 1024);
        assertThat(r.sizes().get(0).error()).isEqualTo("the function's process exited with status 137");
        assertThat(r.sizes().get(1).usable()).isTrue();
    }

    @Test
    void overMemory_isNotUsable() throws Exception {
        FakeTarget target = new FakeTarget(Map.of(128, 5000.0, 512, 900.0), (mb, i) -> 4.0);
        target.memoryUsed = mb -> 134L;
        TuneResult r = sweep(target, 0, 5, 128, 512);
        assertThat(r.sizes().get(0).error()).contains("Max Memory Used 134 MB is over the 128 MB memory size");
        assertThat(r.cheapest()).get().extracting(SizeResult::memoryMb).isEqualTo(512);
    }

    @Test
    void noUsableSize_meansNoChoice() throws Exception {
        TuneResult r = sweep(new FakeTarget(Map.of(), (mb, i) -> 4.0), 0, 5, 128, 256);
        assertThat(r.cheapest()).isEmpty();
        assertThat(r.fastest()).isEmpty();
        assertThat(r.balanced()).isEmpty();
    }

    @Test
    void settings_outOfRangeNameTheSettingWithoutOptionSyntax() {
        FakeTarget target = new FakeTarget(Map.of(), (mb, i) -> 4.0);
        assertThatThrownBy(() -> new Sweep(target, Prices.DEFAULT, CpuArch.X86_64, -1, 10))
                .isInstanceOfSatisfying(BadInputException.class, e -> assertThat(e.fields()).containsExactly("warmup"))
                .hasMessage("warmup must be 0 or more, found -1");
        assertThatThrownBy(() -> new Sweep(target, Prices.DEFAULT, CpuArch.X86_64, 0, 0))
                .isInstanceOfSatisfying(BadInputException.class,
                        e -> assertThat(e.fields()).containsExactly("invocations"))
                .hasMessage("invocations must be at least 1, found 0");
    }
}
