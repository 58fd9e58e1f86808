package dev.ebb.bench.lagpoll;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LagPollBenchmarkTest {

    @Test
    void defaultsToAThousandGroupsWithLiveMembersAtOnePollPerSecond() {
        LagPollBenchmark.Options o = LagPollBenchmark.parse(new String[0]);

        assertThat(o.groups()).isEqualTo(1000);
        assertThat(o.topics() * o.partitions()).isEqualTo(10_000);
        assertThat(o.members()).isTrue();
        assertThat(o.cadence()).isEqualTo(Duration.ofSeconds(1));
        assertThat(o.polls()).isGreaterThanOrEqualTo(100);
    }

    @Test
    void refusesLayoutsWhereALiveMemberWouldOwnPartitionsOfOtherGroups() {
        assertThatThrownBy(() -> LagPollBenchmark.parse(new String[] {"--topics", "100", "--partitions", "100"}))
                .hasMessageContaining("Invalid value 10 for --partitions-per-group with --members on");
        assertThat(LagPollBenchmark.parse(new String[] {"--topics", "100", "--partitions", "100", "--groups", "100",
                "--members", "off"}).members()).isFalse();
        assertThatThrownBy(() -> LagPollBenchmark.parse(new String[] {"--members", "maybe", "--cadence", "x"}))
                .hasMessageContaining("Invalid value 'maybe' for --members")
                .hasMessageContaining("--cadence");
    }

    @Test
    void percentileTakesTheNearestRank() {
        double[] sorted = new double[100];
        for (int i = 0; i < 100; i++) {
            sorted[i] = i + 1;
        }

        assertThat(LagPollBenchmark.percentile(sorted, 50)).isEqualTo(50);
        assertThat(LagPollBenchmark.percentile(sorted, 99)).isEqualTo(99);
        assertThat(LagPollBenchmark.percentile(new double[] {7}, 99)).isEqualTo(7);
    }

    @Test
    void cadenceSleepsUntilEachSlotAndStartsAtOnceAfterAnOverrun() throws InterruptedException {
        long[] now = {1_000};
        List<Long> sleeps = new ArrayList<>();
        Cadence cadence = new Cadence(Duration.ofNanos(100_000_000L),
                () -> now[0], nanos -> {
                    sleeps.add(nanos);
                    now[0] += nanos;
                });

        long first = cadence.awaitNext();
        now[0] += 30_000_000L;                       // a 30 ms poll
        long second = cadence.awaitNext();
        now[0] += 250_000_000L;                      // a 250 ms poll overruns the next slot
        long third = cadence.awaitNext();
        now[0] += 10_000_000L;
        long fourth = cadence.awaitNext();

        assertThat(first).isEqualTo(1_000);
        assertThat(second).isEqualTo(1_000 + 100_000_000L);
        assertThat(third).isEqualTo(second + 250_000_000L);
        assertThat(fourth).isEqualTo(third + 100_000_000L);
        assertThat(sleeps).containsExactly(70_000_000L, 90_000_000L);
        assertThat(cadence.overruns()).isEqualTo(1);
    }

    @Test
    void slowestPollsComeFirstAndTheTableShowsWhatTheyReadNextToTheMedianPoll() {
        List<LagPollBenchmark.PollSample> polls = List.of(
                new LagPollBenchmark.PollSample(0, 200, 40, 150, 10, 130, 400, 0, 3.0),
                new LagPollBenchmark.PollSample(1, 650, 90, 540, 20, 660, 2300, 35, 9.0),
                new LagPollBenchmark.PollSample(2, 210, 45, 155, 10, 120, 450, 0, 3.5));

        assertThat(LagPollBenchmark.slowest(polls, 2)).extracting(LagPollBenchmark.PollSample::index)
                .containsExactly(1, 2);
        assertThat(LagPollReport.summary(new int[] {130, 660, 120})).satisfies(s -> {
            assertThat(s.max()).isEqualTo(660);
            assertThat(s.mean()).isCloseTo(303.3, org.assertj.core.data.Offset.offset(0.1));
        });
    }
}
