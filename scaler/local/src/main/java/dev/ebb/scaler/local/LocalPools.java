package dev.ebb.scaler.local;

import dev.ebb.scaler.target.FailureKind;
import dev.ebb.scaler.target.ScaleOutcome;
import dev.ebb.scaler.target.TargetRef;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * The named pools of a local scale target and the request handling both local targets share: lookup by the target's
 * name, argument checks, and scaling on the target's own control thread (never the caller's, never an event loop).
 */
final class LocalPools<P extends LocalPools.Pool> {

    /** One pool of local replicas. */
    interface Pool {
        int size();

        ScaleOutcome scaleTo(int replicas, String reason);
    }

    private final Map<String, P> pools = new ConcurrentHashMap<>();
    private final String what;
    private final Executor control;

    /**
     * @param what how a pool is called in messages, e.g. "local worker pool"
     * @param control the single thread that changes pools, so scale requests apply in order
     */
    LocalPools(String what, Executor control) {
        this.what = what;
        this.control = control;
    }

    void register(String name, P pool) {
        if (pools.putIfAbsent(name, pool) != null) {
            throw new IllegalArgumentException("Invalid value '" + name + "' for name: a pool with this name exists");
        }
    }

    P get(String name) {
        return pools.get(name);
    }

    Collection<P> all() {
        return pools.values();
    }

    CompletionStage<Integer> currentReplicas(TargetRef target) {
        P pool = pools.get(target.name());
        if (pool == null) {
            return CompletableFuture.failedFuture(new IllegalStateException(notFound(target)));
        }
        return CompletableFuture.completedFuture(pool.size());
    }

    CompletionStage<ScaleOutcome> scale(TargetRef target, int replicas, String reason) {
        P pool = pools.get(target.name());
        if (pool == null) {
            return CompletableFuture.completedFuture(new ScaleOutcome.Failed(FailureKind.NOT_FOUND, notFound(target)));
        }
        if (replicas < 0) {
            return CompletableFuture.completedFuture(new ScaleOutcome.Failed(FailureKind.INVALID,
                    "Invalid value " + replicas + " for replicas: must be >= 0"));
        }
        try {
            return CompletableFuture.supplyAsync(() -> pool.scaleTo(replicas, reason), control);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.completedFuture(new ScaleOutcome.Failed(FailureKind.CLOSED,
                    capitalized(what) + " " + target.name() + " is shut down"));
        }
    }

    private String notFound(TargetRef target) {
        return "No " + what + " named '" + target.name() + "' (target " + target + ")";
    }

    private static String capitalized(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
