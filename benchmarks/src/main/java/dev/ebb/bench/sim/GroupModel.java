package dev.ebb.bench.sim;

import dev.ebb.scaler.policy.GroupKind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The workload in discrete time: a topic whose partitions receive the trace's records evenly, a Deployment of pods,
 * and the consumer group those pods form once their cold start is over.
 *
 * <p>Per step: scale commands whose actuation delay passed are applied (new pods start cold; scale-down removes
 * starting pods first, then the newest members); pods whose cold start ended join the group; every membership change
 * commits the consumed positions and pauses the whole group's consumption for the protocol's pause; members then
 * consume their partitions (round-robin assignment, each member's rate split evenly over its partitions with
 * backlog); each partition commits its position every commit interval (staggered per partition, as each consumer's
 * auto-commit timer runs on its own). Offsets are fluid (fractional records) inside the model; observations round
 * them down, as Kafka offsets are whole.
 *
 * <p>As a share group ({@link Consumption#shareGroup}): every member takes records of every partition (the broker
 * hands out records, not partitions), so members are not capped by the partition count; a membership change pauses
 * nothing and commits nothing; each record costs its service time plus the acquisition overhead (acquire, acknowledge:
 * a worker's rate is divided by {@code 1 + overhead}); a record is acknowledged as soon as it is processed, so the
 * reported position (the share-partition start offset) is the processed position, whole records, every step.
 */
final class GroupModel {

    /**
     * How the members consume the topic.
     *
     * @param kind a consumer group (one member per partition) or a share group (records, not partitions)
     * @param acquisitionOverhead share groups: the extra cost of acquiring and acknowledging one record, as a fraction
     *                            of its service time; 0 for consumer groups
     */
    record Consumption(GroupKind kind, double acquisitionOverhead) {

        static final Consumption CONSUMER_GROUP = new Consumption(GroupKind.CONSUMER, 0);

        Consumption {
            if (kind == null) {
                throw new IllegalArgumentException("Invalid value null for kind: must be CONSUMER or SHARE");
            }
            if (!(acquisitionOverhead >= 0 && acquisitionOverhead < 10)) {
                throw new IllegalArgumentException("Invalid value " + acquisitionOverhead
                        + " for acquisitionOverhead: must be >= 0 and < 10");
            }
            if (kind == GroupKind.CONSUMER && acquisitionOverhead != 0) {
                throw new IllegalArgumentException("Invalid value " + acquisitionOverhead
                        + " for acquisitionOverhead: must be 0 for a consumer group");
            }
        }

        static Consumption shareGroup(double acquisitionOverhead) {
            return new Consumption(GroupKind.SHARE, acquisitionOverhead);
        }

        boolean share() {
            return kind == GroupKind.SHARE;
        }
    }

    private final SimSettings settings;
    private final Consumption consumption;
    private final Trace trace;
    private final double[] cumulative;
    private final double dt;
    private final int partitions;
    private final int coldSteps;
    private final int pauseSteps;
    private final int commitSteps;
    private final int actuationSteps;

    private final double[] consumed;
    private final long[] committed;
    private final List<Pod> pods = new ArrayList<>();
    private final List<Pod> members = new ArrayList<>();
    private final List<long[]> pending = new ArrayList<>(); // {applyAtStep, replicas}
    private int nextPodId;
    private int pausedUntil;
    private int step;
    private long membershipChanges;

    // recorded per step
    final float[] timeLag;
    final short[] podCount;
    final short[] memberCount;
    private final double[] backlogBuffer;
    private final double[] order;

    private record Pod(int id, int readyAt) {
    }

    GroupModel(SimSettings settings, Trace trace) {
        this(settings, trace, Consumption.CONSUMER_GROUP);
    }

    GroupModel(SimSettings settings, Trace trace, Consumption consumption) {
        this.settings = settings;
        this.consumption = consumption;
        this.trace = trace;
        this.cumulative = trace.cumulative();
        this.dt = settings.stepSeconds();
        this.partitions = settings.partitions();
        this.coldSteps = settings.steps(settings.coldStart());
        this.pauseSteps = settings.steps(settings.groupPause());
        this.commitSteps = settings.steps(settings.commitInterval());
        this.actuationSteps = settings.steps(settings.actuationDelay());
        this.consumed = new double[partitions];
        this.committed = new long[partitions];
        this.timeLag = new float[trace.steps()];
        this.podCount = new short[trace.steps()];
        this.memberCount = new short[trace.steps()];
        this.backlogBuffer = new double[partitions];
        this.order = new double[partitions];
        for (int i = 0; i < trace.initialReplicas(); i++) {
            Pod pod = new Pod(nextPodId++, 0);
            pods.add(pod);
            members.add(pod);
        }
    }

    // ---- what a scaler can see and do ------------------------------------------------------------------------

    int step() {
        return step;
    }

    double now() {
        return step * dt;
    }

    int partitions() {
        return partitions;
    }

    Consumption consumption() {
        return consumption;
    }

    /** The number of overhead-free workers {@code ready} members amount to: for a consumer group the busiest member
     *  sets the pace ({@link SimSettings#effectiveReplicas}); a share group's members all work, each slowed by the
     *  acquisition overhead. */
    double effectiveWorkers(int ready) {
        if (!consumption.share()) {
            return settings.effectiveReplicas(ready);
        }
        return Math.max(0, ready) / (1 + consumption.acquisitionOverhead());
    }

    /** The Deployment's replica count (spec): every pod, starting or ready. */
    int replicas() {
        return pods.size();
    }

    /** Members of the consumer group (ready pods). */
    int members() {
        return members.size();
    }

    /** End offset of a partition, as a broker reports it. */
    long endOffset(int partition) {
        return (long) Math.floor(partitionCumulative(step) + 1e-9);
    }

    long committedOffset(int partition) {
        return committed[partition];
    }

    /** Asks for {@code replicas} pods; takes effect after the actuation delay. */
    void requestReplicas(int replicas) {
        pending.add(new long[] {step + actuationSteps, replicas});
    }

    /** For the oracle, which plans with foreknowledge: start pods now, without actuation delay. */
    void startPods(int count) {
        for (int i = 0; i < count; i++) {
            pods.add(new Pod(nextPodId++, step + coldSteps));
        }
    }

    /** For the oracle: stop {@code count} group members now (newest first). */
    void stopMembers(int count) {
        int stop = Math.min(count, members.size());
        for (int i = 0; i < stop; i++) {
            Pod pod = members.remove(members.size() - 1);
            pods.remove(pod);
        }
        if (stop > 0) {
            membershipChanged();
        }
    }

    long membershipChanges() {
        return membershipChanges;
    }

    // ---- time --------------------------------------------------------------------------------------------------

    /** Applies due scale commands and joins pods whose cold start ended; call before the scaler looks. */
    void beginStep() {
        for (int i = 0; i < pending.size(); ) {
            long[] command = pending.get(i);
            if (command[0] <= step) {
                scaleTo((int) command[1]);
                pending.remove(i);
            } else {
                i++;
            }
        }
        boolean joined = false;
        for (Pod pod : pods) {
            if (pod.readyAt() == step && !members.contains(pod)) {
                members.add(pod);
                joined = true;
            }
        }
        if (joined) {
            members.sort((a, b) -> Integer.compare(a.id(), b.id()));
            membershipChanged();
        }
    }

    /** Advances one step: arrivals, consumption, commits, and the recorded series. */
    void advance() {
        double end = partitionCumulative(step + 1);
        if (step >= pausedUntil && !members.isEmpty()) {
            if (consumption.share()) {
                consumeShared(end);
            } else {
                consume(end);
            }
        }
        for (int p = 0; p < partitions; p++) {
            // each partition's auto-commit timer has its own phase; a share group acknowledges every record
            if (consumption.share() || (step + 1 + (long) p * commitSteps / partitions) % commitSteps == 0) {
                commit(p);
            }
        }
        timeLag[step] = (float) trueTimeLag(end);
        podCount[step] = (short) pods.size();
        memberCount[step] = (short) members.size();
        step++;
    }

    private void consume(double end) {
        int active = Math.min(members.size(), partitions);
        int second = (int) Math.floor(step * dt + 1e-9);
        for (int m = 0; m < active; m++) {
            double rate = settings.perReplicaRate() * noise(members.get(m).id(), second);
            double capacity = rate * dt;
            // water-filling: equal shares, leftovers of partitions that run dry go to the others
            int k = 0;
            for (int p = m; p < partitions; p += active) {
                backlogBuffer[k] = end - consumed[p];
                order[k] = p;
                k++;
            }
            waterFill(k, capacity);
        }
    }

    /** A share group: the members' capacity together, net of the acquisition overhead, over every partition. */
    private void consumeShared(double end) {
        int second = (int) Math.floor(step * dt + 1e-9);
        double capacity = 0;
        for (Pod member : members) {
            capacity += settings.perReplicaRate() * noise(member.id(), second) * dt;
        }
        capacity /= 1 + consumption.acquisitionOverhead();
        for (int p = 0; p < partitions; p++) {
            backlogBuffer[p] = end - consumed[p];
            order[p] = p;
        }
        waterFill(partitions, capacity);
    }

    /** Spreads {@code capacity} over the first {@code k} buffered partitions: equal shares, leftovers of partitions
     *  that run dry go to the others. */
    private void waterFill(int k, double capacity) {
        sortByBacklog(k);
        int left = k;
        for (int j = 0; j < k; j++) {
            int p = (int) order[j];
            double take = Math.min(Math.max(0, backlogBuffer[j]), capacity / left);
            consumed[p] += take;
            capacity -= take;
            left--;
        }
    }

    private void sortByBacklog(int k) {
        for (int i = 1; i < k; i++) {
            double b = backlogBuffer[i];
            double o = order[i];
            int j = i - 1;
            while (j >= 0 && backlogBuffer[j] > b) {
                backlogBuffer[j + 1] = backlogBuffer[j];
                order[j + 1] = order[j];
                j--;
            }
            backlogBuffer[j + 1] = b;
            order[j + 1] = o;
        }
    }

    /** Throughput factor of one worker in one second, uniform in [1-noise, 1+noise], the same in every run. */
    double noise(int podId, int second) {
        if (settings.noise() == 0) {
            return 1;
        }
        long h = settings.seed() * 0x9E3779B97F4A7C15L + podId * 0xC2B2AE3D27D4EB4FL + second * 0x165667B19E3779F9L;
        h = (h ^ (h >>> 30)) * 0xBF58476D1CE4E5B9L;
        h = (h ^ (h >>> 27)) * 0x94D049BB133111EBL;
        h ^= h >>> 31;
        double u = (h >>> 11) * 0x1.0p-53; // [0, 1)
        return 1 + settings.noise() * (2 * u - 1);
    }

    private void scaleTo(int replicas) {
        int target = Math.max(0, replicas);
        while (pods.size() < target) {
            pods.add(new Pod(nextPodId++, step + coldSteps));
        }
        boolean left = false;
        while (pods.size() > target) {
            // Kubernetes deletes pods that are not ready first, then the newest
            Pod victim = null;
            for (int i = pods.size() - 1; i >= 0; i--) {
                if (!members.contains(pods.get(i))) {
                    victim = pods.get(i);
                    break;
                }
            }
            if (victim == null) {
                victim = members.remove(members.size() - 1);
                left = true;
            }
            pods.remove(victim);
        }
        if (left) {
            membershipChanged();
        }
    }

    private void membershipChanged() {
        membershipChanges++;
        if (consumption.share()) {
            return; // no assignment to revoke: nothing to commit, nobody stops
        }
        // the revoking members commit what they consumed before the rebalance
        for (int p = 0; p < partitions; p++) {
            commit(p);
        }
        pausedUntil = step + pauseSteps;
    }

    private void commit(int p) {
        committed[p] = (long) Math.floor(consumed[p] + 1e-9);
    }

    private double partitionCumulative(int atStep) {
        return cumulative[Math.min(atStep, cumulative.length - 1)] / partitions;
    }

    /** Age of the oldest record not yet processed, at the end of the current step (seconds). */
    private double trueTimeLag(double end) {
        double oldest = Double.POSITIVE_INFINITY;
        for (int p = 0; p < partitions; p++) {
            if (end - consumed[p] > 1e-6) {
                oldest = Math.min(oldest, consumed[p]);
            }
        }
        if (oldest == Double.POSITIVE_INFINITY) {
            return 0;
        }
        double arrived = Trace.arrivalTime(cumulative, dt, oldest * partitions);
        return Math.max(0, (step + 1) * dt - arrived);
    }

    /** Records arrived so far minus records processed (the true backlog, fluid). */
    double backlog() {
        double end = partitionCumulative(step);
        double sum = 0;
        for (double c : consumed) {
            sum += end - c;
        }
        return sum;
    }

    double processed() {
        return Arrays.stream(consumed).sum();
    }

    double arrived() {
        return partitionCumulative(step) * partitions;
    }
}
