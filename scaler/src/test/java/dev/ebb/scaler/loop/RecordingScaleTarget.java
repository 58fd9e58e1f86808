package dev.ebb.scaler.loop;

import dev.ebb.scaler.target.FailureKind;
import dev.ebb.scaler.target.ScaleOutcome;
import dev.ebb.scaler.target.ScaleTarget;
import dev.ebb.scaler.target.TargetRef;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** Targets as a map of replica counts; records every scale request. Unknown targets fail as "not found". */
final class RecordingScaleTarget implements ScaleTarget {

    record Request(TargetRef target, int replicas, String reason) {
    }

    final Map<String, Integer> replicas = new ConcurrentHashMap<>();
    final List<Request> requests = new CopyOnWriteArrayList<>();

    void put(String name, int count) {
        replicas.put(name, count);
    }

    int replicas(String name) {
        return replicas.getOrDefault(name, -1);
    }

    @Override
    public CompletionStage<Integer> currentReplicas(TargetRef target) {
        Integer n = replicas.get(target.name());
        if (n == null) {
            return CompletableFuture.failedFuture(new ScaleTargetException(notFound(target)));
        }
        return CompletableFuture.supplyAsync(() -> n);
    }

    @Override
    public CompletionStage<ScaleOutcome> scale(TargetRef target, int count, String reason) {
        requests.add(new Request(target, count, reason));
        Integer from = replicas.get(target.name());
        if (from == null) {
            return CompletableFuture.completedFuture(notFound(target));
        }
        replicas.put(target.name(), count);
        return CompletableFuture.completedFuture(from == count ? new ScaleOutcome.Unchanged(count)
                : new ScaleOutcome.Scaled(from, count));
    }

    private static ScaleOutcome.Failed notFound(TargetRef target) {
        return new ScaleOutcome.Failed(FailureKind.NOT_FOUND, "Scale target " + target + " not found");
    }
}
