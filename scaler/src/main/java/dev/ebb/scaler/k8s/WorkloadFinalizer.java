package dev.ebb.scaler.k8s;

import dev.ebb.scaler.loop.LeaderGate;
import dev.ebb.scaler.target.FailureKind;
import dev.ebb.scaler.target.ScaleOutcome;
import dev.ebb.scaler.target.ScaleTarget;
import dev.ebb.scaler.target.TargetRef;
import dev.ebb.scaler.workload.spec.ScaledWorkload;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The finalizer {@value #FINALIZER}: the leader adds it to every ScaledWorkload it sees, and when one is deleted it
 * restores the target ({@code spec.restoreToOriginalReplicaCount} with the count kept in
 * {@code status.originalReplicas}), then removes the finalizer so the API server can delete the resource. Because the
 * deleted resource stays until then, this works even when no scaler ran at deletion time: the next leader finds it in
 * its informer's first list. Ebb writes no annotations or labels on targets; all its bookkeeping is the
 * ScaledWorkload's own status, which goes with it.
 *
 * <p>Runs on its own thread, scanning the informer's store (no API request unless there is work); every write is a
 * JSON patch of {@code metadata.finalizers}; the removal carries the resourceVersion it read.
 */
public final class WorkloadFinalizer implements AutoCloseable {

    public static final String FINALIZER = "ebb.dev/finalizer";
    private static final Logger LOG = LoggerFactory.getLogger(WorkloadFinalizer.class);

    private final KubernetesClient client;
    private final ScaleTarget target;
    private final Consumer<List<TargetRef>> stillNamed;
    private final LeaderGate leader;
    private final Supplier<List<ScaledWorkload>> resources;
    private final Duration restoreTimeout;
    private final ScheduledExecutorService executor;
    private final ObjectMapper json = new ObjectMapper();
    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    /**
     * @param stillNamed told, every scan, the targets some ScaledWorkload still names (so the scale target can stop
     *                   watching the rest)
     * @param resources the ScaledWorkloads as the informer last saw them
     * @param restoreTimeout how long one restore may take before the scan gives up on it until the next one
     */
    public WorkloadFinalizer(KubernetesClient client, ScaleTarget target, Consumer<List<TargetRef>> stillNamed,
                             LeaderGate leader, Supplier<List<ScaledWorkload>> resources, Duration period,
                             Duration restoreTimeout) {
        this.client = client;
        this.target = target;
        this.stillNamed = stillNamed;
        this.leader = leader;
        this.resources = resources;
        this.restoreTimeout = restoreTimeout;
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ebb-finalizer");
            t.setDaemon(true);
            return t;
        });
        long ms = Math.max(1, period.toMillis());
        executor.scheduleWithFixedDelay(this::scan, ms, ms, TimeUnit.MILLISECONDS);
    }

    /**
     * One pass over every ScaledWorkload; only the leader writes. Every instance first tells the scale target which
     * targets are still named (by a live or a deleted-but-not-yet-finalized ScaledWorkload), so it stops watching a
     * kind in a namespace once its last workload there is gone.
     */
    void scan() {
        List<ScaledWorkload> all = resources.get();
        stillNamed.accept(KubernetesWorkloadCatalog.referencedTargets(all));
        if (!leader.leading()) {
            return;
        }
        for (ScaledWorkload sw : all) {
            if (Thread.currentThread().isInterrupted() || !leader.leading()) {
                return; // closing, or the lease was lost: the next leader carries on
            }
            try {
                List<String> finalizers = sw.getMetadata().getFinalizers() == null ? List.of()
                        : sw.getMetadata().getFinalizers();
                if (sw.getMetadata().getDeletionTimestamp() == null) {
                    if (!finalizers.contains(FINALIZER)) {
                        addFinalizer(sw, finalizers);
                    }
                } else if (finalizers.contains(FINALIZER) && restore(sw)) {
                    removeFinalizer(sw, finalizers);
                    LOG.info("ScaledWorkload {}/{} deleted: finalizer removed", sw.getMetadata().getNamespace(),
                            sw.getMetadata().getName());
                }
            } catch (KubernetesClientException e) {
                // 409: the informer brings the newer version and the next scan retries; 404: already gone.
                if (e.getCode() != 409 && e.getCode() != 404 && warned.add(key(sw) + e.getCode())) {
                    LOG.warn("Cannot update the finalizer of ScaledWorkload {} (HTTP {}): {}", key(sw), e.getCode(),
                            e.getMessage());
                }
            } catch (RuntimeException e) {
                if (warned.add(key(sw) + e.getClass().getName())) {
                    LOG.warn("Finalizing ScaledWorkload {} failed: {}", key(sw), e.toString());
                }
            }
        }
    }

    /** True when nothing (more) is to be restored; false to try again on the next scan. */
    private boolean restore(ScaledWorkload sw) throws RuntimeException {
        if (sw.getSpec() == null || !Boolean.TRUE.equals(sw.getSpec().getRestoreToOriginalReplicaCount())
                || sw.getStatus() == null || sw.getStatus().getOriginalReplicas() == null) {
            return true;
        }
        Optional<TargetRef> ref = KubernetesWorkloadCatalog.targetRef(sw);
        if (ref.isEmpty()) {
            return true; // an invalid reference never scaled anything
        }
        TargetRef t = ref.get();
        int original = sw.getStatus().getOriginalReplicas();
        ScaleOutcome outcome;
        try {
            outcome = target.scale(t, original, "ScaledWorkload deleted: restoring the original replica count")
                    .toCompletableFuture().get(restoreTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (TimeoutException e) {
            if (warned.add(key(sw) + "timeout")) {
                String message = "Restoring " + t + " to its original " + original + " replicas did not finish "
                        + "within " + (restoreTimeout.toMillis() % 1000 == 0 ? restoreTimeout.toSeconds() + "s"
                        : restoreTimeout.toMillis() + "ms") + "; the finalizer stays and the next scan "
                        + "tries again";
                LOG.warn("ScaledWorkload {} deleted: {}", key(sw), message);
                event(sw, "RestoreTimedOut", message);
            }
            return false;
        } catch (ExecutionException e) {
            if (warned.add(key(sw) + "restore-error")) {
                LOG.warn("ScaledWorkload {} deleted: cannot restore {} yet: {}", key(sw), t, e.getCause());
            }
            return false;
        }
        if (outcome instanceof ScaleOutcome.Failed f && f.retriable()) {
            if (warned.add(key(sw) + "restore")) {
                LOG.warn("ScaledWorkload {} deleted: cannot restore {} to {} replicas yet: {}", key(sw), t, original,
                        f.message());
            }
            return false;
        }
        if (outcome instanceof ScaleOutcome.Failed f && f.kind() == FailureKind.NOT_LEADER) {
            return false;
        }
        LOG.info("ScaledWorkload {} deleted: {} restored to its original {} replicas ({})", key(sw), t, original,
                outcome instanceof ScaleOutcome.Failed f ? f.message() : outcome);
        return true;
    }

    /**
     * Adds ours without a resourceVersion precondition (the ScaledWorkload's status changes every few seconds, so a
     * precondition would mostly fail). Onto an existing list it appends ({@code /metadata/finalizers/-}), so another
     * controller's finalizer is never dropped; only a list that is still empty is created whole.
     */
    private void addFinalizer(ScaledWorkload sw, List<String> finalizers) {
        ArrayNode ops = json.createArrayNode();
        if (finalizers.isEmpty()) {
            ops.addObject().put("op", "add").put("path", "/metadata/finalizers")
                    .set("value", json.valueToTree(List.of(FINALIZER)));
        } else {
            ops.addObject().put("op", "add").put("path", "/metadata/finalizers/-").put("value", FINALIZER);
        }
        patch(sw, ops);
    }

    /**
     * Removes ours with the resourceVersion the restore was based on: the API server refuses it (409) if the
     * resource changed since, so another controller's finalizer is never dropped (status writes have stopped by
     * then: a deleted workload is no longer polled).
     */
    private void removeFinalizer(ScaledWorkload sw, List<String> finalizers) {
        List<String> without = new java.util.ArrayList<>(finalizers);
        without.remove(FINALIZER);
        ArrayNode ops = json.createArrayNode();
        ops.addObject().put("op", "add").put("path", "/metadata/resourceVersion")
                .put("value", sw.getMetadata().getResourceVersion());
        ops.addObject().put("op", "add").put("path", "/metadata/finalizers").set("value",
                json.valueToTree(without));
        patch(sw, ops);
    }

    private void patch(ScaledWorkload sw, ArrayNode ops) {
        // On the informer's copy: no GET before the PATCH.
        client.resources(ScaledWorkload.class).inNamespace(sw.getMetadata().getNamespace()).resource(sw)
                .patch(PatchContext.of(PatchType.JSON), json.writeValueAsString(ops));
    }

    /** A Warning Event on the ScaledWorkload: `kubectl describe` shows why its deletion waits. */
    private void event(ScaledWorkload sw, String reason, String message) {
        String ns = sw.getMetadata().getNamespace();
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        try {
            client.v1().events().inNamespace(ns).resource(new EventBuilder()
                    .withNewMetadata().withGenerateName(sw.getMetadata().getName() + ".ebb.").withNamespace(ns)
                    .endMetadata()
                    .withNewInvolvedObject().withApiVersion(ScaledWorkload.API_VERSION).withKind("ScaledWorkload")
                    .withName(sw.getMetadata().getName()).withNamespace(ns).withUid(sw.getMetadata().getUid())
                    .endInvolvedObject()
                    .withReason(reason).withMessage(message).withType("Warning")
                    .withNewSource().withComponent(KubernetesStatusReporter.COMPONENT).endSource()
                    .withReportingComponent("ebb.dev/scaler")
                    .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
                    .build()).create();
        } catch (KubernetesClientException e) {
            LOG.warn("Cannot record an Event on ScaledWorkload {} (HTTP {}): {}", key(sw), e.getCode(),
                    e.getMessage());
        }
    }

    private static String key(ScaledWorkload sw) {
        return sw.getMetadata().getNamespace() + "/" + sw.getMetadata().getName();
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
