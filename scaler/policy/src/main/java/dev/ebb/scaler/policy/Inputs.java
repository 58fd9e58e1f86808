package dev.ebb.scaler.policy;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * What a {@link Decision} was computed from: the estimate and the mode's desire, as numbers. Status, metrics, the live
 * view and the simulator show these values; they never compute their own (an arrival rate of their own would
 * disagree with the decision on the same line).
 *
 * @param mode the policy mode
 * @param lag Ebb's total lag ({@code end - max(committed, logStart)} over every partition)
 * @param arrivalRate records/s the decision sized for (the {@link ArrivalEstimator}'s estimate; in drain mode the last
 *                    poll's rate when the backlog confirmed a step); empty while unknown (a workload's first poll)
 * @param consumptionRate records/s the group committed, as the lag source measured it; empty while unknown
 * @param perReplicaRate records/s one replica consumes, as the policy assumes it
 * @param perReplicaRateMeasured whether {@code perReplicaRate} was measured (else it is the spec's prior)
 * @param partitions partitions the mode counts (threshold mode: inside {@code partitionLimitation})
 * @param readyReplicas replicas consuming now
 * @param startingReplicas replicas asked for that are not ready yet
 * @param need the mode's need in fractional replicas
 * @param modeReplicas the count the mode asked for, before bounds and damping
 * @param capApplied the partition cap the mode applied, when it bound
 * @param projectedLag drain mode: the backlog expected when new replicas are ready, when it set the need
 * @param timeLag age of the oldest unconsumed record, when known
 */
public record Inputs(Mode mode, long lag, OptionalDouble arrivalRate, OptionalDouble consumptionRate,
                     double perReplicaRate, boolean perReplicaRateMeasured, int partitions, int readyReplicas,
                     int startingReplicas, double need, int modeReplicas, OptionalInt capApplied,
                     OptionalDouble projectedLag, Optional<Duration> timeLag) {

    static Inputs of(PolicySpec spec, Estimate e, Desired desired) {
        OptionalDouble arrivals = e.knownArrivals();
        OptionalDouble projected = OptionalDouble.empty();
        if (desired.basis() instanceof Desired.DrainBasis d) {
            arrivals = e.arrivalsKnown() ? OptionalDouble.of(d.arrivals()) : OptionalDouble.empty();
            projected = d.projectedLag();
        }
        OptionalInt cap = desired.cap().map(c -> OptionalInt.of(c.replicas())).orElse(OptionalInt.empty());
        return new Inputs(spec.mode(), e.lag(), arrivals, e.consumptionRate(), e.rate(), e.rateLearned(),
                Bounds.partitions(spec, e), e.ready(), e.current() - e.ready(), desired.need(), desired.replicas(),
                cap, projected, e.timeLag());
    }
}
