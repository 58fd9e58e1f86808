package dev.ebb.scaler.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.scaler.policy.WorkloadState.Sample;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one arrival-rate estimator: the median of the per-poll rates within the last 5 s. */
class ArrivalEstimatorTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    /** Samples one second apart whose end offsets grow by {@code perSecond[i]} in second {@code i + 1}. */
    private static List<Sample> polls(long... perSecond) {
        List<Sample> samples = new ArrayList<>();
        long end = 1_000;
        samples.add(new Sample(T0, 0, end, 4));
        for (int i = 0; i < perSecond.length; i++) {
            end += perSecond[i];
            samples.add(new Sample(T0.plusSeconds(i + 1), 0, end, 4));
        }
        return samples;
    }

    private static double estimate(List<Sample> samples) {
        List<Sample> history = samples.subList(0, samples.size() - 1);
        return ArrivalEstimator.estimate(history, samples.get(samples.size() - 1)).orElseThrow();
    }

    @Test
    void isEmptyOnTheFirstObservation() {
        assertThat(ArrivalEstimator.estimate(List.of(), new Sample(T0, 0, 100, 4))).isEmpty();
    }

    @Test
    void ignoresABurstShorterThanHalfTheWindow() {
        assertThat(estimate(polls(100, 100, 5_000, 100, 100))).isEqualTo(100.0);
    }

    @Test
    void followsAStepOnceMostPollsOfTheWindowAgree() {
        assertThat(estimate(polls(100, 100, 100, 900, 900))).isEqualTo(100.0);
        assertThat(estimate(polls(100, 100, 100, 900, 900, 900))).isEqualTo(900.0);
    }

    @Test
    void readsZeroOnceArrivalsHaveStoppedForMostOfTheWindow() {
        assertThat(estimate(polls(300, 300, 300, 300, 300, 300, 0, 0, 0))).isEqualTo(0.0);
    }

    @Test
    void stopsAtAChangeOfThePartitionCount() {
        List<Sample> history = List.of(new Sample(T0, 0, 0, 4), new Sample(T0.plusSeconds(1), 0, 1_000, 8));
        Sample latest = new Sample(T0.plusSeconds(2), 0, 1_500, 8);

        assertThat(ArrivalEstimator.estimate(history, latest)).hasValue(500.0);
        assertThat(ArrivalEstimator.rate(history.get(0), history.get(1))).isEmpty();
    }
}
