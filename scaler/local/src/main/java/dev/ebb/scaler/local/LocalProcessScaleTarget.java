package dev.ebb.scaler.local;

import dev.ebb.scaler.target.FailureKind;
import dev.ebb.scaler.target.ScaleOutcome;
import dev.ebb.scaler.target.ScaleTarget;
import dev.ebb.scaler.target.TargetRef;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local scale target whose replicas are worker processes started from a command line (any program). Pools are
 * matched by the target's {@code name}. {@code {index}} in the command or an environment value becomes the worker's
 * number in its pool (also in {@code EBB_WORKER_INDEX}).
 *
 * <p>Scale-down stops the newest processes with SIGTERM ({@link Process#destroy()}) so that a worker's graceful drain
 * runs for real, and SIGKILLs any that are still alive after the grace period. A stopped process no longer counts as a
 * replica, even while it drains. Processes that exit by themselves stop counting too, so the loop sees the real count.
 * {@link #close()} and a JVM shutdown hook stop every child, so no worker outlives the scaler.
 */
public final class LocalProcessScaleTarget implements ScaleTarget, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalProcessScaleTarget.class);

    
    /** Every child still alive, whether replica or draining. */
    private final Set<Process> children = ConcurrentHashMap.newKeySet();
    private final Duration gracePeriod;
    private final ExecutorService control = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "ebb-local-processes");
        t.setDaemon(true);
        return t;
    });
    private final LocalPools<Pool> pools = new LocalPools<>("local process pool", control);
    private final Thread shutdownHook = new Thread(this::killAll, "ebb-local-processes-shutdown");

    /**
     * @param gracePeriod time between SIGTERM and SIGKILL on scale-down and close
     */
    public LocalProcessScaleTarget(Duration gracePeriod) {
        if (gracePeriod == null || gracePeriod.isNegative()) {
            throw new IllegalArgumentException("Invalid value " + gracePeriod + " for gracePeriod: must be >= 0");
        }
        this.gracePeriod = gracePeriod;
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Adds a pool of worker processes for the target named {@code name}; it starts with 0 replicas. */
    public LocalProcessScaleTarget register(String name, ProcessSpec spec) {
        pools.register(name, new Pool(name, spec));
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

    /** Process ids of the current replicas of a pool, oldest first. */
    public List<Long> pids(String name) {
        Pool pool = pools.get(name);
        return pool == null ? List.of() : pool.pids();
    }

    /** Children still alive: replicas plus processes draining after SIGTERM. */
    public int liveChildren() {
        children.removeIf(p -> !p.isAlive());
        return children.size();
    }

    /** SIGTERMs every child, waits up to the grace period, SIGKILLs the rest (and their descendants). */
    @Override
    public void close() {
        control.shutdown();
        try {
            control.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        killAll();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // Already shutting down: the hook is running or ran.
        }
    }

    private void killAll() {
        List<Process> all = new ArrayList<>(children);
        for (Pool pool : pools.all()) {
            pool.forget();
        }
        all.forEach(this::terminate);
        long deadline = System.nanoTime() + gracePeriod.toNanos();
        for (Process p : all) {
            long left = deadline - System.nanoTime();
            try {
                if (left <= 0 || !p.waitFor(left, TimeUnit.NANOSECONDS)) {
                    kill(p);
                }
            } catch (InterruptedException e) {
                kill(p);
                Thread.currentThread().interrupt();
            }
        }
        for (Process p : all) {
            try {
                p.waitFor(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        children.removeIf(p -> !p.isAlive());
    }

    private void terminate(Process p) {
        p.descendants().forEach(ProcessHandle::destroy);
        p.destroy();
    }

    private static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
    }

    /** SIGTERM now, SIGKILL after the grace period unless it exited; never blocks the caller. */
    private void stopGracefully(String pool, Process p) {
        terminate(p);
        p.onExit().orTimeout(gracePeriod.toMillis(), TimeUnit.MILLISECONDS).whenComplete((exited, timeout) -> {
            if (timeout != null) {
                LOG.warn("Worker process " + p.pid() + " of local pool " + pool
                        + " still running " + gracePeriod.toSeconds() + "s after SIGTERM; sending SIGKILL");
                kill(p);
            }
        });
    }

    private final class Pool implements LocalPools.Pool {
        private final String name;
        private final ProcessSpec spec;
        /** Newest last; guarded by this. */
        private final List<Process> active = new ArrayList<>();
        private int nextIndex;

        Pool(String name, ProcessSpec spec) {
            this.name = name;
            this.spec = spec;
        }

        @Override
        public synchronized int size() {
            active.removeIf(p -> !p.isAlive());
            return active.size();
        }

        synchronized List<Long> pids() {
            active.removeIf(p -> !p.isAlive());
            return active.stream().map(Process::pid).toList();
        }

        synchronized void forget() {
            active.clear();
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
                        Process p = start(index);
                        children.add(p);
                        synchronized (this) {
                            active.add(p);
                        }
                    } catch (Exception e) {
                        return new ScaleOutcome.Failed(FailureKind.IO, "Could not start worker process " + index
                                + " of local pool " + name + " (" + String.join(" ", spec.command()) + "): "
                                + e.getMessage());
                    }
                }
            } else {
                List<Process> stopping = new ArrayList<>();
                synchronized (this) {
                    while (active.size() > replicas) {
                        stopping.add(active.remove(active.size() - 1));
                    }
                }
                stopping.forEach(p -> stopGracefully(name, p));
            }
            LOG.debug("Local process pool " + name + ": " + from + " -> " + replicas + " (" + reason + ")");
            return new ScaleOutcome.Scaled(from, replicas);
        }

        private Process start(int index) throws Exception {
            String n = Integer.toString(index);
            ProcessBuilder builder = new ProcessBuilder(spec.command().stream().map(a -> a.replace("{index}", n))
                    .toList());
            spec.environment().forEach((k, v) -> builder.environment().put(k, v.replace("{index}", n)));
            builder.environment().put("EBB_WORKER_INDEX", Integer.toString(index));
            spec.workingDirectory().ifPresent(dir -> builder.directory(dir.toFile()));
            builder.redirectErrorStream(true);
            if (spec.logDirectory().isPresent()) {
                java.nio.file.Files.createDirectories(spec.logDirectory().get());
                builder.redirectOutput(ProcessBuilder.Redirect.appendTo(
                        spec.logDirectory().get().resolve(name + "-" + index + ".log").toFile()));
            } else {
                builder.redirectOutput(ProcessBuilder.Redirect.DISCARD);
            }
            Process p = builder.start();
            // Workers read nothing from stdin; closing it gives them EOF instead of a pipe that never ends.
            p.getOutputStream().close();
            return p;
        }
    }
}
