package dev.ebb.bench.demo;

import dev.ebb.scaler.target.ScaleOutcome;
import dev.ebb.scaler.target.ScaleTarget;
import dev.ebb.scaler.target.TargetRef;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Passes scale requests through to a real target and keeps the history of replica changes it made, to measure
 * replica-seconds and the moment of the first scale-up.
 */
public final class ReplicaTimeline implements ScaleTarget {

    /** The target went from {@code from} to {@code to} at {@code at}; {@code requestedAt} is when the loop asked. */
    public record Change(Instant requestedAt, Instant at, int from, int to, String reason) {
    }

    private final ScaleTarget delegate;
    private final Clock clock;
    private final Instant start;
    private final int initialReplicas;
    private final List<Change> changes = new ArrayList<>();

    public ReplicaTimeline(ScaleTarget delegate, Clock clock, int initialReplicas) {
        this.delegate = delegate;
        this.clock = clock;
        this.start = clock.instant();
        this.initialReplicas = initialReplicas;
    }

    @Override
    public CompletionStage<Integer> currentReplicas(TargetRef target) {
        return delegate.currentReplicas(target);
    }

    @Override
    public CompletionStage<ScaleOutcome> scale(TargetRef target, int replicas, String reason) {
        Instant requested = clock.instant();
        return delegate.scale(target, replicas, reason).thenApply(outcome -> {
            if (outcome instanceof ScaleOutcome.Scaled s) {
                synchronized (changes) {
                    changes.add(new Change(requested, clock.instant(), s.from(), s.to(), reason));
                }
            }
            return outcome;
        });
    }

    public List<Change> changes() {
        synchronized (changes) {
            return List.copyOf(changes);
        }
    }

    /** The first change that raised the replica count at or after {@code after}. */
    public Optional<Change> firstScaleUpAfter(Instant after) {
        return changes().stream().filter(c -> c.to() > c.from() && !c.requestedAt().isBefore(after)).findFirst();
    }

    public int maxReplicas() {
        return changes().stream().mapToInt(Change::to).max().orElse(initialReplicas);
    }

    public int replicasAt(Instant at) {
        int replicas = initialReplicas;
        for (Change c : changes()) {
            if (c.at().isAfter(at)) {
                break;
            }
            replicas = c.to();
        }
        return replicas;
    }

    /** The integral of the replica count from the start until {@code end}. */
    public double replicaSeconds(Instant end) {
        double total = 0;
        Instant t = start;
        int replicas = initialReplicas;
        for (Change c : changes()) {
            if (!c.at().isBefore(end)) {
                break;
            }
            total += replicas * seconds(Duration.between(t, c.at()));
            t = c.at();
            replicas = c.to();
        }
        if (end.isAfter(t)) {
            total += replicas * seconds(Duration.between(t, end));
        }
        return total;
    }

    public Instant start() {
        return start;
    }

    private static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }
}
