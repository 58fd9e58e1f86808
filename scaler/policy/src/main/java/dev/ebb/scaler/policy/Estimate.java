package dev.ebb.scaler.policy;

import dev.ebb.scaler.policy.WorkloadState.Sample;
import dev.ebb.scaler.policy.WorkloadState.Starting;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * Stage 1 of the policy, <b>estimate</b>: what one observation says about the group, before any mode looks at it.
 * Rates (arrivals by the {@link ArrivalEstimator}, per-replica capacity by the {@link CapacityEstimator}), lag as KEDA
 * counts it, the replicas that consume now and those still starting ({@link #projection(Duration)}).
 *
 * @param now the tick's time
 * @param at when the observation was taken
 * @param current the replica count the decision starts from
 * @param ready replicas that consume now ({@code current} minus those still starting)
 * @param starting replicas still starting at {@code now}, by ready time
 * @param lag Ebb's total lag ({@code end - max(committed, logStart)} summed over partitions)
 * @param arrivals records/s appended, never negative; 0 while unknown
 * @param arrivalsKnown false on a workload's first observation: no rate yet, so no scale-down on an unknown load
 * @param arrivalsSeen arrivals above 0 or end offsets moved since the previous poll: not quiet
 * @param lastPollArrivals records/s since the previous poll alone (unsmoothed); empty on the first observation
 * @param consumptionRate records/s committed, as the lag source measured it
 * @param rate per-replica records/s: learned, or the prior {@code perReplicaRate}
 * @param rateLearned whether {@code rate} was measured
 * @param keda lag as KEDA's Kafka scaler counts it (threshold mode; drain mode's activity lag)
 * @param group the group's partitions and kind, for effective parallelism
 * @param timeLag age of the oldest unconsumed record, when known
 * @param members the group's members, when known
 * @param samples the samples to remember for the next tick (this one last)
 * @param readyDelay the ready delay to plan with: {@code readyDelay}, or longer as observed ({@link ReadyDelay})
 * @param readyWatch the scale-up still awaited and the observed ready delay, for the next state
 */
record Estimate(Instant now, Instant at, int current, int ready, List<Starting> starting, long lag, double arrivals,
                boolean arrivalsKnown, boolean arrivalsSeen, OptionalDouble lastPollArrivals,
                OptionalDouble consumptionRate, double rate, boolean rateLearned, KedaLag keda, Parallelism group,
                Optional<Duration> timeLag, OptionalInt members, List<Sample> samples, Duration readyDelay,
                ReadyDelay.Learned readyWatch) {

    /** Estimates from the observation {@code obs} taken after {@code state}'s, at {@code now}. */
    static Estimate of(PolicySpec spec, Observation.Lag obs, WorkloadState state, Instant now) {
        int current = state.currentReplicas();
        long lag = obs.totalLag();
        List<Starting> starting = NextState.live(state.starting(), now);
        int startingCount = starting.stream().mapToInt(Starting::count).sum();
        int ready = Math.max(0, current - startingCount);

        long endOffsets = 0;
        for (PartitionLag p : obs.partitions()) {
            endOffsets += p.endOffset();
        }
        Sample sample = new Sample(obs.at(), lag, endOffsets, obs.partitionCount());
        Optional<Sample> previous = state.samples().isEmpty() ? Optional.empty()
                : Optional.of(state.samples().get(state.samples().size() - 1));
        boolean endMoved = previous.isPresent() && previous.get().partitions() == sample.partitions()
                && sample.endOffsets() > previous.get().endOffsets();
        OptionalDouble estimate = ArrivalEstimator.estimate(state.samples(), sample);
        OptionalDouble lastPoll = previous.isPresent() ? ArrivalEstimator.rate(previous.get(), sample)
                : OptionalDouble.empty();
        // The lag source's own rate stands in only where the policy has no history of its own yet.
        boolean arrivalsKnown = obs.arrivalRate().isPresent() || estimate.isPresent();
        double arrivals = Math.max(0, estimate.isPresent() ? estimate.getAsDouble() : obs.arrivalRate().orElse(0));
        boolean arrivalsSeen = arrivals > Numbers.EPSILON || endMoved;

        PartitionLimitation limitation = spec.mode() == Mode.THRESHOLD ? spec.partitions() : PartitionLimitation.none();
        KedaLag keda = KedaLag.of(spec, limitation, obs, state.committed());
        Parallelism group = new Parallelism(spec.groupKind(), obs.partitionCount());

        OptionalDouble learned = CapacityEstimator.learn(spec, state, obs, now, state.samples(), sample, group, ready);
        double rate = learned.orElse(spec.perReplicaRate());
        List<Sample> samples = CapacityEstimator.trim(spec, state.samples(), sample);
        ReadyDelay.Learned readyWatch = ReadyDelay.observe(state, obs.members(), obs.at());
        Duration readyDelay = ReadyDelay.effective(spec, readyWatch.observed());
        return new Estimate(now, obs.at(), current, ready, starting, lag, arrivals, arrivalsKnown, arrivalsSeen, lastPoll,
                obs.consumptionRate(), rate, learned.isPresent(), keda, group, obs.timeLag(), obs.members(), samples,
                readyDelay, readyWatch);
    }

    /** Effective capacity in records/s of {@code replicas} consuming replicas. */
    double capacity(int replicas) {
        return group.effective(replicas) * rate;
    }

    /** The arrivals, when known; empty on a workload's first observation without a rate from the lag source. */
    OptionalDouble knownArrivals() {
        return arrivalsKnown ? OptionalDouble.of(arrivals) : OptionalDouble.empty();
    }

    /**
     * The time from now to {@code horizon} cut where starting replicas become ready: in each segment
     * {@code ready} replicas consume. The last segment ends at {@code horizon} (it may be empty); replicas
     * becoming ready after the horizon never count.
     */
    List<Projection.Segment> projection(Duration horizon) {
        return Projection.segments(ready, starting, now, Numbers.seconds(horizon));
    }
}
