package dev.ebb.bench.sim;

import dev.ebb.scaler.policy.GroupKind;
import dev.ebb.scaler.policy.Parallelism;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The simulator's model settings. {@link #standard()} are the settings every published number uses.
 *
 * @param step model time step
 * @param coldStart time from pod creation until the worker can join the group
 * @param perReplicaRate mean records/s one worker processes when it has work
 * @param noise per-worker throughput noise: each worker's rate in each second is uniform in [1-noise, 1+noise] x mean
 * @param partitions partitions of the topic; a classic group uses at most this many members
 * @param protocol the group protocol, which decides the consumption pause per membership change
 * @param classicPause whole-group consumption pause per membership change with the classic protocol (eager rebalance)
 * @param consumerPause the same pause with the KIP-848 consumer protocol (only moved partitions stop, briefly)
 * @param commitInterval how often each partition's consumed position is committed (auto-commit)
 * @param ebbPoll Ebb's poll interval
 * @param actuationDelay from a scale decision until the pods exist (API call, controller, scheduling)
 * @param slo time-lag service level objective
 * @param maxReplicas upper bound for every policy (Ebb's maxReplicas, KEDA's maxReplicaCount)
 * @param oracleWindow the oracle changes its replica count only at multiples of this
 * @param kedaLagThreshold KEDA's lagThreshold (records of lag per replica); see SIMULATOR.md for the choice
 * @param seed seed for throughput noise, the poll phases of every controller and the random-bursts trace
 * @param ebbPerReplicaRate Ebb's prior for the per-replica rate ({@code perReplicaRate}); independent of the model's
 * @param ebbReadyDelay Ebb's {@code readyDelay} (what an operator states about cold start + join); independent of the
 *                      model's cold start and pause
 * @param ebbCommitInterval Ebb's {@code commitInterval}; independent of the model's
 * @param ebbScaleDownWindow Ebb's {@code scaleDownWindow}; empty: the policy's default
 */
public record SimSettings(Duration step, Duration coldStart, double perReplicaRate, double noise, int partitions,
                          Protocol protocol, Duration classicPause, Duration consumerPause, Duration commitInterval,
                          Duration ebbPoll, Duration actuationDelay, Duration slo, int maxReplicas,
                          Duration oracleWindow, long kedaLagThreshold, long seed, double ebbPerReplicaRate,
                          Duration ebbReadyDelay, Duration ebbCommitInterval,
                          java.util.Optional<Duration> ebbScaleDownWindow) {

    /** Consumer group protocol. */
    public enum Protocol { CLASSIC, CONSUMER }

    public static SimSettings standard() {
        return new SimSettings(Duration.ofMillis(100), Duration.ofSeconds(10), 1000, 0.10, 32, Protocol.CLASSIC,
                Duration.ofSeconds(2), Duration.ofMillis(300), Duration.ofSeconds(5), Duration.ofSeconds(1),
                Duration.ofMillis(500), Duration.ofSeconds(30), 32, Duration.ofSeconds(5), 5000, 1L,
                1000, Duration.ofSeconds(12), Duration.ofSeconds(5), java.util.Optional.empty());
    }

    /** Every problem at once, as "Invalid value V for NAME: RULE"; empty when valid. */
    public List<String> problems() {
        List<String> p = new ArrayList<>();
        positive(p, "step", step);
        notNegative(p, "coldStart", coldStart);
        if (!(perReplicaRate > 0)) {
            p.add("Invalid value " + perReplicaRate + " for perReplicaRate: must be > 0");
        }
        if (!(noise >= 0 && noise < 1)) {
            p.add("Invalid value " + noise + " for noise: must be >= 0 and < 1");
        }
        if (partitions < 1 || partitions > 1024) {
            p.add("Invalid value " + partitions + " for partitions: must be between 1 and 1024");
        }
        if (protocol == null) {
            p.add("Invalid value null for protocol: must be classic or consumer");
        }
        notNegative(p, "classicPause", classicPause);
        notNegative(p, "consumerPause", consumerPause);
        positive(p, "commitInterval", commitInterval);
        positive(p, "ebbPoll", ebbPoll);
        notNegative(p, "actuationDelay", actuationDelay);
        positive(p, "slo", slo);
        if (maxReplicas < 1 || maxReplicas > 1000) {
            p.add("Invalid value " + maxReplicas + " for maxReplicas: must be between 1 and 1000");
        }
        positive(p, "oracleWindow", oracleWindow);
        if (kedaLagThreshold < 1) {
            p.add("Invalid value " + kedaLagThreshold + " for kedaLagThreshold: must be > 0");
        }
        if (!(ebbPerReplicaRate > 0)) {
            p.add("Invalid value " + ebbPerReplicaRate + " for ebbPerReplicaRate: must be > 0");
        }
        notNegative(p, "ebbReadyDelay", ebbReadyDelay);
        notNegative(p, "ebbCommitInterval", ebbCommitInterval);
        if (ebbScaleDownWindow == null) {
            p.add("Invalid value null for ebbScaleDownWindow: must be empty or a duration");
        } else {
            ebbScaleDownWindow.ifPresent(w -> notNegative(p, "ebbScaleDownWindow", w));
        }
        if (step != null && !step.isNegative() && !step.isZero()) {
            // The model advances in whole steps; every interval must be a whole number of them.
            wholeSteps(p, "coldStart", coldStart);
            wholeSteps(p, "commitInterval", commitInterval);
            wholeSteps(p, "ebbPoll", ebbPoll);
            wholeSteps(p, "actuationDelay", actuationDelay);
            wholeSteps(p, "oracleWindow", oracleWindow);
            wholeSteps(p, "classicPause", classicPause);
            wholeSteps(p, "consumerPause", consumerPause);
            wholeSteps(p, "slo", slo);
        }
        return p;
    }

    public SimSettings validated() {
        List<String> p = problems();
        if (!p.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", p));
        }
        return this;
    }

    public Duration groupPause() {
        return protocol == Protocol.CLASSIC ? classicPause : consumerPause;
    }

    public double stepSeconds() {
        return step.toNanos() / 1e9;
    }

    /** Whole steps in a duration (durations are validated to be multiples of the step). */
    public int steps(Duration d) {
        return (int) (d.toNanos() / step.toNanos());
    }

    /** The effective number of workers a group of {@code ready} members amounts to: the busiest member holds
     *  ceil(partitions / members) partitions, and with evenly loaded partitions it sets the pace for the group. The
     *  policy's own rule ({@link Parallelism#effective}), so the model and the policy cannot drift apart. */
    public double effectiveReplicas(int ready) {
        return new Parallelism(GroupKind.CONSUMER, partitions).effective(ready);
    }

    private void wholeSteps(List<String> p, String name, Duration d) {
        if (d != null && d.toNanos() % step.toNanos() != 0) {
            p.add("Invalid value " + Durations.format(d) + " for " + name + ": must be a multiple of step "
                    + Durations.format(step));
        }
    }

    private static void positive(List<String> p, String name, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            p.add("Invalid value " + (d == null ? "null" : Durations.format(d)) + " for " + name + ": must be > 0");
        }
    }

    private static void notNegative(List<String> p, String name, Duration d) {
        if (d == null || d.isNegative()) {
            p.add("Invalid value " + (d == null ? "null" : Durations.format(d)) + " for " + name + ": must be >= 0");
        }
    }

    public SimSettings withSeed(long newSeed) {
        return new SimSettings(step, coldStart, perReplicaRate, noise, partitions, protocol, classicPause,
                consumerPause, commitInterval, ebbPoll, actuationDelay, slo, maxReplicas, oracleWindow,
                kedaLagThreshold, newSeed, ebbPerReplicaRate, ebbReadyDelay, ebbCommitInterval, ebbScaleDownWindow);
    }

    public SimSettings withProtocol(Protocol newProtocol) {
        return new SimSettings(step, coldStart, perReplicaRate, noise, partitions, newProtocol, classicPause,
                consumerPause, commitInterval, ebbPoll, actuationDelay, slo, maxReplicas, oracleWindow,
                kedaLagThreshold, seed, ebbPerReplicaRate, ebbReadyDelay, ebbCommitInterval, ebbScaleDownWindow);
    }

    public SimSettings withNoise(double newNoise) {
        return new SimSettings(step, coldStart, perReplicaRate, newNoise, partitions, protocol, classicPause,
                consumerPause, commitInterval, ebbPoll, actuationDelay, slo, maxReplicas, oracleWindow,
                kedaLagThreshold, seed, ebbPerReplicaRate, ebbReadyDelay, ebbCommitInterval, ebbScaleDownWindow);
    }

    public SimSettings withPartitions(int newPartitions) {
        return new SimSettings(step, coldStart, perReplicaRate, noise, newPartitions, protocol, classicPause,
                consumerPause, commitInterval, ebbPoll, actuationDelay, slo, maxReplicas, oracleWindow,
                kedaLagThreshold, seed, ebbPerReplicaRate, ebbReadyDelay, ebbCommitInterval, ebbScaleDownWindow);
    }

    /** Ebb's scaleDownWindow, leaving the model as it is. */
    public SimSettings withEbbScaleDownWindow(Duration window) {
        return new SimSettings(step, coldStart, perReplicaRate, noise, partitions, protocol, classicPause,
                consumerPause, commitInterval, ebbPoll, actuationDelay, slo, maxReplicas, oracleWindow,
                kedaLagThreshold, seed, ebbPerReplicaRate, ebbReadyDelay, ebbCommitInterval,
                java.util.Optional.of(window));
    }

    /** Ebb's priors (what an operator states), leaving the model as it is. */
    public SimSettings withEbbPriors(double rate, Duration readyDelay, Duration commit) {
        return new SimSettings(step, coldStart, perReplicaRate, noise, partitions, protocol, classicPause,
                consumerPause, commitInterval, ebbPoll, actuationDelay, slo, maxReplicas, oracleWindow,
                kedaLagThreshold, seed, rate, readyDelay, commit, ebbScaleDownWindow);
    }
}
