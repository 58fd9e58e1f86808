package dev.ebb.scaler.policy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * What one poll saw of one group. Missing data is a value ({@link Unavailable}), never an exception.
 */
public sealed interface Observation permits Observation.Lag, Observation.Unavailable {

    /** When the poll that produced this observation completed. */
    Instant at();

    /**
     * A successful observation.
     *
     * @param partitions every partition of the group's subscribed topics
     * @param arrivalRate records/s appended to those partitions (from end-offset deltas); empty until two polls exist
     * @param consumptionRate records/s committed by the group (from committed-offset deltas); empty until two polls exist
     * @param timeLag age of the oldest unconsumed record; empty while unknown (not enough history)
     * @param members group members when known (membership changes drive rebalance awareness)
     */
    record Lag(Instant at, List<PartitionLag> partitions, OptionalDouble arrivalRate,
               OptionalDouble consumptionRate, Optional<Duration> timeLag, OptionalInt members)
            implements Observation {
        public Lag {
            partitions = List.copyOf(partitions);
            arrivalRate = arrivalRate == null ? OptionalDouble.empty() : arrivalRate;
            consumptionRate = consumptionRate == null ? OptionalDouble.empty() : consumptionRate;
            timeLag = timeLag == null ? Optional.empty() : timeLag;
            members = members == null ? OptionalInt.empty() : members;
        }

        public long totalLag() {
            long sum = 0;
            for (PartitionLag p : partitions) {
                sum += p.lag();
            }
            return sum;
        }

        public int partitionCount() {
            return partitions.size();
        }
    }

    /**
     * The group could not be observed this poll.
     *
     * @param reason what went wrong, for people: names the group and the bootstrap servers
     * @param retriable whether the cause is expected to pass (broker down, timeout) or needs a fix (auth, bad config)
     */
    record Unavailable(Instant at, String reason, boolean retriable) implements Observation {
    }
}
