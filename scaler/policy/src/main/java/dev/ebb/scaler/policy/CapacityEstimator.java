package dev.ebb.scaler.policy;

import dev.ebb.scaler.policy.WorkloadState.Sample;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The per-replica rate (drain mode): the operator's {@code perReplicaRate} until the group is seen saturated, then
 * what it measured, smoothed over {@link #windowSeconds(PolicySpec) whole commit intervals}. Also keeps the samples
 * that rates are measured over. Pure and stateless.
 */
final class CapacityEstimator {
    /** A learned per-replica rate stays within this factor of the prior: a safety net against runaway estimates. */
    private static final double LEARNED_RATE_BOUND = 10.0;

    private CapacityEstimator() {
    }

    /**
     * The per-replica rate, updated when the group is saturated over the last window: lag above what the commit
     * cadence explains at both ends of the window, not shrinking, with no scaling change and a settled group.
     * Measuring over a window of whole commit intervals cancels the commit sawtooth. Empty while nothing was learned.
     */
    static OptionalDouble learn(PolicySpec spec, WorkloadState state, Observation.Lag obs, Instant now,
                                List<Sample> history, Sample sample, Parallelism group, int ready) {
        OptionalDouble learned = state.learnedRate();
        double consuming = group.effective(ready);
        Optional<Sample> windowStart = windowStart(spec, history, sample);
        if (spec.mode() != Mode.DRAIN || windowStart.isEmpty() || consuming <= Numbers.EPSILON) {
            return learned;
        }
        Sample s0 = windowStart.get();
        // The commits bounding the window reach up to a commit interval before it, and the group pauses for a
        // while after each membership change: a change near or inside the window would read as low capacity.
        Optional<Instant> changed = NextState.membershipChangedAt(state, now);
        Duration margin = spec.commitInterval().multipliedBy(2);
        if (changed.isPresent() && changed.get().plus(margin).isAfter(s0.at())) {
            return learned;
        }
        if (obs.members().isPresent() && obs.members().getAsInt() < group.consumers(ready)) {
            return learned; // ready replicas not (yet) in the group: rebalancing
        }
        double dt = Numbers.seconds(Duration.between(s0.at(), sample.at()));
        double arrived = (sample.endOffsets() - s0.endOffsets()) / dt;
        double consumed = arrived - (sample.lag() - s0.lag()) / dt;
        double explained = Math.max(arrived, consumed) * Numbers.seconds(spec.commitInterval());
        boolean saturated = sample.lag() >= s0.lag() && s0.lag() > explained && sample.lag() > explained
                && consumed > 0;
        if (!saturated) {
            return learned;
        }
        double perReplica = consumed / consuming;
        double prior = spec.perReplicaRate();
        double old = learned.orElse(prior);
        double sinceLast = state.lastObservationAt().map(t -> Numbers.seconds(Duration.between(t, obs.at())))
                .orElse(dt);
        double alpha = 1 - Math.exp(-Math.max(0, sinceLast) / windowSeconds(spec));
        double updated = old + alpha * (perReplica - old);
        updated = Math.max(prior / LEARNED_RATE_BOUND, Math.min(prior * LEARNED_RATE_BOUND, updated));
        return OptionalDouble.of(updated);
    }

    /** Whole commit intervals covering about ten seconds: rates over it are free of the commit sawtooth. */
    static double windowSeconds(PolicySpec spec) {
        double commit = Numbers.seconds(spec.commitInterval());
        if (commit <= 0) {
            return 10;
        }
        return commit * Math.max(1, Math.round(10 / commit));
    }

    /** The newest earlier sample at least one rate window before {@code sample}, within two windows. */
    private static Optional<Sample> windowStart(PolicySpec spec, List<Sample> history, Sample sample) {
        double window = windowSeconds(spec);
        Optional<Sample> found = Optional.empty();
        for (Sample s : history) {
            double back = Numbers.seconds(Duration.between(s.at(), sample.at()));
            if (back >= window - Numbers.EPSILON && back <= 2 * window && s.partitions() == sample.partitions()) {
                found = Optional.of(s);
            }
        }
        return found;
    }

    /**
     * The samples to remember: three rate windows back from {@code sample}, which comes last; with a time-lag SLO at
     * least the SLO plus a rate window, to bound the oldest record's age past the SLO ({@link SloBudget#deadline}).
     */
    static List<Sample> trim(PolicySpec spec, List<Sample> history, Sample sample) {
        double keep = Math.max(3 * windowSeconds(spec),
                spec.maxTimeLag().map(m -> Numbers.seconds(m) + windowSeconds(spec)).orElse(0.0));
        Instant keepFrom = sample.at().minus(Duration.ofMillis((long) (keep * 1000)));
        List<Sample> kept = new ArrayList<>();
        for (Sample s : history) {
            if (!s.at().isBefore(keepFrom) && s.at().isBefore(sample.at())) {
                kept.add(s);
            }
        }
        kept.add(sample);
        return kept;
    }
}
