package lambert.runtime.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class MicroBatchesTest {
    @Test
    void plan_groupsLongestFirstWithinTheBudget() {
        int[] lengths = {5, 100, 7, 100, 6, 50};
        List<int[]> batches = MicroBatches.plan(lengths, 200, 8);
        assertThat(batches).extracting(Arrays::toString).containsExactly("[1, 3]", "[5, 2, 4, 0]");
        for (int[] batch : batches) {
            int width = IntStream.of(batch).map(i -> lengths[i]).max().orElseThrow();
            assertThat(batch.length * width).isLessThanOrEqualTo(200);
        }
    }

    @Test
    void plan_everyTextAppearsExactlyOnce() {
        int[] lengths = IntStream.range(0, 1000).map(i -> 3 + (i * 37) % 250).toArray();
        List<int[]> batches = MicroBatches.plan(lengths, 4096, 8);
        int[] seen = batches.stream().flatMapToInt(IntStream::of).sorted().toArray();
        assertThat(seen).isEqualTo(IntStream.range(0, 1000).toArray());
        assertThat(batches).allSatisfy(b -> assertThat(b.length).isBetween(1, 8));
    }

    @Test
    void plan_textLongerThanTheBudgetStillGetsABatchOfItsOwn() {
        assertThat(MicroBatches.plan(new int[] {512, 3}, 100, 8)).extracting(Arrays::toString)
                .containsExactly("[0]", "[1]");
    }

    @Test
    void plan_rowLimitOfOneAnswersOneTextAtATime() {
        assertThat(MicroBatches.plan(new int[] {4, 4, 4}, 8192, 1)).hasSize(3);
    }

    @Test
    void plan_nonPositiveLimitsAreRefused() {
        assertThatThrownBy(() -> MicroBatches.plan(new int[] {1}, 0, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("found 0 and 1");
    }
}
