package dev.ebb.scaler.local;

import dev.ebb.scaler.target.FailureKind;
import dev.ebb.scaler.target.ScaleOutcome;
import dev.ebb.scaler.target.ScaleTarget;
import dev.ebb.scaler.target.TargetRef;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local scale target whose replicas are in-process workers (threads running an SDK function). Pools are matched by
 * the target's {@code name}; namespace, kind and apiVersion are not used locally.
 *
 * <p>Scale-up starts workers; scale-down removes the newest workers at once (they no longer count as replicas) and
 * drains them in the background, so a slow drain never delays the loop. All work runs on the target's own threads:
 * callers (the Vert.x event loop) are never blocked.
 */
public final class LocalThreadScaleTarget implements ScaleTarget, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalThreadScaleTarget.class);

    
    /** Drains not finished yet, also those of earlier scale-downs: {@link #close()} waits for them all. */
    private final java.util.Set<CompletableFuture<Void>> pendingDrains = ConcurrentHashMap.newKeySet();
    private final Duration drainTimeout;
    private final AtomicInteger threadIds = new AtomicInteger();
    /** Serializes starts and stops, so a scale request sees the result of the previous one. */
    private final ExecutorService control = Executors.newSingleThreadExecutor(r -> thread(r, "ebb-local-threads"));
    private final LocalPools<Pool> pools = new LocalPools<>("local worker pool", control);
    /** Drains run in parallel with each other and with later scale requests. */
    private final ExecutorService drains = Executors.newCachedThreadPool(r -> thread(r, "ebb-local-drain-"
            + threadIds.incrementAndGet()));

    /**
     * @param drainTimeout how long {@link #close()} waits for draining workers before giving up on them
     */
    public LocalThreadScaleTarget(Duration drainTimeout) {
        if (drainTimeout == null || drainTimeout.isNegative()) {
            throw new IllegalArgumentException("Invalid value " + drainTimeout + " for drainTimeout: must be >= 0");
        }
        this.drainTimeout = drainTimeout;
    }

    /** Adds a pool of workers for the target named {@code name}; it starts with 0 replicas. */
    public LocalThreadScaleTarget register(String name, WorkerStarter starter) {
        pools.register(name, new Pool(name, starter));
        return this;
    }

    @Override
    public CompletionStage<Integer> currentReplicas(TargetRef target) {
        return pools.currentReplicas(target);
    }

    @Override
    public CompletionStage<ScaleOutcome> scale(TargetRef target, int replicas, String reason) {
        return pools.scale(target, replicas, reason);
    }

    /** Workers still draining after a scale-down (not counted as replicas). */
    public int draining(String name) {
        Pool pool = pools.get(name);
        return pool == null ? 0 : pool.draining.get();
    }

    /** Stops every worker gracefully (in parallel), waiting up to the drain timeout. */
    @Override
    public void close() {
        control.shutdown();
        try {
            control.awaitTermination(drainTimeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Pool pool : pools.all()) {
            pool.stopAll();
        }
        List<CompletableFuture<Void>> all = new ArrayList<>(pendingDrains);
        try {
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
                    .get(drainTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warn("Some local workers did not drain within " + drainTimeout);
        }
        drains.shutdown();
        try {
            drains.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Thread thread(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    private final class Pool implements LocalPools.Pool {
        private final String name;
        private final WorkerStarter starter;
        /** Newest last; guarded by this. */
        private final List<AutoCloseable> active = new ArrayList<>();
        private final AtomicInteger draining = new AtomicInteger();
        private int nextIndex;

        Pool(String name, WorkerStarter starter) {
            this.name = name;
            this.starter = starter;
        }

        @Override
        public synchronized int size() {
            return active.size();
        }

        @Override
        public ScaleOutcome scaleTo(int replicas, String reason) {
            int from = size();
            if (replicas == from) {
                return new ScaleOutcome.Unchanged(from);
            }
            if (replicas > from) {
                for (int i = from; i < replicas; i++) {
                    int index;
                    synchronized (this) {
                        index = nextIndex++;
                    }
                    try {
                        AutoCloseable worker = starter.start(index);
                        synchronized (this) {
                            active.add(worker);
                        }
                    } catch (Exception e) {
                        int now = size();
                        return new ScaleOutcome.Failed(FailureKind.IO, "Could not start worker " + index + " of local pool "
                                + name + " (" + now + " running): " + e);
                    }
                }
            } else {
                List<AutoCloseable> stopping = new ArrayList<>();
                synchronized (this) {
                    while (active.size() > replicas) {
                        stopping.add(active.remove(active.size() - 1));
                    }
                }
                stopping.forEach(this::drainLater);
            }
            LOG.debug("Local pool " + name + ": " + from + " -> " + replicas + " (" + reason + ")");
            return new ScaleOutcome.Scaled(from, replicas);
        }

        List<CompletableFuture<Void>> stopAll() {
            List<AutoCloseable> stopping;
            synchronized (this) {
                stopping = new ArrayList<>(active);
                active.clear();
            }
            List<CompletableFuture<Void>> futures = new ArrayList<>();
            for (AutoCloseable worker : stopping) {
                futures.add(drainLater(worker));
            }
            return futures;
        }

        private CompletableFuture<Void> drainLater(AutoCloseable worker) {
            draining.incrementAndGet();
            try {
                CompletableFuture<Void> drain = CompletableFuture.runAsync(() -> {
                    try {
                        worker.close();
                    } catch (Exception e) {
                        LOG.warn("Worker of local pool " + name + " failed to drain: " + e);
                    } finally {
                        draining.decrementAndGet();
                    }
                }, drains);
                pendingDrains.add(drain);
                drain.whenComplete((v, e) -> pendingDrains.remove(drain));
                return drain;
            } catch (java.util.concurrent.RejectedExecutionException e) {
                draining.decrementAndGet();
                return CompletableFuture.completedFuture(null);
            }
        }
    }
}
