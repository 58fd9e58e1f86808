package dev.ebb.scaler.policy;

import dev.ebb.scaler.policy.Desired.Cap;
import dev.ebb.scaler.policy.Desired.DrainBasis;
import dev.ebb.scaler.policy.Desired.KeepUp;
import dev.ebb.scaler.policy.Desired.Note;
import dev.ebb.scaler.policy.Desired.RoundedUp;
import dev.ebb.scaler.policy.Desired.Slo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Drain mode's desire: enough replicas to absorb the arrivals and clear the backlog within {@code drainWithin}, sized
 * for the moment new replicas are ready, and for the time-lag SLO when one is set. In steps:
 * <ol>
 *   <li>{@link #backlog}: the lag that is backlog (not consumed-but-uncommitted work), and the arrival rate to use;
 *   its deadline is {@code drainWithin}, or due now once the oldest record is over the SLO ({@link SloBudget});</li>
 *   <li>{@link #projectedBacklog}: the backlog expected when replicas asked for now are ready;</li>
 *   <li>{@link #slo}: a higher need when the oldest record would be older than the SLO by then;</li>
 *   <li>{@link #members}: the cheapest member count whose effective capacity meets the need; with an SLO, one
 *   capacity level lower while the SLO's budget allows it, and no scale-down near the SLO ({@link SloBudget});</li>
 *   <li>the partition cap of a consumer group.</li>
 * </ol>
 */
final class DrainDesire {
    private static final double MIN_DEADLINE_SECONDS = SloBudget.MIN_DEADLINE_SECONDS;

    private DrainDesire() {
    }

    /**
     * @param spec the settings both modes share (commit interval, ready delay, tolerance)
     * @param mode drain mode's own settings
     * @param e the estimate
     */
    static Desired of(PolicySpec spec, ModeSpec.Drain mode, Estimate e) {
        Backlog b = backlog(spec, e);
        List<Note> notes = new ArrayList<>();
        double drain = SloBudget.deadline(spec, e, b.excess(), notes);
        double needNow = (b.arrivals() + b.excess() / drain) / e.rate();
        List<Projection.Segment> segments = e.projection(e.readyDelay());
        double projected = projectedBacklog(e, b, segments);
        double needThen = (b.arrivals() + projected / drain) / e.rate();
        double need = Math.max(needNow, needThen);

        Optional<SloNeed> slo = slo(spec, mode, e, b.arrivals(), segments, need);
        boolean atRisk = slo.isPresent() && slo.get().atRisk();
        if (atRisk) {
            need = slo.get().need();
        }
        Members m = members(spec, mode, e, b.arrivals(), b.excess(), need, atRisk);
        notes.addAll(m.notes());
        int replicas = m.replicas();
        Optional<Cap> cap = Optional.empty();
        int partitionCap = e.group().cap();
        if (replicas > partitionCap) {
            replicas = partitionCap;
            cap = Optional.of(new Cap(partitionCap, "partitions"));
        }
        OptionalDouble shownProjection = needThen > needNow + Numbers.EPSILON && projected >= 1
                ? OptionalDouble.of(projected) : OptionalDouble.empty();
        DrainBasis basis = new DrainBasis(e.lag(), b.explained(), b.arrivals(), e.rate(), e.rateLearned(),
                mode.drainWithin(), shownProjection, e.readyDelay(), e.current() - e.ready(),
                slo.map(SloNeed::slo));
        return new Desired(replicas, need, cap, m.keepingUp(), basis, notes);
    }

    /**
     * The lag that is backlog, and the arrival rate to size for.
     *
     * @param arrivals records/s to absorb
     * @param explained records of lag that the commit cadence explains
     * @param excess the backlog to drain
     */
    record Backlog(double arrivals, double explained, double excess) {
    }

    /**
     * Consumed-but-uncommitted records show as lag for up to one commit interval; they are not backlog. The median
     * arrival rate needs a few polls to accept a step: when the backlog already confirms a higher rate (more than two
     * seconds of arrivals beyond the commit cadence), the last poll's rate counts at once — one decision for the step
     * instead of +1 for the backlog now and the rest when the median moves.
     */
    static Backlog backlog(PolicySpec spec, Estimate e) {
        Backlog b = backlogAt(spec, e, e.arrivals());
        OptionalDouble lastPoll = e.lastPollArrivals();
        if (lastPoll.isPresent() && lastPoll.getAsDouble() > b.arrivals()
                && b.excess() > 2 * b.arrivals() + Numbers.EPSILON) {
            return backlogAt(spec, e, lastPoll.getAsDouble());
        }
        return b;
    }

    private static Backlog backlogAt(PolicySpec spec, Estimate e, double arrivals) {
        double explained = Math.min(arrivals, e.capacity(e.ready())) * Numbers.seconds(spec.commitInterval());
        return new Backlog(arrivals, explained, Math.max(0, e.lag() - explained));
    }

    /**
     * The backlog when replicas asked for now are ready ({@code readyDelay} from now): it grows by arrivals beyond
     * the capacity of the replicas consuming in each stretch until then (replicas already starting count from their
     * ready time), and never falls below 0.
     */
    static double projectedBacklog(Estimate e, Backlog b, List<Projection.Segment> segments) {
        return Projection.fold(segments, b.excess(), (projected, s) ->
                Math.max(0, projected + (b.arrivals() - e.capacity(s.ready())) * s.seconds()));
    }

    /**
     * The SLO's view, and its need.
     *
     * @param slo the time lag against the SLO, for the reason
     * @param need replicas that bring the age back within the SLO within one ready delay; meaningful when at risk
     * @param atRisk the SLO asks for more than the backlog does
     */
    record SloNeed(Slo slo, double need, boolean atRisk) {
    }

    /**
     * Time-lag SLO: once the oldest record would be older than the SLO when new replicas are ready, only capacity well
     * above arrivals brings the age back; ask for it (bounded by max and partitions later). Empty without an SLO, a
     * known time lag, or arrivals.
     */
    static Optional<SloNeed> slo(PolicySpec spec, ModeSpec.Drain mode, Estimate e, double arrivals,
                                 List<Projection.Segment> segments, double need) {
        Optional<Duration> timeLag = e.timeLag();
        if (mode.maxTimeLag().isEmpty() || timeLag.isEmpty() || arrivals <= Numbers.EPSILON) {
            return Optional.empty();
        }
        double maxAge = Numbers.seconds(mode.maxTimeLag().get());
        double ageNow = Numbers.seconds(timeLag.get());
        // The age grows by (1 - capacity / arrivals) per second while capacity is short. Replicas already starting
        // count from their ready time: without them, every poll while they start would see the age a little higher
        // and ask for a few more (15 -> 19 -> 29 -> 32 within 15 s, each group of pods pausing the group again).
        double ageThen = Projection.fold(segments, ageNow, (age, s) ->
                age + s.seconds() * Math.max(0, 1 - e.capacity(s.ready()) / arrivals));
        double over = ageThen - maxAge;
        double needSlo = need;
        boolean atRisk = false;
        if (over > 0) {
            // Remove the excess age within one ready delay after the new replicas are ready: draining `over` seconds
            // of arrivals in that time. Within one second instead, every poll while they start sees the age a little
            // higher and asks for many more (6 -> 8 -> 11 -> 16 -> 32).
            double recover = Math.max(MIN_DEADLINE_SECONDS, Numbers.seconds(e.readyDelay()));
            double candidate = arrivals * (1 + over / recover) / e.rate();
            if (candidate > need) {
                needSlo = candidate;
                atRisk = true;
            }
        }
        return Optional.of(new SloNeed(new Slo(timeLag.get(), mode.maxTimeLag().get(), atRisk), needSlo, atRisk));
    }

    /** The member count, whether it was raised to keep up with an ageing backlog, and why it exceeds the need. */
    record Members(int replicas, boolean keepingUp, List<Note> notes) {
    }

    /**
     * The cheapest count whose effective capacity meets the need: the group is as fast as its busiest member, so a
     * need of 6.3 on 8 partitions is 8 members (4 to 7 all do the work of 4). Rounding down to a count as slow as
     * ceil(need) broke the deadline: `ebb demo` (8 partitions, 100/s per worker, drain within 20s) went 8 -> 4 with
     * 11,666 records of lag, half the capacity the deadline needed.
     * Scaling down (or holding), the count also never drops below what keeps up with arrivals: the busiest member's
     * partitions would fall behind for good while the total lag looks small, then the count would rise again
     * (6 -> 7 -> 6 for 5,500/s on 32 partitions).
     * Once the oldest record is older than half the SLO, a margin over arrivals: a shortfall against arrivals has
     * outlasted a burst (a slowly rising load whose count stays one short of keeping up).
     */
    static Members members(PolicySpec spec, ModeSpec.Drain mode, Estimate e, double arrivals, double excess, double need,
                           boolean atRisk) {
        List<Note> notes = new ArrayList<>();
        Parallelism group = e.group();
        int current = e.current();
        int replicas = group.enoughMembers(need);
        boolean keepingUp = false;
        Optional<Duration> timeLag = e.timeLag();
        boolean ageing = mode.maxTimeLag().isPresent() && timeLag.isPresent()
                && Numbers.seconds(timeLag.get()) * 2 >= Numbers.seconds(mode.maxTimeLag().get());
        if (!atRisk && ageing) {
            // With a margin (half the tolerance): members are not all equally fast, and the slowest of the busiest
            // sets the pace. The tolerance band does not hold it back: the backlog is already old.
            int keepUp = group.enoughMembers(arrivals * (1 + spec.tolerance() / 2) / e.rate());
            if (keepUp > current) {
                notes.add(new KeepUp(keepUp));
                keepingUp = true;
            }
            replicas = Math.max(replicas, keepUp);
        } else if (!atRisk && replicas < current) {
            replicas = Math.max(replicas, Math.min(current, group.enoughMembers(arrivals / e.rate())));
        }
        // With a time-lag SLO: one capacity level below arrivals while the SLO allows it, and no scale-down within a
        // ready delay of the SLO (SloBudget).
        if (!atRisk) {
            replicas = SloBudget.ride(spec, e, arrivals, excess, replicas, notes);
        }
        replicas = SloBudget.hold(spec, e, replicas, notes);
        if (replicas > Numbers.ceil(need)) {
            notes.add(new RoundedUp(replicas, group.busiestMember(replicas)));
        }
        return new Members(replicas, keepingUp, notes);
    }
}
