package dev.ebb.scaler.policy;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Stage 2 of the policy, <b>desire</b>: the count the mode asks for, before bounds and damping, with what it was
 * computed from. One class per mode computes it: {@link ThresholdDesire} and {@link DrainDesire}.
 *
 * @param replicas the count the mode asks for
 * @param need the mode's need in fractional replicas (the tolerance band compares it with the current count)
 * @param cap the partition cap the mode applied, when it bound
 * @param keepingUp an ageing backlog raised the count to one that keeps up: the tolerance band does not apply
 * @param basis the mode's inputs, for the reason
 * @param notes adjustments the mode made to the plain need, in order
 */
record Desired(int replicas, double need, Optional<Cap> cap, boolean keepingUp, Basis basis, List<Note> notes) {
    Desired {
        notes = List.copyOf(notes);
    }

    /** The desire of {@code spec}'s mode for the estimate {@code e}: each mode reads its own settings. */
    static Desired of(PolicySpec spec, Estimate e) {
        ModeSpec mode = spec.modeSpec();
        if (mode instanceof ModeSpec.Threshold threshold) {
            return ThresholdDesire.of(spec, threshold, e);
        }
        return DrainDesire.of(spec, (ModeSpec.Drain) mode, e);
    }

    /** A partition cap that lowered the count: to {@code replicas} {@code what} ("partitions", "partitions with lag"). */
    record Cap(int replicas, String what) {
    }

    /** What the mode computed from. */
    sealed interface Basis permits ThresholdBasis, DrainBasis {
    }

    /**
     * Threshold mode: {@code ceil(lag / lagThreshold)}.
     *
     * @param lag KEDA's lag used for the count
     * @param lagWithPersistent KEDA's lag with persistent lag included
     * @param partitions partitions counted
     * @param lagThreshold target lag per replica
     */
    record ThresholdBasis(long lag, long lagWithPersistent, int partitions, long lagThreshold) implements Basis {
    }

    /**
     * Drain mode: arrivals plus the backlog over the deadline, at the per-replica rate.
     *
     * @param lag Ebb's lag
     * @param explainedByCommits records that consumed-but-uncommitted work explains (not backlog)
     * @param arrivals the arrival rate the need used (records/s)
     * @param rate per-replica records/s
     * @param rateLearned whether {@code rate} was measured
     * @param drainWithin the deadline for the backlog
     * @param projectedLag the backlog expected when new replicas are ready, when that set the need
     * @param readyDelay how long new replicas take to consume
     * @param starting replicas still starting
     * @param slo the time-lag SLO, when set and the time lag is known with arrivals
     */
    record DrainBasis(long lag, double explainedByCommits, double arrivals, double rate, boolean rateLearned,
                      Duration drainWithin, OptionalDouble projectedLag, Duration readyDelay, int starting,
                      Optional<Slo> slo) implements Basis {
    }

    /** The time lag against its SLO; {@code atRisk}: the SLO set the need. */
    record Slo(Duration timeLag, Duration maxTimeLag, boolean atRisk) {
    }

    /** An adjustment of the plain need. */
    sealed interface Note permits EvenFactor, KeepUp, RoundedUp, BacklogDue, Riding, SloAllowsBacklog, HeldNearSlo {
    }

    /** Drain mode: the oldest record, {@code ageSeconds} old (a lower bound when the lag source did not know), is
     *  over the SLO: the backlog is due now ({@link SloBudget#deadline}). */
    record BacklogDue(double ageSeconds, boolean lowerBound, Duration maxTimeLag) implements Note {
    }

    /** Drain mode: one capacity level below arrivals, {@code replicas}, while the time lag stays under
     *  {@code headroomSeconds} for {@code horizonSeconds} ({@link SloBudget#ride}). */
    record Riding(int replicas, double headroomSeconds, double horizonSeconds) implements Note {
    }

    /** Drain mode: a ride ended; {@code replicas} keep up with arrivals, the SLO allows the backlog. */
    record SloAllowsBacklog(int replicas) implements Note {
    }

    /** Drain mode: no scale-down, the time lag is within a ready delay of the SLO ({@link SloBudget#hold}). */
    record HeldNearSlo(Duration timeLag, Duration readyDelay, Duration maxTimeLag) implements Note {
    }

    /** Threshold mode: rounded up to {@code replicas}, a factor of {@code partitions}. */
    record EvenFactor(int replicas, int partitions) implements Note {
    }

    /** Drain mode: the oldest record is past half the SLO; {@code replicas} keep up with arrivals. */
    record KeepUp(int replicas) implements Note {
    }

    /** Drain mode: rounded up to {@code replicas}, at most {@code perMember} partitions per member. */
    record RoundedUp(int replicas, int perMember) implements Note {
    }
}
