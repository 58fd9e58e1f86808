package dev.ebb.scaler.lag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.ebb.scaler.policy.OffsetResetPolicy;
import dev.ebb.scaler.policy.Observation;
import dev.ebb.scaler.policy.PartitionLag;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class ObservationHistoryTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static Instant at(long seconds) {
        return T0.plusSeconds(seconds);
    }

    private static PartitionLag p(int partition, long end, long committed) {
        return LagCalculator.partition("orders", partition, end, 0, OptionalLong.of(committed), OffsetResetPolicy.LATEST);
    }

    private static PartitionLag uncommitted(int partition, long end, OffsetResetPolicy reset) {
        return LagCalculator.partition("orders", partition, end, 0, OptionalLong.empty(), reset);
    }

    private final ObservationHistory history = new ObservationHistory(10, Duration.ofSeconds(30));

    @Test
    void ratesAndTimeLagAreUnknownAfterOneSample() {
        Observation.Lag lag = history.record(at(0), List.of(p(0, 100, 50)), OptionalInt.empty());

        assertThat(lag.arrivalRate()).isEmpty();
        assertThat(lag.consumptionRate()).isEmpty();
        assertThat(lag.timeLag()).isEmpty();
        assertThat(lag.totalLag()).isEqualTo(50);
    }

    @Test
    void ratesComeFromOffsetDeltasOverTime() {
        history.record(at(0), List.of(p(0, 100, 50), p(1, 0, 0)), OptionalInt.empty());
        Observation.Lag lag = history.record(at(10), List.of(p(0, 200, 80), p(1, 50, 20)), OptionalInt.of(2));

        assertThat(lag.arrivalRate()).hasValue(15.0);     // (100 + 50) / 10 s
        assertThat(lag.consumptionRate()).hasValue(5.0);  // (30 + 20) / 10 s
        assertThat(lag.members()).hasValue(2);
    }

    @Test
    void ratesUseOnlySamplesInsideTheWindow() {
        // 10/s for a long time, then 100/s for the last 30 s: the window sees only the recent rate.
        history.record(at(0), List.of(p(0, 0, 0)), OptionalInt.empty());
        history.record(at(60), List.of(p(0, 600, 600)), OptionalInt.empty());
        history.record(at(70), List.of(p(0, 1600, 1600)), OptionalInt.empty());
        history.record(at(80), List.of(p(0, 2600, 2600)), OptionalInt.empty());
        Observation.Lag lag = history.record(at(90), List.of(p(0, 3600, 3600)), OptionalInt.empty());

        assertThat(lag.arrivalRate().getAsDouble()).isCloseTo(100.0, within(1e-9));
    }

    @Test
    void committedOffsetGoingBackwardsCountsAsNoConsumption() {
        history.record(at(0), List.of(p(0, 1000, 900)), OptionalInt.empty());
        Observation.Lag lag = history.record(at(10), List.of(p(0, 1000, 100)), OptionalInt.empty());

        assertThat(lag.consumptionRate()).hasValue(0.0);
        assertThat(lag.arrivalRate()).hasValue(0.0);
    }

    @Test
    void firstCommitDoesNotCountAsConsumption() {
        history.record(at(0), List.of(uncommitted(0, 1000, OffsetResetPolicy.EARLIEST)), OptionalInt.empty());
        Observation.Lag lag = history.record(at(10), List.of(p(0, 1000, 900)), OptionalInt.empty());

        assertThat(lag.consumptionRate()).hasValue(0.0);
    }

    @Test
    void endOffsetGoingBackwardsRestartsTheHistory() {
        history.record(at(0), List.of(p(0, 1000, 900)), OptionalInt.empty());
        history.record(at(10), List.of(p(0, 1100, 1000)), OptionalInt.empty());
        Observation.Lag lag = history.record(at(20), List.of(p(0, 10, 0)), OptionalInt.empty());

        assertThat(history.size()).isEqualTo(1);
        assertThat(lag.arrivalRate()).isEmpty();
        assertThat(lag.timeLag()).isEmpty();
    }

    @Test
    void timeLagInterpolatesTheEndOffsetHistoryAtTheCommittedOffset() {
        history.record(at(0), List.of(p(0, 100, 0)), OptionalInt.empty());
        history.record(at(10), List.of(p(0, 200, 0)), OptionalInt.empty());
        // Offset 150 was appended half-way between t=0 (end 100) and t=10 (end 200): at t=5; now is t=20.
        Observation.Lag lag = history.record(at(20), List.of(p(0, 300, 150)), OptionalInt.empty());

        assertThat(lag.timeLag()).hasValue(Duration.ofSeconds(15));
    }

    @Test
    void timeLagIsZeroWhenCaughtUp() {
        history.record(at(0), List.of(p(0, 100, 100)), OptionalInt.empty());
        Observation.Lag lag = history.record(at(10), List.of(p(0, 200, 200)), OptionalInt.empty());

        assertThat(lag.timeLag()).hasValue(Duration.ZERO);
    }

    @Test
    void timeLagIsTheMaximumOverPartitions() {
        history.record(at(0), List.of(p(0, 0, 0), p(1, 0, 0)), OptionalInt.empty());
        history.record(at(10), List.of(p(0, 100, 0), p(1, 100, 0)), OptionalInt.empty());
        Observation.Lag lag = history.record(at(20), List.of(p(0, 200, 190), p(1, 200, 50)), OptionalInt.empty());

        // partition 1: offset 50 appended at t=5 → 15 s; partition 0: offset 190 at t=19 → 1 s.
        assertThat(lag.timeLag()).hasValue(Duration.ofSeconds(15));
    }

    @Test
    void timeLagExtrapolatesWhenTheOldestUnconsumedRecordIsOlderThanTheHistory() {
        history.record(at(100), List.of(p(0, 1000, 0)), OptionalInt.empty());
        // 10 records/s over the history: offset 500 is estimated 50 s before t=100.
        Observation.Lag lag = history.record(at(110), List.of(p(0, 1100, 500)), OptionalInt.empty());

        assertThat(lag.timeLag()).hasValue(Duration.ofSeconds(60));
    }

    @Test
    void timeLagIsUnknownWhenALaggingPartitionSawNoArrivals() {
        history.record(at(0), List.of(p(0, 1000, 0)), OptionalInt.empty());
        Observation.Lag lag = history.record(at(10), List.of(p(0, 1000, 0)), OptionalInt.empty());

        assertThat(lag.totalLag()).isEqualTo(1000);
        assertThat(lag.timeLag()).isEmpty();
    }

    @Test
    void timeLagUsesTheConsumedPositionForDeletedRecords() {
        history.record(at(0), List.of(p(0, 100, 0)), OptionalInt.empty());
        history.record(at(10), List.of(p(0, 200, 0)), OptionalInt.empty());
        // Committed 0 but records below 150 were deleted: the oldest unconsumed record is 150, appended at t=5.
        PartitionLag deleted = LagCalculator.partition("orders", 0, 300, 150, OptionalLong.of(0), OffsetResetPolicy.LATEST);
        Observation.Lag lag = history.record(at(20), List.of(deleted), OptionalInt.empty());

        assertThat(lag.totalLag()).isEqualTo(150);
        assertThat(lag.timeLag()).hasValue(Duration.ofSeconds(15));
    }

    @Test
    void keepsAtMostCapacitySamples() {
        ObservationHistory small = new ObservationHistory(3, Duration.ofMinutes(5));
        for (int i = 0; i < 10; i++) {
            small.record(at(i), List.of(p(0, i * 10L, i * 10L)), OptionalInt.empty());
        }

        assertThat(small.size()).isEqualTo(3);
        assertThat(small.lastSampleAt()).hasValue(at(9));
    }

    @Test
    void keepsEndOffsetsOfEverySampleButCommittedOffsetsOnlyInsideTheRateWindow() {
        // The defaults of the lag source: 60 samples, a 30 s rate window; 10 partitions polled every second for 10 min.
        ObservationHistory full = new ObservationHistory(60, Duration.ofSeconds(30));
        Observation.Lag lag = null;
        for (int s = 0; s <= 600; s++) {
            List<PartitionLag> partitions = new java.util.ArrayList<>();
            for (int i = 0; i < 10; i++) {
                partitions.add(p(i, 1000L + s * 20L, s * 15L)); // 20/s appended, 15/s committed per partition
            }
            lag = full.record(at(s), partitions, OptionalInt.empty());
        }

        assertThat(full.size()).isEqualTo(60);
        // 60 samples × 10 end offsets, plus the committed offsets of the 31 samples at most 30 s older than the newest;
        // no consumed positions (keeping all three for every sample was 60 × 30 = 1,800).
        assertThat(full.retainedOffsets()).isEqualTo(60 * 10 + 31 * 10);
        // What the dropped offsets never fed: the rates over the window, and a time lag from the whole history.
        assertThat(lag.consumptionRate().getAsDouble()).isCloseTo(150.0, within(1e-9));
        assertThat(lag.arrivalRate().getAsDouble()).isCloseTo(200.0, within(1e-9));
        assertThat(lag.timeLag()).isPresent();
    }

    @Test
    void ignoresSamplesThatAreNotNewer() {
        history.record(at(10), List.of(p(0, 100, 0)), OptionalInt.empty());
        history.record(at(10), List.of(p(0, 200, 0)), OptionalInt.empty());
        history.record(at(5), List.of(p(0, 300, 0)), OptionalInt.empty());

        assertThat(history.size()).isEqualTo(1);
    }

    @Test
    void partitionsAddedLaterAreAlignedByTopicAndPartition() {
        history.record(at(0), List.of(p(0, 100, 100)), OptionalInt.empty());
        Observation.Lag lag = history.record(at(10), List.of(p(1, 500, 0), p(0, 200, 150)), OptionalInt.empty());

        // Only partition 0 existed before: 100 appended, 50 committed in 10 s.
        assertThat(lag.arrivalRate()).hasValue(10.0);
        assertThat(lag.consumptionRate()).hasValue(5.0);
    }

    @Test
    void rejectsInvalidSettings() {
        assertThatThrownBy(() -> new ObservationHistory(1, Duration.ofSeconds(1)))
                .hasMessageContaining("Invalid value 1 for historyCapacity: must be >= 2");
        assertThatThrownBy(() -> new ObservationHistory(5, Duration.ZERO))
                .hasMessageContaining("Invalid value PT0S for rateWindow: must be > 0");
    }
}
