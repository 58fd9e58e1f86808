package dev.ebb.scaler.policy;

import dev.ebb.scaler.policy.Desired.BacklogDue;
import dev.ebb.scaler.policy.Desired.HeldNearSlo;
import dev.ebb.scaler.policy.Desired.Note;
import dev.ebb.scaler.policy.Desired.Riding;
import dev.ebb.scaler.policy.Desired.SloAllowsBacklog;
import dev.ebb.scaler.policy.WorkloadState.Sample;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Drain mode with a time-lag SLO ({@code maxTimeLag}) spends the SLO's budget instead of the deadline's margin (see
 * {@code POLICY.md}, "Spending the SLO's budget"). Three rules, each used by {@link DrainDesire}:
 * <ul>
 *   <li>{@link #deadline}: a backlog whose oldest record is already over the SLO is due now (the shortest deadline);</li>
 *   <li>{@link #ride}: one capacity level below arrivals while the time lag stays a ready delay under the SLO;</li>
 *   <li>{@link #hold}: no scale-down while the time lag is within a ready delay of the SLO.</li>
 * </ul>
 */
final class SloBudget {
    /** Deadlines never shrink below this, so an SLO already missed asks for the most replicas, not for infinity. */
    static final double MIN_DEADLINE_SECONDS = 1.0;

    private SloBudget() {
    }

    /**
     * The backlog's deadline in seconds: {@code drainWithin}, or the shortest once the oldest record is older than the
     * SLO (every record of the backlog is late or soon will be; the most capacity that helps, until the time lag is
     * back within the SLO). With drainWithin alone, a dump that stopped arriving went 32 -> 6 while its oldest records
     * were 80 s old (the simulator's batch trace with a 10 s scale-down window). When the lag source no longer knows
     * the time lag (the oldest record predates its history), the policy's own samples bound it from below.
     */
    static double deadline(PolicySpec spec, Estimate e, double excess, List<Note> notes) {
        double drain = Numbers.seconds(spec.drainWithin());
        if (spec.maxTimeLag().isEmpty() || excess <= 0) {
            return drain;
        }
        boolean known = e.timeLag().isPresent();
        double oldest = known ? Numbers.seconds(e.timeLag().get()) : backlogAgeAtLeast(e);
        if (oldest <= Numbers.seconds(spec.maxTimeLag().get())) {
            return drain;
        }
        notes.add(new BacklogDue(oldest, !known, spec.maxTimeLag().get()));
        return Math.min(drain, MIN_DEADLINE_SECONDS);
    }

    /**
     * A lower bound of the oldest record's age from the policy's own samples: the lag is the newest records, so the
     * oldest was appended before every sample whose total end offset was above {@code end - lag}; 0 without history.
     * {@link CapacityEstimator#trim} keeps {@code maxTimeLag} plus a rate window of samples for this.
     */
    static double backlogAgeAtLeast(Estimate e) {
        List<Sample> samples = e.samples();
        Sample newest = samples.get(samples.size() - 1);
        long appendedBefore = newest.endOffsets() - e.lag();
        Instant appendedBy = newest.at();
        for (int i = samples.size() - 2; i >= 0; i--) {
            Sample s = samples.get(i);
            if (s.partitions() != newest.partitions() || s.endOffsets() <= appendedBefore) {
                break;
            }
            appendedBy = s.at();
        }
        return Numbers.seconds(Duration.between(appendedBy, newest.at()));
    }

    /**
     * Riding the SLO's budget, when the backlog is no more than the time lag's worth of arrivals (current arrivals age,
     * not an older burst). On 32 partitions 11 members do 10,667/s and the next faster count is 16: for 12,000/s the
     * deadline's count, and the cheapest that keeps up, is 16, a third above arrivals. Instead, the count one capacity
     * level below (11) runs while the time lag, growing at {@code 1 - capacity / arrivals} per second, stays at least
     * one ready delay below the SLO (even if nothing were processed from then on, replicas asked for then are ready
     * before the SLO is missed): for a ready delay plus {@code drainWithin} ahead to enter that level (from above), for
     * one ready delay ahead to stay at it. When the ride stops, the count is the cheapest that keeps up with arrivals
     * (half the tolerance as margin) once the per-replica rate is measured, not the deadline's count for a backlog the
     * SLO allowed; with only the prior, the deadline's count. Only where the faster level is at least twice the
     * tolerance above arrivals: with less surplus, the pause of two membership changes costs more time at the higher
     * count than the ride saves (7 members for 6,000/s). Never from below: a rising burst goes to the deadline's count.
     *
     * @param full the deadline's count
     */
    static int ride(PolicySpec spec, Estimate e, double arrivals, double excess, int full, List<Note> notes) {
        Optional<Duration> timeLag = e.timeLag();
        if (spec.maxTimeLag().isEmpty() || timeLag.isEmpty() || arrivals <= Numbers.EPSILON) {
            return full;
        }
        double ageNow = Numbers.seconds(timeLag.get());
        if (excess > arrivals * ageNow) {
            return full;
        }
        double readyDelay = Numbers.seconds(e.readyDelay());
        double headroom = Numbers.seconds(spec.maxTimeLag().get()) - readyDelay;
        Parallelism group = e.group();
        int current = e.current();
        int keep = group.enoughMembers(arrivals * (1 + spec.tolerance() / 2) / e.rate());
        int base = Math.min(full, keep);
        int lower = lowerLevel(group, base);
        if (headroom <= 0 || lower < 1 || lower >= base
                || e.capacity(base) < arrivals * (1 + 2 * spec.tolerance())) {
            return full;
        }
        boolean staying = group.effective(current) == group.effective(lower) && current >= lower;
        double horizon = readyDelay + (staying ? 0 : Numbers.seconds(spec.drainWithin()));
        if ((staying || current >= base) && highestAge(e, lower, ageNow, arrivals, readyDelay, horizon) <= headroom) {
            notes.add(new Riding(lower, headroom, horizon));
            return lower;
        }
        if (base < full && current >= lower && current <= base && e.rateLearned()) {
            notes.add(new SloAllowsBacklog(base));
            return base;
        }
        return full;
    }

    /**
     * No scale-down while the time lag is within a ready delay of the SLO: capacity removed then could not come back
     * before the SLO is missed. After a burst, arrivals fall long before its backlog is gone, and the need (arrivals
     * plus the backlog over drainWithin) fell with them: 32 -> 7 with the oldest record 21 s old and the burst's
     * records still at the head (the simulator's spike, 10 s window).
     */
    static int hold(PolicySpec spec, Estimate e, int replicas, List<Note> notes) {
        Optional<Duration> timeLag = e.timeLag();
        if (replicas >= e.current() || spec.maxTimeLag().isEmpty() || timeLag.isEmpty() || e.lag() <= 0
                || Numbers.seconds(timeLag.get())
                <= Numbers.seconds(spec.maxTimeLag().get()) - Numbers.seconds(e.readyDelay())) {
            return replicas;
        }
        notes.add(new HeldNearSlo(timeLag.get(), e.readyDelay(), spec.maxTimeLag().get()));
        return e.current();
    }

    /** The fewest members of the next capacity level below {@code replicas}'s (16 on 32 partitions: 11); 0: none. */
    static int lowerLevel(Parallelism group, int replicas) {
        double top = group.effective(replicas);
        int r = Math.min(replicas, group.cap()) - 1;
        while (r >= 1 && group.effective(r) >= top - Numbers.EPSILON) {
            r--;
        }
        if (r < 1) {
            return 0;
        }
        double level = group.effective(r);
        while (r > 1 && group.effective(r - 1) >= level - Numbers.EPSILON) {
            r--;
        }
        return r;
    }

    /**
     * The highest time lag over the next {@code horizon} seconds with {@code target} replicas: the ready ones (at most
     * {@code target}) and those starting as they become ready, then {@code target} from the ready delay on; the age
     * grows at {@code 1 - capacity / arrivals} per second while capacity is short and falls by the surplus otherwise.
     */
    static double highestAge(Estimate e, int target, double ageNow, double arrivals, double readyDelay,
                             double horizon) {
        double age = ageNow;
        double highest = age;
        double until = Math.min(horizon, readyDelay);
        for (Projection.Segment s : Projection.segments(Math.min(e.ready(), target), e.starting(), e.now(), until)) {
            age = Math.max(0, age + s.seconds() * (1 - e.capacity(Math.min(s.ready(), target)) / arrivals));
            highest = Math.max(highest, age);
        }
        if (horizon > until) {
            age = Math.max(0, age + (horizon - until) * (1 - e.capacity(target) / arrivals));
        }
        return Math.max(highest, age);
    }
}
