package dev.ebb.scaler.policy;

import java.time.Duration;
import java.util.Optional;

/**
 * The settings of one mode, as one value: what a mode's desire stage reads, and nothing of the other mode.
 * {@link PolicySpec#modeSpec()} gives the active one; {@link PolicySpec.Builder#modeSpec} sets a mode with its
 * settings. The flat accessors of {@link PolicySpec} ({@code lagThreshold()}, {@code drainWithin()}, ...) stay, so a
 * spec keeps both modes' settings while a user switches {@code mode} back and forth.
 */
public sealed interface ModeSpec permits ModeSpec.Drain, ModeSpec.Threshold {

    /** The mode this spec belongs to. */
    Mode mode();

    /**
     * {@code drain}: enough replicas to absorb arrivals and clear the backlog within {@code drainWithin}.
     *
     * @param drainWithin clear the backlog within this time
     * @param perReplicaRate prior records/s one replica consumes, until measured while saturated
     * @param maxTimeLag optional SLO on the age of the oldest unconsumed record; tightens the deadline
     */
    record Drain(Duration drainWithin, double perReplicaRate, Optional<Duration> maxTimeLag) implements ModeSpec {
        public Drain {
            maxTimeLag = maxTimeLag == null ? Optional.empty() : maxTimeLag;
        }

        @Override
        public Mode mode() {
            return Mode.DRAIN;
        }
    }

    /**
     * {@code threshold}: KEDA's {@code ceil(lag / lagThreshold)} with the Kafka scaler's partition options, same names.
     *
     * @param lagThreshold target lag per replica
     * @param allowIdleConsumers allow more replicas than partitions
     * @param excludePersistentLag ignore partitions whose committed offset did not move since the previous poll
     * @param scaleToZeroOnInvalidOffset a partition without a committed offset counts 0
     * @param limitToPartitionsWithLag cap at the number of partitions with lag
     * @param partitionLimitation only these partitions count, e.g. {@code 1,2,10-20}; empty: all
     * @param ensureEvenDistributionOfPartitions only counts that divide the partition count
     */
    record Threshold(long lagThreshold, boolean allowIdleConsumers, boolean excludePersistentLag,
                     boolean scaleToZeroOnInvalidOffset, boolean limitToPartitionsWithLag, String partitionLimitation,
                     boolean ensureEvenDistributionOfPartitions) implements ModeSpec {
        public Threshold {
            partitionLimitation = partitionLimitation == null ? "" : partitionLimitation;
        }

        @Override
        public Mode mode() {
            return Mode.THRESHOLD;
        }
    }
}
