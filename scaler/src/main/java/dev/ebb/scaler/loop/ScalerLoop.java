package dev.ebb.scaler.loop;

import dev.ebb.scaler.lag.GroupQuery;
import dev.ebb.scaler.lag.LagSource;
import dev.ebb.scaler.policy.Observation;
import dev.ebb.scaler.reconcile.Reconcile;
import dev.ebb.scaler.target.ScaleTarget;
import dev.ebb.scaler.workload.CatalogEntry;
import dev.ebb.scaler.workload.ClusterKey;
import dev.ebb.scaler.workload.Workload;
import dev.ebb.scaler.workload.WorkloadCatalog;
import dev.ebb.scaler.workload.WorkloadId;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control loop: one per Kafka cluster, all driven by one Vert.x periodic timer (the tick, default 1 s). Each tick
 * re-reads the catalog (so spec changes apply on the next tick and removed workloads stop), then for every cluster
 * whose previous poll has finished: observe every due workload's group in one batch, run the pure reconcile step
 * ({@link Reconcile}: policy, pause, hold and leader rules) for each, write what its action asks, and tell the
 * listener. No scaling rule lives here: this class does I/O and scheduling.
 *
 * <p>Threading: all state lives on one Vert.x event-loop context; lag sources and scale targets complete elsewhere and
 * are brought back with {@link Future#fromCompletionStage(java.util.concurrent.CompletionStage, Context)}. Nothing
 * here blocks. One bad workload (unreadable target, failing policy) never stops the others: each has its own result.
 *
 * <p>Size: the catalog sync and the per-cluster poll ({@code ClusterRun}) share the loop's
 * context-confined maps and lifecycle flags; split apart they would pass that state to each other on every call. What
 * is separable is separate: the rules in {@link Reconcile}, one workload's read-step-write in {@link WorkloadStep}.
 */
public final class ScalerLoop implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ScalerLoop.class);

    /**
     * @param tick the timer period; a workload's poll interval is rounded to a multiple of it
     * @param leader only the leader acts; standbys observe and decide (warm state) but change nothing
     */
    public record Options(Duration tick, LeaderGate leader) {
        public Options {
            if (tick == null || tick.isNegative() || tick.isZero()) {
                throw new IllegalArgumentException("Invalid value " + tick + " for tick: must be > 0");
            }
            leader = leader == null ? LeaderGate.always() : leader;
        }

        public static Options defaults() {
            return new Options(Duration.ofSeconds(1), LeaderGate.always());
        }

        public Options withLeader(LeaderGate gate) {
            return new Options(tick, gate);
        }

        public Options withTick(Duration newTick) {
            return new Options(newTick, leader);
        }
    }

    private final Vertx vertx;
    private final Context context;
    private final WorkloadCatalog catalog;
    /** How long after a failed attempt the lag source of a cluster is created again. */
    static final Duration CREATE_RETRY = Duration.ofSeconds(30);
    private final LagSourceFactory lagSources;
    private final ScaleTarget target;
    private final Clock clock;
    private final DecisionListener listener;
    private final Options options;
    private final WorkloadStep steps;

    private final Map<ClusterKey, ClusterRun> clusters = new LinkedHashMap<>();
    private final Map<WorkloadId, WorkloadRun> runs = new HashMap<>();
    private final Map<WorkloadId, List<String>> invalid = new HashMap<>();
    private long timerId = -1;
    private volatile boolean firstPollCompleted;
    private volatile boolean closed;

    public ScalerLoop(Vertx vertx, WorkloadCatalog catalog, LagSourceFactory lagSources, ScaleTarget target,
                      Clock clock, DecisionListener listener) {
        this(vertx, catalog, lagSources, target, clock, listener, Options.defaults());
    }

    public ScalerLoop(Vertx vertx, WorkloadCatalog catalog, LagSourceFactory lagSources, ScaleTarget target,
                      Clock clock, DecisionListener listener, Options options) {
        this.vertx = Objects.requireNonNull(vertx);
        this.catalog = Objects.requireNonNull(catalog);
        this.lagSources = Objects.requireNonNull(lagSources);
        this.target = Objects.requireNonNull(target);
        this.clock = Objects.requireNonNull(clock);
        this.listener = listener == null ? DecisionListener.none() : listener;
        this.options = Objects.requireNonNull(options);
        // A context of our own: every callback of this loop runs on the same event-loop thread, in order.
        this.context = vertx.getOrCreateContext();
        this.steps = new WorkloadStep(target, context, this.listener, options.leader());
    }

    /** Starts the periodic timer. */
    public ScalerLoop start() {
        context.runOnContext(v -> {
            if (timerId < 0 && !closed) {
                timerId = vertx.setPeriodic(1, options.tick().toMillis(), id -> tick());
            }
        });
        return this;
    }

    /**
     * Runs one tick now and completes when every cluster poll it started has finished (or immediately for clusters
     * still busy with a previous poll). Used by the timer, and by tests and tools that drive time themselves.
     */
    public Future<Void> tick() {
        Promise<Void> done = Promise.promise();
        context.runOnContext(v -> runTick().onComplete(done));
        return done.future();
    }

    /** True once one poll of every cluster present at that time completed; for readiness probes. */
    public boolean firstPollCompleted() {
        return firstPollCompleted;
    }

    public Options options() {
        return options;
    }

    private Future<Void> runTick() {
        if (closed) {
            return Future.succeededFuture();
        }
        Instant now = clock.instant();
        List<CatalogEntry> entries;
        try {
            entries = catalog.entries();
        } catch (RuntimeException e) {
            LOG.warn("Cannot read the workload catalog: {}", e.toString());
            return Future.succeededFuture();
        }
        sync(entries);
        List<Future<Void>> polls = new ArrayList<>();
        for (ClusterRun cluster : clusters.values()) {
            polls.add(cluster.poll(now));
        }
        return Future.join(polls).transform(ar -> {
            firstPollCompleted = firstPollCompleted || clusters.values().stream().allMatch(c -> c.polledOnce);
            return Future.succeededFuture();
        });
    }

    /** Applies the catalog: new, changed and removed workloads; clusters come and go with their workloads. */
    private void sync(List<CatalogEntry> entries) {
        Set<WorkloadId> seen = new LinkedHashSet<>();
        Map<WorkloadId, List<String>> nowInvalid = new HashMap<>();
        for (CatalogEntry entry : entries) {
            seen.add(entry.id());
            if (entry instanceof CatalogEntry.Valid valid) {
                upsert(valid.workload());
            } else if (entry instanceof CatalogEntry.Invalid bad) {
                nowInvalid.put(bad.id(), bad.problems());
            }
        }
        for (Map.Entry<WorkloadId, List<String>> bad : nowInvalid.entrySet()) {
            if (!bad.getValue().equals(invalid.get(bad.getKey()))) {
                LOG.warn("Workload {} is invalid: {}", bad.getKey(), printable(String.join("; ", bad.getValue())));
                listener.onInvalid(bad.getKey(), bad.getValue());
            }
            // An invalid spec stops the workload: we must not act on a half-understood resource.
            WorkloadRun stopped = runs.remove(bad.getKey());
            if (stopped != null && clusters.containsKey(stopped.workload.cluster())) {
                clusters.get(stopped.workload.cluster()).workloads.remove(bad.getKey());
            }
        }
        for (WorkloadId gone : List.copyOf(invalid.keySet())) {
            if (!seen.contains(gone)) {
                // An invalid workload that was deleted: its series and its count among the invalid go too.
                LOG.info("Invalid workload {} removed", gone);
                listener.onRemoved(gone);
            }
        }
        invalid.keySet().retainAll(nowInvalid.keySet());
        invalid.putAll(nowInvalid);
        for (WorkloadId id : List.copyOf(runs.keySet())) {
            if (!seen.contains(id)) {
                WorkloadRun removed = runs.remove(id);
                ClusterRun cluster = clusters.get(removed.workload.cluster());
                if (cluster != null) {
                    cluster.workloads.remove(id);
                }
                LOG.info("Workload {} removed; no longer scaling {}", id, removed.workload.target());
                listener.onRemoved(id);
            }
        }
        for (ClusterKey key : List.copyOf(clusters.keySet())) {
            ClusterRun cluster = clusters.get(key);
            if (cluster.workloads.isEmpty() && !cluster.inFlight) {
                clusters.remove(key);
                cluster.close();
            }
        }
    }

    private void upsert(Workload w) {
        WorkloadRun run = runs.get(w.id());
        if (run == null) {
            run = new WorkloadRun(w);
            runs.put(w.id(), run);
            LOG.info("Workload {} added: scaling {} on the backlog of group {}", w.id(), w.target(),
                    w.group().groupId());
        } else if (!run.workload.equals(w)) {
            if (!run.workload.cluster().equals(w.cluster())) {
                ClusterRun old = clusters.get(run.workload.cluster());
                if (old != null) {
                    old.workloads.remove(w.id());
                }
            }
            // A new target or group makes the policy's memory meaningless; policy tweaks keep it.
            if (!run.workload.target().equals(w.target()) || !run.workload.group().equals(w.group())
                    || !run.workload.cluster().equals(w.cluster())) {
                run.state = null;
            }
            run.workload = w;
        }
        ClusterKey key = w.cluster();
        ClusterRun cluster = clusters.get(key);
        if (cluster == null) {
            cluster = new ClusterRun(key, w.clientConfig());
            clusters.put(key, cluster);
        }
        cluster.workloads.put(w.id(), run);
    }

    /** The control loop of one Kafka cluster: its lag source and its workloads. */
    private final class ClusterRun {
        final ClusterKey key;
        final Map<WorkloadId, WorkloadRun> workloads = new LinkedHashMap<>();
        LagSource source;
        final Map<String, Object> clientConfig;
        boolean inFlight;
        boolean polledOnce;
        /** Why the lag source could not be created (bad client settings, unresolvable hosts); null once it was. */
        String createFailure;
        Instant nextCreateAttempt = Instant.MIN;

        ClusterRun(ClusterKey key, Map<String, Object> clientConfig) {
            this.key = key;
            this.clientConfig = clientConfig;
        }

        Future<Void> poll(Instant now) {
            if (inFlight) {
                return Future.succeededFuture();
            }
            List<WorkloadRun> due = workloads.values().stream().filter(r -> r.due(now, options.tick())).toList();
            if (due.isEmpty()) {
                return Future.succeededFuture();
            }
            inFlight = true;
            if (source == null && !now.isBefore(nextCreateAttempt)) {
                // Creating an Admin client resolves hosts and loads classes: not on the event loop.
                return vertx.executeBlocking(() -> lagSources.create(key, clientConfig), false)
                        .transform(ar -> {
                            inFlight = false;
                            if (ar.failed()) {
                                // Every due workload decides on "unavailable" (a condition, then its fallback); the
                                // log says it once per distinct cause, and creation is retried only now and then.
                                String failure = "Cannot create a Kafka client for cluster " + key + ": "
                                        + unwrap(ar.cause()).getMessage();
                                if (!failure.equals(createFailure)) {
                                    LOG.warn("{} (retried every {}s)", failure, CREATE_RETRY.toSeconds());
                                }
                                createFailure = failure;
                                nextCreateAttempt = now.plus(CREATE_RETRY);
                                return poll(now);
                            }
                            if (createFailure != null) {
                                LOG.info("Created the Kafka client for cluster {} after: {}", key, createFailure);
                                createFailure = null;
                            }
                            source = ar.result();
                            if (closed || !clusters.containsKey(key)) {
                                close();
                                return Future.<Void>succeededFuture();
                            }
                            return poll(now);
                        });
            }
            long started = System.nanoTime();
            Set<GroupQuery> queries = new LinkedHashSet<>();
            due.forEach(r -> {
                r.lastPolled = now;
                queries.add(r.workload.group());
            });
            Future<Map<GroupQuery, Observation>> observed;
            if (source == null) {
                Map<GroupQuery, Observation> all = new HashMap<>();
                Instant at = clock.instant();
                String reason = createFailure == null ? "No Kafka client for cluster " + key : createFailure;
                queries.forEach(q -> all.put(q, new Observation.Unavailable(at, reason, false)));
                observed = Future.succeededFuture(all);
            } else {
                try {
                    observed = Future.fromCompletionStage(source.observe(queries), context);
                } catch (RuntimeException e) {
                    observed = Future.failedFuture(e);
                }
            }
            return observed
                    .recover(err -> {
                        // LagSource promises never to fail; if one does anyway, every group is unavailable this poll.
                        Map<GroupQuery, Observation> all = new HashMap<>();
                        Instant at = clock.instant();
                        queries.forEach(q -> all.put(q, new Observation.Unavailable(at,
                                "Lag source of " + key + " failed: " + unwrap(err).getMessage(), true)));
                        return Future.succeededFuture(all);
                    })
                    .compose(observations -> {
                        List<Future<Void>> each = new ArrayList<>();
                        Instant decidedAt = clock.instant();
                        for (WorkloadRun run : due) {
                            Observation obs = observations.get(run.workload.group());
                            if (obs == null) {
                                obs = new Observation.Unavailable(decidedAt, "Lag source returned nothing for group "
                                        + run.workload.group().groupId() + " on " + key, true);
                            }
                            each.add(steps.run(run, run.workload, obs, decidedAt, r -> r == runs.get(r.workload.id())));
                        }
                        return Future.join(each).<Void>mapEmpty().recover(e -> Future.succeededFuture());
                    })
                    .onComplete(ar -> {
                        inFlight = false;
                        polledOnce = true;
                        listener.onPoll(key, Duration.ofNanos(System.nanoTime() - started), due.size());
                        if (workloads.isEmpty() && !clusters.containsKey(key)) {
                            close();
                        }
                    });
        }

        Future<Void> close() {
            LagSource s = source;
            source = null;
            if (s == null) {
                return Future.succeededFuture();
            }
            // Closing an Admin client waits for its threads: never on the event loop.
            return vertx.executeBlocking(() -> {
                s.close();
                return null;
            }, false).<Void>mapEmpty().recover(e -> {
                LOG.debug("Closing lag source of {}: {}", key, e.toString());
                return Future.succeededFuture();
            });
        }
    }

    /** Stops the timer and closes every lag source. */
    @Override
    public void close() {
        stop();
    }

    /**
     * Stops the loop: no more ticks, and every lag source closed. The future completes once the sources are closed,
     * so a caller that closes Vert.x afterwards awaits it first: a source still closing on a worker thread would
     * otherwise report its completion to a closed event loop (a stack trace at every shutdown).
     */
    public Future<Void> stop() {
        closed = true;
        Promise<Void> stopped = Promise.promise();
        context.runOnContext(v -> {
            if (timerId >= 0) {
                vertx.cancelTimer(timerId);
                timerId = -1;
            }
            List<Future<Void>> closing = new ArrayList<>();
            clusters.values().forEach(c -> closing.add(c.close()));
            clusters.clear();
            runs.clear();
            Future.join(closing).<Void>mapEmpty().recover(e -> Future.succeededFuture()).onComplete(stopped);
        });
        return stopped.future();
    }

    /** {@link #stop()}, waiting at most {@code timeout} for the lag sources to close; never call on an event loop. */
    public void stopAndWait(Duration timeout) {
        try {
            stop().await(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            LOG.warn("Lag sources still closing after {}; stopping anyway", timeout);
        } catch (RuntimeException e) {
            LOG.debug("Stopping the loop: {}", e.toString());
        }
    }

    /** Control characters escaped: a problem echoes tenant text, which must not forge log lines. */
    static String printable(String text) {
        StringBuilder b = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            if (c < 0x20 || c == 0x7f) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    static Throwable unwrap(Throwable t) {
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
