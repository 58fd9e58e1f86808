package dev.ebb.scaler.policy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.function.DoubleUnaryOperator;

/**
 * A small discrete-time model of one consumer group driven by the policy, for tests that need time to pass:
 * arrivals follow a function of time, replicas become consumers after a cold start, every membership change pauses
 * the whole group, offsets are committed on a cadence, and the scaler polls on an interval and applies each decision
 * at once. Deterministic: no randomness, no clock.
 */
final class GroupModel {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final double STEP = 0.1;

    final int partitions;
    final double perReplicaRate;
    final double coldStart;
    final double pause;
    final double commitInterval;
    final double pollInterval;
    final DoubleUnaryOperator arrivals;

    private double t;
    private double produced;
    private double consumed;
    private double committed;
    private double nextCommit;
    private double nextPoll;
    private double pausedUntil;
    private int lastReady;
    private final List<Double> replicaStarts = new ArrayList<>();
    /** (time, produced) every step, to find the arrival time of the oldest unconsumed record. */
    private final List<double[]> producedAt = new ArrayList<>();
    private final java.util.LinkedList<double[]> polls = new java.util.LinkedList<>();

    WorkloadState state;
    final List<Decision> decisions = new ArrayList<>();
    double replicaSeconds;
    int changes;
    int reversals;
    double maxTrueAge;
    private int lastDirection;

    GroupModel(int partitions, double perReplicaRate, double coldStart, double pause, double commitInterval,
               double pollInterval, DoubleUnaryOperator arrivals, int initialReplicas) {
        this.partitions = partitions;
        this.perReplicaRate = perReplicaRate;
        this.coldStart = coldStart;
        this.pause = pause;
        this.commitInterval = commitInterval;
        this.pollInterval = pollInterval;
        this.arrivals = arrivals;
        for (int i = 0; i < initialReplicas; i++) {
            replicaStarts.add(-coldStart);
        }
        this.lastReady = initialReplicas;
        this.state = WorkloadState.initial(initialReplicas);
        this.nextCommit = commitInterval;
    }

    /** The simulator's standard settings: 32 partitions, 1,000 rec/s per replica, 10 s cold start, 2 s pause, 5 s commits, 1 s polls. */
    static GroupModel standard(DoubleUnaryOperator arrivals, int initialReplicas) {
        return new GroupModel(32, 1000, 10, 2, 5, 1, arrivals, initialReplicas);
    }

    static PolicySpec standardSpec() {
        return PolicySpec.builder().maxReplicas(32).perReplicaRate(1000).readyDelay(Duration.ofSeconds(12))
                .maxTimeLag(Duration.ofSeconds(30)).build();
    }

    void run(PolicySpec spec, double seconds) {
        double end = t + seconds;
        while (t < end - 1e-9) {
            step(spec);
        }
    }

    private void step(PolicySpec spec) {
        int ready = readyCount();
        if (ready != lastReady) {
            pausedUntil = t + pause;
            lastReady = ready;
        }
        produced += arrivals.applyAsDouble(t) * STEP;
        producedAt.add(new double[] {t + STEP, produced});
        if (t >= pausedUntil) {
            // Equally loaded partitions: the group is as fast as its busiest member (9 members on 32 partitions do 8).
            int members = Math.min(ready, partitions);
            double effective = members == 0 ? 0 : (double) partitions / ((partitions + members - 1) / members);
            double capacity = effective * perReplicaRate * STEP;
            consumed = Math.min(produced, consumed + capacity);
        }
        replicaSeconds += replicaStarts.size() * STEP;
        t += STEP;
        maxTrueAge = Math.max(maxTrueAge, ageOf(consumed, 0));
        if (t >= nextCommit - 1e-9) {
            committed = consumed;
            nextCommit += commitInterval;
        }
        if (t >= nextPoll - 1e-9) {
            poll(spec);
            nextPoll += pollInterval;
        }
    }

    private void poll(PolicySpec spec) {
        Instant now = at(t);
        polls.add(new double[] {t, produced, committed});
        Decision d = ScalingPolicy.decide(spec, observation(now), state, now);
        decisions.add(d);
        if (d.changed()) {
            apply(d.desiredReplicas());
        }
        state = d.next().withCurrentReplicas(replicaStarts.size());
    }

    private void apply(int target) {
        int direction = Integer.signum(target - replicaStarts.size());
        if (lastDirection != 0 && direction != lastDirection) {
            reversals++;
        }
        lastDirection = direction;
        changes++;
        while (replicaStarts.size() < target) {
            replicaStarts.add(t);
        }
        while (replicaStarts.size() > target) {
            replicaStarts.remove(replicaStarts.size() - 1);
        }
    }

    Observation.Lag observation(Instant now) {
        List<PartitionLag> list = new ArrayList<>();
        long endTotal = (long) produced;
        long committedTotal = (long) committed;
        for (int p = 0; p < partitions; p++) {
            long end = share(endTotal, p);
            long c = share(committedTotal, p);
            list.add(new PartitionLag("orders", p, end, 0, OptionalLong.of(c), Math.max(0, end - c)));
        }
        OptionalDouble arrivalRate = OptionalDouble.empty();
        OptionalDouble consumptionRate = OptionalDouble.empty();
        double[] from = pollAtLeastBack(10);
        if (from != null && t > from[0]) {
            arrivalRate = OptionalDouble.of((produced - from[1]) / (t - from[0]));
            consumptionRate = OptionalDouble.of((committed - from[2]) / (t - from[0]));
        }
        Duration timeLag = Duration.ofMillis((long) (ageOf(committed, 1) * 1000));
        return new Observation.Lag(now, list, arrivalRate, consumptionRate, Optional.of(timeLag),
                OptionalInt.of(readyCount()));
    }

    private double[] pollAtLeastBack(double seconds) {
        // Polls are chronological: drop those older than the newest one at least `seconds` back.
        while (polls.size() > 1 && t - polls.get(1)[0] >= seconds - 1e-9) {
            polls.remove(0);
        }
        return polls.isEmpty() ? null : polls.get(0);
    }

    private long share(long total, int p) {
        return total / partitions + (p < total % partitions ? 1 : 0);
    }

    /** Cursors into {@link #producedAt}, one per monotone position (consumed, committed). */
    private final int[] cursors = new int[2];

    /** Age of the oldest record at or beyond {@code position}; 0 when nothing is unconsumed. */
    private double ageOf(double position, int cursor) {
        if (position >= produced - 1e-6) {
            return 0;
        }
        int i = cursors[cursor];
        while (i < producedAt.size() && producedAt.get(i)[1] <= position) {
            i++;
        }
        cursors[cursor] = i;
        return i < producedAt.size() ? t - producedAt.get(i)[0] + STEP : 0;
    }

    int readyCount() {
        int n = 0;
        for (double s : replicaStarts) {
            if (t - s >= coldStart - 1e-9) {
                n++;
            }
        }
        return n;
    }

    int replicas() {
        return replicaStarts.size();
    }

    /** Records produced and not yet consumed. */
    double backlog() {
        return produced - consumed;
    }

    double now() {
        return t;
    }

    static Instant at(double seconds) {
        return T0.plusMillis(Math.round(seconds * 1000));
    }
}
