package dev.ebb.scaler.policy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Everything the policy remembers about one workload between ticks. Immutable; each {@link Decision} carries the next.
 *
 * @param currentReplicas the count the target has (as far as the policy knows)
 * @param learnedRate per-replica records/s measured while the group was saturated; empty: the prior applies
 * @param lastChangeAt when the policy last changed the count (rebalance awareness)
 * @param starting replicas asked for that are not ready yet, by the time they are expected to consume
 * @param desires recent desired counts, for scale-down stabilization
 * @param quietSince since when lag and arrivals have been zero (cooldown to the idle count); empty while busy
 * @param failures failed or stale observations in a row
 * @param lastObservationAt time of the last successful observation used
 * @param samples recent totals (lag, sum of end offsets), to measure saturation and capacity over a window
 * @param committed committed offsets of the previous poll (KEDA's {@code excludePersistentLag}); empty unless used
 * @param lastMembershipChangeAt when the group's consumers last changed (a starting replica became ready, or replicas
 *                               were removed): consumption measured across it is distorted by the rebalance pause
 * @param awaiting the latest scale-up whose members have not all joined yet: when it was asked for, and the member
 *                 count that completes it ({@link ReadyDelay})
 * @param observedReadyDelay how long the last completed scale-up took, asked to joined, when the lag source reports
 *                           members; the policy plans with the longer of this and {@code readyDelay}
 */
public record WorkloadState(int currentReplicas, OptionalDouble learnedRate, Optional<Instant> lastChangeAt,
                            List<Starting> starting, List<Desire> desires, Optional<Instant> quietSince,
                            int failures, Optional<Instant> lastObservationAt, List<Sample> samples,
                            Map<PartitionKey, Long> committed, Optional<Instant> lastMembershipChangeAt,
                            Optional<Awaiting> awaiting, Optional<Duration> observedReadyDelay) {

    public WorkloadState {
        if (currentReplicas < 0) {
            throw new IllegalArgumentException("Invalid value " + currentReplicas + " for currentReplicas: must be >= 0");
        }
        learnedRate = learnedRate == null ? OptionalDouble.empty() : learnedRate;
        lastChangeAt = lastChangeAt == null ? Optional.empty() : lastChangeAt;
        starting = starting == null ? List.of() : List.copyOf(starting);
        desires = desires == null ? List.of() : List.copyOf(desires);
        quietSince = quietSince == null ? Optional.empty() : quietSince;
        lastObservationAt = lastObservationAt == null ? Optional.empty() : lastObservationAt;
        samples = samples == null ? List.of() : List.copyOf(samples);
        committed = committed == null ? Map.of() : Map.copyOf(committed);
        lastMembershipChangeAt = lastMembershipChangeAt == null ? Optional.empty() : lastMembershipChangeAt;
        awaiting = awaiting == null ? Optional.empty() : awaiting;
        observedReadyDelay = observedReadyDelay == null ? Optional.empty() : observedReadyDelay;
    }

    /** A scale-up asked for at {@code askedAt}, complete when the group reports {@code members} members. */
    public record Awaiting(Instant askedAt, int members) {
    }

    /** Replicas asked for at {@code readyAt - readyDelay}, expected to consume from {@code readyAt}. */
    public record Starting(Instant readyAt, int count) {
    }

    /** A desired count at one tick. */
    public record Desire(Instant at, int replicas) {
    }

    /** Totals of one observation: lag and the sum of end offsets over {@code partitions} partitions. */
    public record Sample(Instant at, long lag, long endOffsets, int partitions) {
    }

    /** One partition of one topic (named apart from Kafka's {@code TopicPartition}: the policy imports only java.*). */
    public record PartitionKey(String topic, int partition) {
    }

    /** The state of a workload the policy has not seen yet, which has {@code currentReplicas} replicas. */
    public static WorkloadState initial(int currentReplicas) {
        return new WorkloadState(currentReplicas, OptionalDouble.empty(), Optional.empty(), List.of(), List.of(),
                Optional.empty(), 0, Optional.empty(), List.of(), Map.of(), Optional.empty(), Optional.empty(),
                Optional.empty());
    }

    /**
     * This state with the count the target really has. When it is lower (a failed scale-up, someone scaled down),
     * the missing replicas are taken from those believed to be starting first: ready pods are the ones that exist.
     */
    public WorkloadState withCurrentReplicas(int replicas) {
        if (replicas == currentReplicas) {
            return this;
        }
        if (replicas < 0) {
            throw new IllegalArgumentException("Invalid value " + replicas + " for currentReplicas: must be >= 0");
        }
        int startingTotal = 0;
        for (Starting s : starting) {
            startingTotal += s.count();
        }
        int keep = replicas < currentReplicas ? startingTotal - (currentReplicas - replicas) : startingTotal;
        // Fewer replicas than a scale-up waits for: it cannot complete, and its time would not be a ready delay.
        Optional<Awaiting> stillAwaiting = awaiting.filter(a -> a.members() <= replicas);
        return new WorkloadState(replicas, learnedRate, lastChangeAt, trimStarting(starting, keep), desires,
                quietSince, failures, lastObservationAt, samples, committed, lastMembershipChangeAt, stillAwaiting,
                observedReadyDelay);
    }

    /** Replicas still starting at {@code now}. */
    public int startingAt(Instant now) {
        int n = 0;
        for (Starting s : starting) {
            if (s.readyAt().isAfter(now)) {
                n += s.count();
            }
        }
        return n;
    }

    /** Keeps at most {@code limit} starting replicas, dropping the newest first (Kubernetes removes unready pods first). */
    static List<Starting> trimStarting(List<Starting> starting, int limit) {
        int total = 0;
        for (Starting s : starting) {
            total += s.count();
        }
        int excess = total - Math.max(0, limit);
        if (excess <= 0) {
            return starting;
        }
        List<Starting> kept = new ArrayList<>(starting);
        for (int i = kept.size() - 1; i >= 0 && excess > 0; i--) {
            Starting s = kept.get(i);
            int drop = Math.min(excess, s.count());
            excess -= drop;
            if (drop == s.count()) {
                kept.remove(i);
            } else {
                kept.set(i, new Starting(s.readyAt(), s.count() - drop));
            }
        }
        return kept;
    }
}
