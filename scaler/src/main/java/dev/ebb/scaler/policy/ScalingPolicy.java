package dev.ebb.scaler.policy;

import dev.ebb.scaler.policy.WorkloadState.Desire;
import dev.ebb.scaler.policy.WorkloadState.Sample;
import dev.ebb.scaler.policy.WorkloadState.Starting;
import dev.ebb.scaler.policy.WorkloadState.TopicPartition;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The scaling policy: one pure, deterministic step from (spec, observation, state, now) to a {@link Decision}.
 * See {@code scaler/POLICY.md} for the rules and their reasons.
 */
public final class ScalingPolicy {

    /** Deadlines never shrink below this, so an SLO already missed asks for the most replicas, not for infinity. */
    private static final double MIN_DEADLINE_SECONDS = 1.0;
    /** A learned per-replica rate stays within this factor of the prior: a safety net against runaway estimates. */
    private static final double LEARNED_RATE_BOUND = 10.0;
    private static final double EPSILON = 1e-9;
    /** Arrival rates are the median of the per-poll rates within this window (see {@code arrivalEstimate}). */
    private static final double ARRIVAL_WINDOW_SECONDS = 5;

    private ScalingPolicy() {
    }

    /**
     * Decides the replica count for one workload.
     *
     * @param spec the workload's policy settings; an invalid spec holds the current count
     * @param obs what this tick's poll saw
     * @param state what the policy remembered from the previous tick ({@link WorkloadState#initial(int)} at first)
     * @param now the tick's time; the policy reads no clock
     */
    public static Decision decide(PolicySpec spec, Observation obs, WorkloadState state, Instant now) {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(obs, "obs");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(now, "now");
        int current = state.currentReplicas();
        List<String> problems = spec.validate();
        if (!problems.isEmpty()) {
            return new Decision(current, "invalid policy, holding " + current + ": " + String.join("; ", problems),
                    state, DecisionKind.INVALID_SPEC, current);
        }
        if (obs instanceof Observation.Unavailable u) {
            return unavailable(spec, state, now, "lag unavailable (" + u.reason() + ")");
        }
        Observation.Lag lag = (Observation.Lag) obs;
        Duration age = Duration.between(lag.at(), now);
        if (age.compareTo(spec.staleAfter()) > 0) {
            return unavailable(spec, state, now, "lag observation is stale (" + Text.duration(age) + " old, limit "
                    + Text.duration(spec.staleAfter()) + ")");
        }
        if (state.lastObservationAt().isPresent() && !lag.at().isAfter(state.lastObservationAt().get())) {
            return new Decision(current, "no new observation since " + state.lastObservationAt().get()
                    + ", holding " + current, state, DecisionKind.HOLD, current);
        }
        return new Tick(spec, lag, state, now).decide();
    }

    private static Decision unavailable(PolicySpec spec, WorkloadState state, Instant now, String why) {
        int current = state.currentReplicas();
        int failures = state.failures() + 1;
        // Unknown activity restarts the cooldown: scaling to zero needs observed quiet, never missing data.
        WorkloadState next = new WorkloadState(current, state.learnedRate(), state.lastChangeAt(),
                live(state.starting(), now), state.desires(), Optional.empty(), failures,
                state.lastObservationAt(), state.samples(), state.committed(), membershipChangedAt(state, now));
        Optional<Fallback> fallback = spec.fallback();
        if (fallback.isPresent() && failures >= fallback.get().failureThreshold()) {
            Fallback f = fallback.get();
            int target = f.apply(current);
            if (target > 0) {
                target = Math.max(spec.activeFloor(), Math.min(spec.maxReplicas(), target));
            }
            String reason = why + ", " + failures + " failures in a row (threshold " + f.failureThreshold()
                    + "), fallback " + f.behavior().yamlName() + " " + f.replicas() + " -> " + target;
            return new Decision(target, reason, changedState(next, spec, target, now), DecisionKind.FALLBACK, current);
        }
        String count = fallback.map(f -> ", failure " + failures + " of " + f.failureThreshold())
                .orElse(", failure " + failures);
        return new Decision(current, why + count + ", holding " + current, next, DecisionKind.UNAVAILABLE, current);
    }

    /** Live starting replicas only. */
    private static List<Starting> live(List<Starting> starting, Instant now) {
        List<Starting> kept = new ArrayList<>();
        for (Starting s : starting) {
            if (s.readyAt().isAfter(now)) {
                kept.add(s);
            }
        }
        return kept;
    }

    /** The latest membership change up to {@code now}: replicas that became ready since count as one. */
    private static Optional<Instant> membershipChangedAt(WorkloadState state, Instant now) {
        Optional<Instant> latest = state.lastMembershipChangeAt();
        for (Starting s : state.starting()) {
            if (!s.readyAt().isAfter(now) && (latest.isEmpty() || s.readyAt().isAfter(latest.get()))) {
                latest = Optional.of(s.readyAt());
            }
        }
        return latest;
    }

    /** {@code base} after the count changed to {@code target} at {@code now}. */
    private static WorkloadState changedState(WorkloadState base, PolicySpec spec, int target, Instant now) {
        int current = base.currentReplicas();
        if (target == current) {
            return base;
        }
        List<Starting> starting = live(base.starting(), now);
        Optional<Instant> membershipChange = base.lastMembershipChangeAt();
        if (target > current) {
            if (!spec.readyDelay().isZero()) {
                starting.add(new Starting(now.plus(spec.readyDelay()), target - current));
            } else {
                membershipChange = Optional.of(now);
            }
        } else {
            int startingCount = starting.stream().mapToInt(Starting::count).sum();
            if (current - target > startingCount) {
                membershipChange = Optional.of(now); // ready consumers leave the group
            }
            starting = WorkloadState.trimStarting(starting, startingCount - (current - target));
        }
        return new WorkloadState(target, base.learnedRate(), Optional.of(now), starting, base.desires(),
                base.quietSince(), base.failures(), base.lastObservationAt(), base.samples(), base.committed(),
                membershipChange);
    }

    /** One tick's computation; a class so the many intermediate values have names instead of long parameter lists. */
    private static final class Tick {
        private final PolicySpec spec;
        private final Observation.Lag obs;
        private final WorkloadState state;
        private final Instant now;
        private final int current;
        private final long lag;
        private final double arrivals;
        /** Arrivals per second since the previous poll (unsmoothed); see {@code drainDesire}. */
        private final OptionalDouble lastPollArrivals;
        /** False on a workload's first observation: no rate yet, so no scale-down on an unknown load. */
        private final boolean arrivalsKnown;
        private final boolean arrivalsSeen;
        private final KedaLag keda;
        private final double rate;
        private final boolean rateLearned;
        private final List<Sample> samples;
        private final List<Starting> starting;
        private final int ready;
        /** Notes for the reason, filled while computing. */
        private final List<String> notes = new ArrayList<>();
        /** The mode's need in fractional replicas (for the tolerance band), set by {@link #desire()}. */
        private double need = Double.NaN;
        /** The partition cap the mode applied, for the reason; 0 when none bound. */
        private int capApplied;
        private String capWhat = "";
        /** The mode's inputs and formula in words, set by {@link #desire()}. */
        private String formula = "";
        /** Set when an ageing backlog raised the count to one that keeps up: the tolerance band does not apply. */
        private boolean keepingUp;

        Tick(PolicySpec spec, Observation.Lag obs, WorkloadState state, Instant now) {
            this.spec = spec;
            this.obs = obs;
            this.state = state;
            this.now = now;
            this.current = state.currentReplicas();
            this.lag = obs.totalLag();
            this.starting = live(state.starting(), now);
            int startingCount = starting.stream().mapToInt(Starting::count).sum();
            this.ready = Math.max(0, current - startingCount);

            long endOffsets = 0;
            for (PartitionLag p : obs.partitions()) {
                endOffsets += p.endOffset();
            }
            Sample sample = new Sample(obs.at(), lag, endOffsets, obs.partitionCount());
            Optional<Sample> previous = state.samples().isEmpty() ? Optional.empty()
                    : Optional.of(state.samples().get(state.samples().size() - 1));
            boolean endMoved = previous.isPresent() && previous.get().partitions() == sample.partitions()
                    && sample.endOffsets() > previous.get().endOffsets();
            Optional<Sample> windowStart = windowStart(state.samples(), sample);
            OptionalDouble estimate = arrivalEstimate(state.samples(), sample);
            this.lastPollArrivals = previous.isPresent() ? rate(previous.get(), sample) : OptionalDouble.empty();
            this.arrivalsKnown = obs.arrivalRate().isPresent() || estimate.isPresent();
            this.arrivals = Math.max(0, estimate.isPresent() ? estimate.getAsDouble() : obs.arrivalRate().orElse(0));
            this.arrivalsSeen = arrivals > EPSILON || endMoved;

            PartitionLimitation limitation = spec.mode() == Mode.THRESHOLD ? spec.partitions() : PartitionLimitation.none();
            this.keda = KedaLag.of(spec, limitation, obs, state.committed());

            OptionalDouble learned = learn(windowStart, sample);
            this.rateLearned = learned.isPresent();
            this.rate = learned.orElse(spec.perReplicaRate());
            this.samples = trimSamples(state.samples(), sample);
        }

        Decision decide() {
            long activityLag = spec.mode() == Mode.THRESHOLD ? keda.lagWithPersistent() : drainActivityLag();
            boolean lagActive = activityLag > spec.activationLagThreshold();
            boolean quiet = !lagActive && !arrivalsSeen;
            Optional<Instant> quietSince = quiet ? Optional.of(state.quietSince().orElse(now)) : Optional.empty();

            if (current <= spec.idleCount() && current < spec.activeFloor()) {
                if (!lagActive) {
                    int idle = spec.idleCount();
                    String reason = "idle: lag " + activityLag + " <= activation threshold "
                            + spec.activationLagThreshold() + " -> " + idle;
                    DecisionKind kind = idle == current ? DecisionKind.HOLD
                            : idle > current ? DecisionKind.SCALE_UP : DecisionKind.TO_ZERO;
                    return finish(idle, kind, reason, quietSince, Optional.empty());
                }
                Desire desire = desire();
                int target = bounded(desire.replicas());
                boundsNote(desire.replicas(), target);
                String reason = "activating: lag " + activityLag + " > activation threshold "
                        + spec.activationLagThreshold() + "; " + describe(target);
                return finish(target, DecisionKind.ACTIVATE, reason, quietSince, Optional.of(desire));
            }

            if (quietSince.isPresent() && spec.idleCount() < current
                    && !Duration.between(quietSince.get(), now).minus(spec.cooldown()).isNegative()) {
                int idle = spec.idleCount();
                String reason = "lag " + activityLag + " and no arrivals for " + Text.duration(Duration.between(
                        quietSince.get(), now)) + " (cooldown " + Text.duration(spec.cooldown()) + ") -> " + idle;
                return finish(idle, DecisionKind.TO_ZERO, reason, quietSince, Optional.empty());
            }

            Desire desire = desire();
            int wanted = bounded(desire.replicas());
            boundsNote(desire.replicas(), wanted);
            int hardTop = hardTop();
            if (current > hardTop) {
                // Bounds are not subject to damping: replicas above the maximum or the partition count are waste.
                return finish(hardTop, DecisionKind.SCALE_DOWN, describe(wanted) + "; above the bound " + hardTop,
                        quietSince, Optional.of(desire));
            }
            if (wanted > current) {
                // The band never keeps the count below minReplicas. Arrivals slightly above capacity are no
                // exception: the backlog they build soon takes the need beyond the band.
                if (withinTolerance() && current >= spec.activeFloor() && !keepingUp) {
                    return finish(current, DecisionKind.HOLD, describe(wanted) + "; holding " + current
                            + ": within tolerance " + percent(spec.tolerance()), quietSince, Optional.of(desire));
                }
                int target = wanted;
                String step = "";
                if (spec.scaleUpMaxStep().isPresent() && target - current > spec.scaleUpMaxStep().getAsInt()) {
                    target = current + spec.scaleUpMaxStep().getAsInt();
                    step = "; limited to +" + spec.scaleUpMaxStep().getAsInt() + " per decision";
                }
                return finish(target, DecisionKind.SCALE_UP, describe(wanted) + step, quietSince, Optional.of(desire));
            }
            if (wanted < current) {
                int stabilized = wanted;
                Instant from = now.minus(spec.scaleDownWindow());
                for (Desire d : state.desires()) {
                    if (!d.at().isBefore(from)) {
                        stabilized = Math.max(stabilized, bounded(d.replicas()));
                    }
                }
                int target = Math.min(current, stabilized);
                if (target == current) {
                    return finish(current, DecisionKind.HOLD, describe(wanted) + "; holding " + current
                            + ": scale-down stabilizing (highest desire within " + Text.duration(spec.scaleDownWindow())
                            + " is " + stabilized + ")", quietSince, Optional.of(desire));
                }
                if (spec.mode() == Mode.DRAIN && !arrivalsKnown) {
                    return finish(current, DecisionKind.HOLD, describe(wanted) + "; holding " + current
                            + ": arrival rate not known yet", quietSince, Optional.empty());
                }
                Optional<String> rebalancing = rebalancing();
                if (rebalancing.isPresent()) {
                    return finish(current, DecisionKind.HOLD, describe(wanted) + "; holding " + current + ": "
                            + rebalancing.get(), quietSince, Optional.of(desire));
                }
                // Threshold mode: the HPA's tolerance band, as KEDA users know it. Drain mode: the stabilization
                // window already damps noise, and a band here would strand a replica of waste (11 for a load of 10).
                if (spec.mode() == Mode.THRESHOLD && withinTolerance()) {
                    return finish(current, DecisionKind.HOLD, describe(wanted) + "; holding " + current
                            + ": within tolerance " + percent(spec.tolerance()) + " (stabilized " + target + ")",
                            quietSince, Optional.of(desire));
                }
                String step = "";
                if (spec.scaleDownMaxStep().isPresent() && current - target > spec.scaleDownMaxStep().getAsInt()) {
                    target = current - spec.scaleDownMaxStep().getAsInt();
                    step = "; limited to -" + spec.scaleDownMaxStep().getAsInt() + " per decision";
                }
                String stabilizedNote = target > wanted && step.isEmpty()
                        ? "; stabilized at " + target + " (highest desire within "
                        + Text.duration(spec.scaleDownWindow()) + ")" : "";
                return finish(target, DecisionKind.SCALE_DOWN, describe(wanted) + stabilizedNote + step, quietSince,
                        Optional.of(desire));
            }
            return finish(current, DecisionKind.HOLD, describe(wanted), quietSince, Optional.of(desire));
        }

        // ---- desire per mode -------------------------------------------------------------------------------

        /** The mode's desire before bounds and damping; also sets {@link #need}, {@link #formula} and notes. */
        private Desire desire() {
            int replicas = spec.mode() == Mode.THRESHOLD ? thresholdDesire() : drainDesire();
            return new Desire(now, replicas);
        }


        private int thresholdDesire() {
            need = (double) keda.lag() / spec.lagThreshold();
            int replicas = ceil(need);
            if (spec.groupKind() == GroupKind.CONSUMER && (!spec.allowIdleConsumers() || spec.limitToPartitionsWithLag())) {
                int upper = keda.partitions();
                String what = "partitions";
                if (spec.limitToPartitionsWithLag() && keda.partitionsWithLag() > 0) {
                    upper = keda.partitionsWithLag();
                    what = "partitions with lag";
                }
                if (upper > 0 && replicas > upper) {
                    replicas = upper;
                    capApplied = upper;
                    capWhat = what;
                }
            }
            if (spec.ensureEvenDistributionOfPartitions() && keda.partitions() > 0) {
                int even = nextFactor(keda.partitions(), replicas);
                if (even != replicas) {
                    notes.add("rounded up to " + even + ", a factor of " + keda.partitions() + " partitions");
                }
                replicas = even;
            }
            formula = "lag " + keda.lag() + (keda.lag() != keda.lagWithPersistent()
                    ? " (" + keda.lagWithPersistent() + " with persistent lag)" : "")
                    + " over " + keda.partitions() + " partitions, threshold " + spec.lagThreshold() + " per replica";
            return replicas;
        }

        private int drainDesire() {
            double commit = seconds(spec.commitInterval());
            double capacityReady = effective(ready) * rate;
            // Consumed-but-uncommitted records show as lag for up to one commit interval; they are not backlog.
            double explained = Math.min(arrivals, capacityReady) * commit;
            double excess = Math.max(0, lag - explained);
            // The median needs a few polls to accept a step. When the backlog already confirms a higher rate
            // (more than two seconds of arrivals beyond the commit cadence), take the last poll's rate at once:
            // one decision for the step instead of +1 for the backlog now and the rest when the median moves.
            double arrivals = this.arrivals;
            if (lastPollArrivals.isPresent() && lastPollArrivals.getAsDouble() > arrivals
                    && excess > 2 * arrivals + EPSILON) {
                arrivals = lastPollArrivals.getAsDouble();
                explained = Math.min(arrivals, capacityReady) * commit;
                excess = Math.max(0, lag - explained);
            }
            double drain = seconds(spec.drainWithin());
            // The SLO already missed (the oldest record older than maxTimeLag): every record of the backlog is late or
            // soon will be, so the backlog's deadline is the shortest, and the count the most that helps, until the
            // time lag is back within the SLO. With drainWithin, a dump that stopped arriving went 32 -> 6 while its
            // oldest records were 80 s old (the simulator's batch trace with a 10 s scale-down window).
            // The lag source's time lag is unknown once the oldest record predates its history (a dump that stopped
            // arriving a minute ago): then the policy's own samples bound the age from below.
            double oldest = obs.timeLag().map(ScalingPolicy::seconds).orElseGet(this::backlogAgeAtLeast);
            if (spec.maxTimeLag().isPresent() && oldest > seconds(spec.maxTimeLag().get()) && excess > 0) {
                drain = MIN_DEADLINE_SECONDS;
                notes.add("time lag " + (obs.timeLag().isPresent() ? "" : "at least ") + Text.number(oldest)
                        + "s, over the " + Text.duration(spec.maxTimeLag().get()) + " SLO: the backlog is due now");
            }
            double needNow = (arrivals + excess / drain) / rate;

            // Replicas asked for now consume only after readyDelay: size them for the backlog expected then,
            // counting the capacity of replicas already starting, so that re-deciding each poll gives the same
            // answer instead of one more replica per poll.
            double horizon = seconds(spec.readyDelay());
            double projected = excess;
            double t = 0;
            int readyThen = ready;
            List<Starting> pending = new ArrayList<>(starting);
            pending.sort(Comparator.comparing(Starting::readyAt));
            for (Starting s : pending) {
                double at = Math.min(horizon, seconds(Duration.between(now, s.readyAt())));
                if (at > t) {
                    projected = Math.max(0, projected + (arrivals - effective(readyThen) * rate) * (at - t));
                    t = at;
                }
                readyThen += s.count();
            }
            double capacityThen = effective(readyThen) * rate;
            projected = Math.max(0, projected + (arrivals - capacityThen) * (horizon - t));
            double needThen = (arrivals + projected / drain) / rate;
            need = Math.max(needNow, needThen);

            // Time-lag SLO: once the oldest record would be older than the SLO when new replicas are ready, only
            // capacity well above arrivals brings the age back; ask for it (bounded by max and partitions later).
            Optional<Duration> timeLag = obs.timeLag();
            String slo = "";
            boolean atRisk = false;
            if (spec.maxTimeLag().isPresent() && timeLag.isPresent() && arrivals > EPSILON) {
                double maxAge = seconds(spec.maxTimeLag().get());
                double ageNow = seconds(timeLag.get());
                // The age grows by (1 - capacity / arrivals) per second while capacity is short. Replicas already
                // starting count from their ready time: without them, every poll while they start would see the
                // age a little higher and ask for a few more (15 -> 19 -> 29 -> 32 within 15 s, each group of pods
                // pausing the group again).
                double ageThen = ageNow;
                double at0 = 0;
                int readyAge = ready;
                for (Starting s : pending) {
                    double at = Math.min(horizon, seconds(Duration.between(now, s.readyAt())));
                    if (at > at0) {
                        ageThen += (at - at0) * Math.max(0, 1 - effective(readyAge) * rate / arrivals);
                        at0 = at;
                    }
                    readyAge += s.count();
                }
                ageThen += (horizon - at0) * Math.max(0, 1 - effective(readyAge) * rate / arrivals);
                double over = ageThen - maxAge;
                slo = ", time lag " + Text.duration(timeLag.get()) + " of " + Text.duration(spec.maxTimeLag().get())
                        + " SLO";
                if (over > 0) {
                    // Remove the excess age within one ready delay after the new replicas are ready: draining
                    // `over` seconds of arrivals in that time. Within one second instead, every poll while they
                    // start sees the age a little higher and asks for many more (6 -> 8 -> 11 -> 16 -> 32).
                    double recover = Math.max(MIN_DEADLINE_SECONDS, horizon);
                    double needSlo = arrivals * (1 + over / recover) / rate;
                    if (needSlo > need) {
                        need = needSlo;
                        atRisk = true;
                        slo += " (at risk)";
                    }
                }
            }
            // The cheapest count whose effective capacity meets the need: the group is as fast as its busiest
            // member, so a need of 6.3 on 8 partitions is 8 members (4 to 7 all do the work of 4). Rounding down to
            // a count as slow as ceil(need) broke the deadline: `ebb demo` (8 partitions, 100/s per worker, drain
            // within 20s) went 8 -> 4 with 11,666 records of lag, half the capacity the deadline needed.
            // Scaling down (or holding), the count also never drops below what keeps up with arrivals: the busiest
            // member's partitions would fall behind for good while the total lag looks small, then the count would
            // rise again (6 -> 7 -> 6 for 5,500/s on 32 partitions).
            // Once the oldest record is older than half the SLO, a margin over arrivals: a shortfall against
            // arrivals has outlasted a burst (a slowly rising load whose count stays one short of keeping up).
            int replicas = enoughMembers(need);
            boolean ageing = spec.maxTimeLag().isPresent() && timeLag.isPresent()
                    && seconds(timeLag.get()) * 2 >= seconds(spec.maxTimeLag().get());
            if (!atRisk && ageing) {
                // With a margin (half the tolerance): members are not all equally fast, and the slowest of the
                // busiest sets the pace. The tolerance band does not hold it back: the backlog is already old.
                int keepUp = enoughMembers(arrivals * (1 + spec.tolerance() / 2) / rate);
                if (keepUp > current) {
                    notes.add("the oldest record is past half the SLO: " + keepUp + " keep up with arrivals");
                    keepingUp = true;
                }
                replicas = Math.max(replicas, keepUp);
            } else if (!atRisk && replicas < current) {
                replicas = Math.max(replicas, Math.min(current, enoughMembers(arrivals / rate)));
            }
            if (!atRisk && spec.maxTimeLag().isPresent() && timeLag.isPresent() && arrivals > EPSILON
                    && excess <= arrivals * seconds(timeLag.get())) {
                replicas = rideTheSlo(replicas, seconds(timeLag.get()), pending);
            }
            // Capacity removed while the oldest record is within one ready delay of the SLO could not come back
            // before the SLO is missed: no scale-down then. After a burst, arrivals fall long before its backlog
            // is gone, and the need (arrivals plus the backlog over drainWithin) fell with them: 32 -> 7 with the
            // oldest record 21 s old and the burst's records still at the head (the simulator's spike, 10 s window).
            if (replicas < current && spec.maxTimeLag().isPresent() && timeLag.isPresent() && lag > 0
                    && seconds(timeLag.get()) > seconds(spec.maxTimeLag().get()) - seconds(spec.readyDelay())) {
                notes.add("no scale-down: time lag " + Text.duration(timeLag.get()) + " is within the ready delay ("
                        + Text.duration(spec.readyDelay()) + ") of the " + Text.duration(spec.maxTimeLag().get())
                        + " SLO");
                replicas = current;
            }
            if (replicas > ceil(need)) {
                notes.add("rounded up to " + replicas + ": at most " + perMemberNote(replicas)
                        + " partitions per member, so fewer members would not keep up");
            }
            int cap = partitionCap();
            if (replicas > cap) {
                replicas = cap;
                capApplied = cap;
                capWhat = "partitions";
            }
            StringBuilder f = new StringBuilder();
            f.append("lag ").append(lag);
            if (explained >= 1 && lag > 0) {
                f.append(" (").append(Text.number(Math.min(lag, explained))).append(" explained by commits)");
            }
            f.append(", arrivals ").append(Text.number(arrivals)).append("/s, ").append(Text.number(rate))
                    .append("/s per replica").append(rateLearned ? " (measured)" : "")
                    .append(", drain within ").append(Text.duration(spec.drainWithin()));
            if (needThen > needNow + EPSILON && projected >= 1) {
                f.append(", projected lag ").append(Text.number(projected)).append(" when new replicas are ready in ")
                        .append(Text.duration(spec.readyDelay()));
            }
            int startingNow = current - ready;
            if (startingNow > 0) {
                f.append(", ").append(startingNow).append(" starting");
            }
            f.append(slo);
            formula = f.toString();
            return replicas;
        }

        /**
         * Riding the SLO's budget (drain mode with {@code maxTimeLag}, the backlog no more than the time lag's worth
         * of arrivals, so that it is current arrivals that age and not an older burst). On 32 partitions 11 members
         * do 10,667/s and the next faster count is 16: for 12,000/s the deadline's count, and the cheapest that keeps
         * up, is 16, a third more than arrivals. Instead, the count one capacity level below (11) runs while the time
         * lag, growing at {@code 1 - capacity / arrivals} per second, stays at least one ready delay below the SLO
         * (even if nothing were processed from then on, replicas asked for then are ready before the SLO is missed):
         * for a ready delay plus {@code drainWithin} ahead to enter that level, for one ready delay ahead to stay at
         * it. When it stops, the count is the cheapest that keeps up with arrivals (with half the tolerance as margin),
         * not the deadline's for a backlog the SLO allowed, and the age falls until the lower level can run again.
         * Only where the faster level is at least twice the tolerance above arrivals: with less surplus, the pause of
         * two membership changes costs more time at the higher count than the ride saves (7 members for 6,000/s).
         * {@code drainWithin} therefore no longer bounds a backlog that the SLO allows; {@code maxTimeLag} does.
         */
        private int rideTheSlo(int full, double ageNow, List<Starting> pending) {
            double maxAge = seconds(spec.maxTimeLag().get());
            double readyDelay = seconds(spec.readyDelay());
            double headroom = maxAge - readyDelay;
            int keep = enoughMembers(arrivals * (1 + spec.tolerance() / 2) / rate);
            int base = Math.min(full, keep);
            int lower = lowerLevel(base);
            if (headroom <= 0 || lower < 1 || lower >= base
                    || effective(base) * rate < arrivals * (1 + 2 * spec.tolerance())) {
                return full;
            }
            boolean staying = effective(current) == effective(lower) && current >= lower;
            double horizon = readyDelay + (staying ? 0 : seconds(spec.drainWithin()));
            if ((staying || current >= base) && highestAge(lower, ageNow, pending, horizon) <= headroom) {
                notes.add("riding the SLO at " + lower + ": time lag stays under " + Text.number(headroom)
                        + "s (SLO less the ready delay) for " + Text.number(horizon) + "s");
                return lower;
            }
            if (base < full && current >= lower && current <= base && rateLearned) {
                notes.add("the SLO allows the backlog: " + base + " keep up with arrivals");
                return base;
            }
            return full;
        }

        /** The fewest members of the next capacity level below {@code replicas}'s (16 on 32 partitions: 11); 0: none. */
        private int lowerLevel(int replicas) {
            double top = effective(replicas);
            int r = Math.min(replicas, partitionCap()) - 1;
            while (r >= 1 && effective(r) >= top - EPSILON) {
                r--;
            }
            if (r < 1) {
                return 0;
            }
            double level = effective(r);
            while (r > 1 && effective(r - 1) >= level - EPSILON) {
                r--;
            }
            return r;
        }

        /**
         * The highest time lag over the next {@code horizon} seconds with {@code target} replicas: the ready ones
         * until replicas starting or asked for now are ready (after the ready delay), the age growing at
         * {@code 1 - capacity / arrivals} per second while capacity is short, and falling by the surplus otherwise.
         */
        private double highestAge(int target, double ageNow, List<Starting> pending, double horizon) {
            double age = ageNow;
            double highest = age;
            double t = 0;
            int readyThen = Math.min(ready, target);
            double readyDelay = seconds(spec.readyDelay());
            for (Starting s : pending) {
                double at = Math.min(horizon, seconds(Duration.between(now, s.readyAt())));
                if (at > t) {
                    age = Math.max(0, age + (at - t) * (1 - effective(readyThen) * rate / arrivals));
                    highest = Math.max(highest, age);
                    t = at;
                }
                readyThen = Math.min(target, readyThen + s.count());
            }
            double newAt = Math.min(horizon, readyDelay);
            if (newAt > t) {
                age = Math.max(0, age + (newAt - t) * (1 - effective(readyThen) * rate / arrivals));
                highest = Math.max(highest, age);
                t = newAt;
            }
            age = Math.max(0, age + (horizon - t) * (1 - effective(target) * rate / arrivals));
            return Math.max(highest, age);
        }

        /** Lag that counts for activation and cooldown in drain mode: Ebb's lag plus KEDA's 1 per never-committed
         *  partition under {@code latest}, so a fresh group with arrivals still wakes a worker. */
        private long drainActivityLag() {
            long uncommittedCount = spec.offsetResetPolicy() == OffsetResetPolicy.LATEST
                    && !spec.scaleToZeroOnInvalidOffset() ? keda.uncommitted() : 0;
            return lag + uncommittedCount;
        }

        // ---- damping ------------------------------------------------------------------------------------------

        /** Whether need and current count differ by no more than the tolerance. */
        private boolean withinTolerance() {
            if (current == 0 || Double.isNaN(need)) {
                return false;
            }
            // Drain mode compares with what the count does, not the count: 6 members on 32 partitions do the work
            // of 5.3, so a need of 5.6 is beyond them, not within 10 % of 6.
            double capacity = spec.mode() == Mode.DRAIN ? effective(current) : current;
            return Math.abs(need / capacity - 1) <= spec.tolerance();
        }

        /** Why a scale-down must wait for the group to settle, if it must. */
        private Optional<String> rebalancing() {
            if (state.lastChangeAt().isEmpty()) {
                return Optional.empty();
            }
            Instant since = state.lastChangeAt().get();
            if (!now.isBefore(since.plus(spec.rebalanceGrace()))) {
                return Optional.empty();
            }
            boolean settled = starting.isEmpty() && obs.members().isPresent()
                    && obs.members().getAsInt() == current;
            if (settled) {
                return Optional.empty();
            }
            String members = obs.members().isPresent() ? obs.members().getAsInt() + " members" : "membership unknown";
            return Optional.of("group rebalancing after the change " + Text.duration(Duration.between(since, now))
                    + " ago (" + members + ", " + (current - ready) + " starting, grace "
                    + Text.duration(spec.rebalanceGrace()) + ")");
        }

        // ---- bounds -------------------------------------------------------------------------------------------

        /** The mode's desire within min/max and the partition cap (minReplicas wins over the cap). */
        private int bounded(int replicas) {
            int capped = Math.min(replicas, partitionCapForBounds());
            return Math.max(spec.activeFloor(), Math.min(spec.maxReplicas(), capped));
        }

        private void boundsNote(int raw, int bounded) {
            if (bounded > raw && bounded == spec.minReplicas()) {
                notes.add("raised to minReplicas " + bounded);
            } else if (bounded > raw) {
                notes.add("raised to " + bounded + ": an active workload keeps a replica");
            } else if (bounded < raw && bounded == spec.maxReplicas()) {
                notes.add("limited to maxReplicas " + bounded);
            } else if (bounded < raw) {
                notes.add("limited to " + bounded + " partitions");
            }
        }

        private int hardTop() {
            return Math.max(spec.activeFloor(), Math.min(spec.maxReplicas(), partitionCapForBounds()));
        }

        private int partitionCapForBounds() {
            if (spec.mode() == Mode.THRESHOLD) {
                return spec.allowIdleConsumers() || keda.partitions() == 0 || spec.groupKind() == GroupKind.SHARE
                        ? Integer.MAX_VALUE : keda.partitions();
            }
            return partitionCap();
        }

        /** Consumer groups: one consumer per partition at most. Share groups and unknown partitions: no cap. */
        private int partitionCap() {
            int partitions = obs.partitionCount();
            return spec.groupKind() == GroupKind.CONSUMER && partitions > 0 ? partitions : Integer.MAX_VALUE;
        }

        private int consumers(int replicas) {
            return Math.min(replicas, partitionCap());
        }

        /**
         * The replicas' effective parallelism: a consumer group processes its partitions only as fast as its busiest
         * member, so {@code r} members on {@code P} equally loaded partitions do the work of {@code P / ceil(P / r)}
         * replicas (9 or 10 members on 32 partitions: 8). Share groups and unknown partitions: {@code r}.
         */
        private double effective(int replicas) {
            int partitions = obs.partitionCount();
            if (spec.groupKind() != GroupKind.CONSUMER || partitions <= 0 || replicas <= 0) {
                return Math.max(0, replicas);
            }
            int members = Math.min(replicas, partitions);
            int busiest = (partitions + members - 1) / members;
            return (double) partitions / busiest;
        }

        /**
         * The fewest replicas whose effective parallelism is at least {@code need}: at most {@code floor(P / need)}
         * partitions per member (a need of 12.9 on 32 partitions is 16 members: 13 to 15 do the work of 10.7; a need
         * of 30 is 32 members: 16 would do the work of 16). A deadline the policy states holds at this count.
         */
        private int enoughMembers(double need) {
            int partitions = obs.partitionCount();
            int plain = ceil(need);
            if (spec.groupKind() != GroupKind.CONSUMER || partitions <= 0 || plain <= 0 || plain >= partitions) {
                return plain;
            }
            // At most P partitions per member: a tiny need must not overflow the division below.
            int perMember = (int) Math.min(partitions, Math.floor(partitions / need + EPSILON));
            return perMember < 1 ? partitions : (partitions + perMember - 1) / perMember;
        }

        private int perMemberNote(int replicas) {
            int partitions = obs.partitionCount();
            int members = Math.max(1, Math.min(replicas, partitions));
            return (partitions + members - 1) / members;
        }

        // ---- capacity learning ----------------------------------------------------------------------------------

        /**
         * The per-replica rate, updated when the group is saturated over the last window: lag above what the commit
         * cadence explains at both ends of the window, not shrinking, with no scaling change and a settled group.
         * Measuring over a window of whole commit intervals cancels the commit sawtooth.
         */
        private OptionalDouble learn(Optional<Sample> windowStart, Sample sample) {
            OptionalDouble learned = state.learnedRate();
            double consuming = effective(ready);
            if (spec.mode() != Mode.DRAIN || windowStart.isEmpty() || consuming <= EPSILON) {
                return learned;
            }
            Sample s0 = windowStart.get();
            // The commits bounding the window reach up to a commit interval before it, and the group pauses for a
            // while after each membership change: a change near or inside the window would read as low capacity.
            Optional<Instant> changed = membershipChangedAt(state, now);
            Duration margin = spec.commitInterval().multipliedBy(2);
            if (changed.isPresent() && changed.get().plus(margin).isAfter(s0.at())) {
                return learned;
            }
            if (obs.members().isPresent() && obs.members().getAsInt() < consumers(ready)) {
                return learned; // ready replicas not (yet) in the group: rebalancing
            }
            double dt = seconds(Duration.between(s0.at(), sample.at()));
            double arrived = (sample.endOffsets() - s0.endOffsets()) / dt;
            double consumed = arrived - (sample.lag() - s0.lag()) / dt;
            double explained = Math.max(arrived, consumed) * seconds(spec.commitInterval());
            boolean saturated = sample.lag() >= s0.lag() && s0.lag() > explained && sample.lag() > explained
                    && consumed > 0;
            if (!saturated) {
                return learned;
            }
            double perReplica = consumed / consuming;
            double prior = spec.perReplicaRate();
            double old = learned.orElse(prior);
            double sinceLast = state.lastObservationAt().map(t -> seconds(Duration.between(t, obs.at()))).orElse(dt);
            double alpha = 1 - Math.exp(-Math.max(0, sinceLast) / rateWindowSeconds());
            double updated = old + alpha * (perReplica - old);
            updated = Math.max(prior / LEARNED_RATE_BOUND, Math.min(prior * LEARNED_RATE_BOUND, updated));
            return OptionalDouble.of(updated);
        }

        /** Whole commit intervals covering about ten seconds: rates over it are free of the commit sawtooth. */
        private double rateWindowSeconds() {
            double commit = seconds(spec.commitInterval());
            if (commit <= 0) {
                return 10;
            }
            return commit * Math.max(1, Math.round(10 / commit));
        }

        /**
         * Arrivals per second from the end offsets: the median of the per-poll rates within the last
         * {@value #ARRIVAL_WINDOW_SECONDS} s (at least the last poll's). The observer's own rate is averaged over its
         * window and trails a step for that long: re-deciding on a slowly rising estimate adds replicas poll after
         * poll (each becoming ready at another moment, each pausing the group), and a slowly falling one removes them
         * one by one. A single poll's rate sees a step at once but follows every burst, and a replica that arrives
         * {@code readyDelay} later does nothing for a one-second burst. The median moves in one jump once most polls
         * of the window agree, in both directions, and ignores bursts shorter than half the window. Empty on the first
         * observation.
         */
        private static OptionalDouble arrivalEstimate(List<Sample> history, Sample sample) {
            List<Double> rates = new ArrayList<>();
            Sample later = sample;
            for (int i = history.size() - 1; i >= 0; i--) {
                Sample earlier = history.get(i);
                if (!rates.isEmpty()
                        && seconds(Duration.between(later.at(), sample.at())) >= ARRIVAL_WINDOW_SECONDS - EPSILON) {
                    break;
                }
                OptionalDouble r = rate(earlier, later);
                if (r.isEmpty()) {
                    break;
                }
                rates.add(r.getAsDouble());
                later = earlier;
            }
            if (rates.isEmpty()) {
                return OptionalDouble.empty();
            }
            rates.sort(null);
            int n = rates.size();
            double median = n % 2 == 1 ? rates.get(n / 2) : (rates.get(n / 2 - 1) + rates.get(n / 2)) / 2;
            return OptionalDouble.of(median);
        }

        /** Records appended per second between two samples; empty when they are not comparable. */
        private static OptionalDouble rate(Sample from, Sample to) {
            if (from.partitions() != to.partitions() || !to.at().isAfter(from.at())) {
                return OptionalDouble.empty();
            }
            return OptionalDouble.of(Math.max(0, to.endOffsets() - from.endOffsets())
                    / seconds(Duration.between(from.at(), to.at())));
        }

        /** The newest earlier sample at least one rate window before {@code sample}, within two windows. */
        private Optional<Sample> windowStart(List<Sample> history, Sample sample) {
            double window = rateWindowSeconds();
            Optional<Sample> found = Optional.empty();
            for (Sample s : history) {
                double back = seconds(Duration.between(s.at(), sample.at()));
                if (back >= window - EPSILON && back <= 2 * window && s.partitions() == sample.partitions()) {
                    found = Optional.of(s);
                }
            }
            return found;
        }

        /**
         * A lower bound of the oldest record's age from the policy's own samples: the lag is the newest records, so the
         * oldest was appended after the last sample whose total end offset was at most {@code end - lag}; when no
         * sample was that early, it is older than the whole history. 0 without history.
         */
        private double backlogAgeAtLeast() {
            Sample newest = samples.get(samples.size() - 1);
            long appendedBefore = newest.endOffsets() - lag;
            Instant appendedBy = newest.at();
            for (int i = samples.size() - 2; i >= 0; i--) {
                Sample s = samples.get(i);
                if (s.partitions() != newest.partitions() || s.endOffsets() <= appendedBefore) {
                    break;
                }
                appendedBy = s.at();
            }
            return seconds(Duration.between(appendedBy, newest.at()));
        }

        private List<Sample> trimSamples(List<Sample> history, Sample sample) {
            // Enough history to bound the oldest record's age past the SLO (backlogAgeAtLeast).
            double keep = Math.max(3 * rateWindowSeconds(),
                    spec.maxTimeLag().map(m -> seconds(m) + rateWindowSeconds()).orElse(0.0));
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

        // ---- result -------------------------------------------------------------------------------------------

        private Decision finish(int target, DecisionKind kind, String reason, Optional<Instant> quietSince,
                                Optional<Desire> desire) {
            List<Desire> desires = new ArrayList<>();
            Instant keepFrom = now.minus(spec.scaleDownWindow());
            for (Desire d : state.desires()) {
                if (!d.at().isBefore(keepFrom)) {
                    desires.add(d);
                }
            }
            desire.ifPresent(desires::add);
            Map<TopicPartition, Long> committed = spec.excludePersistentLag() ? keda.committed() : Map.of();
            WorkloadState base = new WorkloadState(current, rateLearned ? OptionalDouble.of(rate) : OptionalDouble.empty(),
                    state.lastChangeAt(), starting, desires, quietSince, 0, Optional.of(obs.at()), samples, committed,
                    membershipChangedAt(state, now));
            DecisionKind finalKind = target == current && kind != DecisionKind.HOLD ? DecisionKind.HOLD : kind;
            return new Decision(target, reason, changedState(base, spec, target, now), finalKind, current);
        }

        private String describe(int target) {
            StringBuilder s = new StringBuilder(formula).append(" -> ").append(target);
            if (capApplied > 0 && capApplied == target) {
                s.append(" (capped at ").append(capApplied).append(' ').append(capWhat).append(')');
            }
            for (String note : notes) {
                s.append("; ").append(note);
            }
            return s.toString();
        }
    }

    // ---- small helpers ------------------------------------------------------------------------------------------

    private static int ceil(double replicas) {
        if (replicas <= EPSILON) {
            return 0;
        }
        double c = Math.ceil(replicas - EPSILON);
        return c >= Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) c;
    }

    /** The smallest factor of {@code partitions} that is at least {@code replicas}, as KEDA's even distribution. */
    static int nextFactor(int partitions, int replicas) {
        for (int f = Math.max(1, replicas); f < partitions; f++) {
            if (partitions % f == 0) {
                return f;
            }
        }
        return partitions;
    }

    private static double seconds(Duration d) {
        return Text.seconds(d);
    }

    private static String percent(double fraction) {
        return Text.number(fraction * 100) + "%";
    }
}
