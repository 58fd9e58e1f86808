package dev.ebb.scaler.k8s;

import dev.ebb.scaler.loop.DecisionEvent;
import dev.ebb.scaler.loop.DecisionListener;
import dev.ebb.scaler.loop.LeaderGate;
import dev.ebb.scaler.policy.DecisionKind;
import dev.ebb.scaler.policy.Observation;
import dev.ebb.scaler.reconcile.Pause;
import dev.ebb.scaler.target.ScaleOutcome;
import dev.ebb.scaler.workload.Workload;
import dev.ebb.scaler.workload.WorkloadId;
import dev.ebb.scaler.workload.spec.Durations;
import dev.ebb.scaler.workload.spec.ScaledWorkload;
import dev.ebb.scaler.workload.spec.ScaledWorkloadStatus;
import dev.ebb.scaler.workload.spec.WorkloadCondition;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes what the loop did back to the cluster: the ScaledWorkload's {@code status} (conditions Ready, Active,
 * Fallback, Paused with {@code observedGeneration}; lag, time lag, rates, replicas, last reason) and an Event on the
 * target and on the ScaledWorkload for every scale change.
 *
 * <p>Status writes are coalesced: the loop's callbacks only update an in-memory desired status; a flusher writes each
 * workload's status at most once per {@code flushInterval} and only when it differs from the last one written; a
 * status whose only changes are live numbers (lag, rates, the words of a message) waits up to 15 s. Only
 * the leader writes; an instance that becomes leader writes what it has computed while standing by. All API calls run on this reporter's own thread, never on the event loop.
 */
public final class KubernetesStatusReporter implements DecisionListener, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KubernetesStatusReporter.class);
    static final String COMPONENT = "ebb-scaler";

    private final KubernetesClient client;
    private final KubernetesWorkloadCatalog catalog;
    private final LeaderGate leader;
    private final Clock clock;
    private final String identity;
    private final ScheduledExecutorService executor;
    private final Map<WorkloadId, ScaledWorkloadStatus> pending = new ConcurrentHashMap<>();
    private final Map<WorkloadId, ScaledWorkloadStatus> written = new ConcurrentHashMap<>();
    private final Map<WorkloadId, Instant> writtenAt = new ConcurrentHashMap<>();
    /** How long a status whose only changes are live numbers (lag, rates, messages) may wait for its write. */
    static final Duration LIVE_NUMBERS_REFRESH = Duration.ofSeconds(15);
    private final Map<WorkloadId, ScaledWorkloadStatus> latest = new ConcurrentHashMap<>();

    public KubernetesStatusReporter(KubernetesClient client, KubernetesWorkloadCatalog catalog, LeaderGate leader,
                                    Clock clock, String identity, Duration flushInterval) {
        this.client = client;
        this.catalog = catalog;
        this.leader = leader;
        this.clock = clock;
        this.identity = identity;
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ebb-status-writer");
            t.setDaemon(true);
            return t;
        });
        long ms = Math.max(1, flushInterval.toMillis());
        executor.scheduleWithFixedDelay(this::flush, ms, ms, TimeUnit.MILLISECONDS);
    }

    @Override
    public void onDecision(DecisionEvent e) {
        // Standbys compute status too (nothing is written until they lead), so a new leader starts with it.
        Workload w = e.workload();
        ScaledWorkloadStatus s = base(w.id());
        Long generation = generation(w.id());
        s.setObservedGeneration(generation);
        if (e.observation() instanceof Observation.Lag lag) {
            s.setLag(lag.totalLag());
            s.setTimeLag(lag.timeLag().map(Durations::format).orElse(null));
            // The rate the decision used (one estimator, policy.ArrivalEstimator), never one of our own.
            OptionalDouble arrivals = e.decision().arrivalRate();
            s.setArrivalRate(round(arrivals.isPresent() ? arrivals.getAsDouble() : null));
            s.setConsumptionRate(round(lag.consumptionRate().isPresent() ? lag.consumptionRate().getAsDouble() : null));
            boolean active = lag.totalLag() > w.policy().activationLagThreshold()
                    || arrivals.orElse(0) > 0;
            set(s, condition("Active", active ? "True" : "False", active ? "BacklogAboveActivation" : "Idle",
                    "lag " + lag.totalLag() + ", activation threshold " + w.policy().activationLagThreshold(),
                    generation));
        } else if (e.observation() instanceof Observation.Unavailable u) {
            set(s, condition("Active", "Unknown", "LagUnavailable", u.reason(), generation));
        }
        String conflict = conflict(w);
        if (s.getOriginalReplicas() == null && conflict == null) {
            // Not for a workload that yields to another owner: deleting it must not "restore" someone else's target.
            s.setOriginalReplicas(e.currentReplicas());
        }
        s.setDesiredReplicas(e.decision().desiredReplicas());
        s.setCurrentReplicas(e.replicasAfter());
        s.setLastReason(e.decision().reason());
        boolean fallback = e.decision().kind() == DecisionKind.FALLBACK;
        set(s, condition("Fallback", fallback ? "True" : "False", fallback ? "LagUnavailable" : "LagObserved",
                fallback ? e.decision().reason() : "lag observed", generation));
        String mode = w.policy().mode().name().toLowerCase(Locale.ROOT);
        if (w.pause() instanceof Pause.Paused p) {
            set(s, condition("Paused", "True", conflict != null ? conflict : "PausedByAnnotation", p.reason(),
                    generation));
            mode = "paused";
        } else if (w.pause() instanceof Pause.HoldAt h) {
            set(s, condition("Paused", "True", "HeldByAnnotation", h.reason() + "; the policy would choose "
                    + e.decision().desiredReplicas(), generation));
            mode = "paused";
        } else {
            set(s, condition("Paused", "False", "NotPaused", "following the policy", generation));
            if (fallback) {
                mode = "fallback";
            }
        }
        s.setMode(mode);
        if (conflict != null) {
            // Another autoscaler owns the target: not ready, and the message names it.
            set(s, condition("Ready", "False", conflict, ((Pause.Paused) w.pause()).reason(), generation));
        } else if (e.outcome() instanceof ScaleOutcome.Failed f) {
            set(s, condition("Ready", "False", failureReason(f), f.message(), generation));
        } else {
            set(s, condition("Ready", "True", "Scaling", "observing group " + w.group().groupId() + " on "
                    + w.cluster().bootstrapServers() + ", scaling " + w.target().kind() + "/" + w.target().name(),
                    generation));
        }
        if (e.outcome() instanceof ScaleOutcome.Scaled scaled) {
            String reason = w.pause() instanceof Pause.HoldAt h ? h.reason() : e.decision().reason();
            s.setLastScaleTime(timestamp());
            s.setLastScaleReason(reason);
            executor.execute(() -> emitEvents(w, scaled, reason));
        }
        update(w.id(), s);
    }

    @Override
    public void onInvalid(WorkloadId id, List<String> problems) {
        ScaledWorkloadStatus s = base(id);
        Long generation = generation(id);
        s.setObservedGeneration(generation);
        set(s, condition("Ready", "False", "InvalidSpec", String.join("; ", problems), generation));
        s.setMode("invalid");
        update(id, s);
    }

    @Override
    public void onTargetFailure(Workload w, Observation observation, ScaleOutcome.Failed failure) {
        ScaledWorkloadStatus s = base(w.id());
        Long generation = generation(w.id());
        s.setObservedGeneration(generation);
        if (observation instanceof Observation.Lag lag) {
            s.setLag(lag.totalLag());
        }
        set(s, condition("Ready", "False", failureReason(failure), failure.message(), generation));
        update(w.id(), s);
    }

    @Override
    public void onRemoved(WorkloadId id) {
        pending.remove(id);
        written.remove(id);
        writtenAt.remove(id);
        latest.remove(id);
    }

    /** The Ready condition's reason for a failure: one per kind, so a new kind cannot go unnamed. */
    static String failureReason(ScaleOutcome.Failed f) {
        return switch (f.kind()) {
            case NOT_FOUND -> "TargetNotFound";
            case FORBIDDEN -> "Forbidden";
            case INVALID -> "InvalidTarget";
            case UNSUPPORTED_KIND -> "UnsupportedTargetKind";
            case CLUSTER_SCOPED -> "ClusterScopedTarget";
            case NO_SCALE -> "NoScaleSubresource";
            case NOT_LEADER -> "NotLeader";
            case CONFLICT -> "Conflict";
            case THROTTLED, SERVER_ERROR, REJECTED, DISCOVERY, IO, CLOSED -> "ScaleFailed";
        };
    }

    /** The status to build on: the last we computed, else what the cluster holds, else empty. */
    private ScaledWorkloadStatus base(WorkloadId id) {
        ScaledWorkloadStatus prev = latest.get(id);
        if (prev == null) {
            prev = catalog.resource(id).map(ScaledWorkload::getStatus).orElse(null);
        }
        return copy(prev);
    }

    private Long generation(WorkloadId id) {
        return catalog.resource(id).map(r -> r.getMetadata().getGeneration()).orElse(null);
    }

    private void update(WorkloadId id, ScaledWorkloadStatus s) {
        latest.put(id, s);
        pending.put(id, s);
    }

    private WorkloadCondition condition(String type, String status, String reason, String message, Long generation) {
        return new WorkloadCondition(type, status, reason, message, timestamp(), generation);
    }

    /** Replaces the condition of that type, keeping its transition time when nothing but the time changed. */
    private static void set(ScaledWorkloadStatus s, WorkloadCondition c) {
        List<WorkloadCondition> out = new ArrayList<>();
        boolean replaced = false;
        for (WorkloadCondition old : s.getConditions()) {
            if (old.getType().equals(c.getType())) {
                if (old.getStatus().equals(c.getStatus())) {
                    c.setLastTransitionTime(old.getLastTransitionTime());
                }
                out.add(c);
                replaced = true;
            } else {
                out.add(old);
            }
        }
        if (!replaced) {
            out.add(c);
        }
        s.setConditions(out);
    }

    /** Writes every changed status when leading; runs on the reporter's thread. */
    public void flush() {
        if (!leader.leading()) {
            // Standing by: forget what was written, the leader may have written since.
            written.clear();
            return;
        }
        for (WorkloadId id : List.copyOf(pending.keySet())) {
            ScaledWorkloadStatus s = pending.remove(id);
            ScaledWorkloadStatus before = written.get(id);
            if (s == null || s.equals(before)) {
                continue;
            }
            Instant at = writtenAt.get(id);
            if (before != null && at != null && significant(before).equals(significant(s))
                    && at.plus(LIVE_NUMBERS_REFRESH).isAfter(clock.instant())) {
                // Only live numbers changed: they are in the metrics every poll; the status gets them every 15 s,
                // so 1,000 workloads with moving lag do not mean 500 status writes a second.
                pending.putIfAbsent(id, s);
                continue;
            }
            try {
                ScaledWorkload patch = new ScaledWorkload();
                patch.setMetadata(new ObjectMetaBuilder().withName(id.name()).withNamespace(id.namespace()).build());
                patch.setStatus(s);
                client.resources(ScaledWorkload.class).inNamespace(id.namespace()).resource(patch).patchStatus();
                written.put(id, s);
                writtenAt.put(id, clock.instant());
            } catch (KubernetesClientException e) {
                if (e.getCode() != 404) {
                    LOG.warn("Cannot write the status of ScaledWorkload {} (HTTP {}): {}", id, e.getCode(),
                            e.getMessage());
                    pending.putIfAbsent(id, s);
                }
            }
        }
    }

    /** What must reach the status at once: conditions' status and reason, replica counts, mode, last scale. */
    private static List<Object> significant(ScaledWorkloadStatus s) {
        List<Object> out = new ArrayList<>();
        for (WorkloadCondition c : s.getConditions()) {
            out.add(c.getType() + "=" + c.getStatus() + "/" + c.getReason() + "@" + c.getObservedGeneration());
        }
        out.add(s.getObservedGeneration());
        out.add(s.getDesiredReplicas());
        out.add(s.getCurrentReplicas());
        out.add(s.getOriginalReplicas());
        out.add(s.getMode());
        out.add(s.getLastScaleTime());
        out.add(s.getLastScaleReason());
        return out;
    }

    private void emitEvents(Workload w, ScaleOutcome.Scaled scaled, String reason) {
        String verb = scaled.to() > scaled.from() ? "ScaledUp" : "ScaledDown";
        String message = "Scaled " + w.target().kind() + "/" + w.target().name() + " from " + scaled.from() + " to "
                + scaled.to() + ": " + reason;
        Optional<ScaledWorkload> resource = catalog.resource(w.id());
        event(w.id().namespace(), w.target().apiVersion(), w.target().kind(), w.target().name(), null, verb, message);
        event(w.id().namespace(), ScaledWorkload.API_VERSION, "ScaledWorkload", w.id().name(),
                resource.map(r -> r.getMetadata().getUid()).orElse(null), verb, message);
    }

    private void event(String ns, String apiVersion, String kind, String name, String uid, String reason,
                       String message) {
        String now = timestamp();
        try {
            client.v1().events().inNamespace(ns).resource(new EventBuilder()
                    .withNewMetadata().withGenerateName(name + ".ebb.").withNamespace(ns).endMetadata()
                    .withNewInvolvedObject().withApiVersion(apiVersion).withKind(kind).withName(name)
                    .withNamespace(ns).withUid(uid).endInvolvedObject()
                    .withReason(reason).withMessage(message).withType("Normal")
                    .withNewSource().withComponent(COMPONENT).endSource()
                    .withReportingComponent("ebb.dev/scaler").withReportingInstance(identity)
                    .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
                    .build()).create();
        } catch (KubernetesClientException e) {
            LOG.warn("Cannot record an Event on {}/{} (HTTP {}): {}", kind, name, e.getCode(), e.getMessage());
        }
    }

    private String timestamp() {
        return Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private static Double round(Double d) {
        return d == null ? null : Math.round(d * 100) / 100.0;
    }

    private static ScaledWorkloadStatus copy(ScaledWorkloadStatus s) {
        ScaledWorkloadStatus c = new ScaledWorkloadStatus();
        if (s == null) {
            return c;
        }
        c.setObservedGeneration(s.getObservedGeneration());
        List<WorkloadCondition> conditions = new ArrayList<>();
        for (WorkloadCondition w : s.getConditions()) {
            conditions.add(new WorkloadCondition(w.getType(), w.getStatus(), w.getReason(), w.getMessage(),
                    w.getLastTransitionTime(), w.getObservedGeneration()));
        }
        c.setConditions(conditions);
        c.setLag(s.getLag());
        c.setTimeLag(s.getTimeLag());
        c.setArrivalRate(s.getArrivalRate());
        c.setConsumptionRate(s.getConsumptionRate());
        c.setDesiredReplicas(s.getDesiredReplicas());
        c.setCurrentReplicas(s.getCurrentReplicas());
        c.setMode(s.getMode());
        c.setLastReason(s.getLastReason());
        c.setLastScaleTime(s.getLastScaleTime());
        c.setLastScaleReason(s.getLastScaleReason());
        c.setOriginalReplicas(s.getOriginalReplicas());
        return c;
    }

    /** Writes what is pending, then stops. */
    @Override
    public void close() {
        try {
            executor.submit(this::flush).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.debug("Final status flush: {}", e.toString());
        }
        executor.shutdownNow();
    }


    /** The condition reason of a workload that yields its target to another owner, or null. */
    private static String conflict(Workload w) {
        if (!(w.pause() instanceof Pause.Paused p)) {
            return null;
        }
        return switch (p.cause()) {
            case CONFLICTING_AUTOSCALER -> "ConflictingAutoscaler";
            case CONFLICTING_SCALED_WORKLOAD -> "ConflictingScaledWorkload";
            case ANNOTATION -> null;
        };
    }
}
