package dev.ebb.scaler.k8s;

import dev.ebb.scaler.loop.LeaderGate;
import dev.ebb.scaler.loop.ScaleTargetException;
import dev.ebb.scaler.target.FailureKind;
import dev.ebb.scaler.target.ScaleOutcome;
import dev.ebb.scaler.target.ScaleTarget;
import dev.ebb.scaler.target.TargetRef;
import dev.ebb.scaler.workload.spec.ScaleTargetRefRules;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URL;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Reads and changes replicas of objects with a scale subresource, always in the ScaledWorkload's own namespace.
 *
 * <p><b>Tenant isolation by construction.</b> The reference is checked against Kubernetes' rules
 * ({@link ScaleTargetRefRules}) before anything is sent; the resource (plural, namespaced, has {@code /scale}) comes
 * from a built-in table for {@code apps/v1} Deployment and StatefulSet, or else from API discovery
 * ({@link ScaleResources}); cluster-scoped kinds, kinds without a scale subresource, ReplicaSets and
 * ReplicationControllers are refused. The request path is assembled from those segments, each checked again against
 * its rule ({@link ScalePath}); no text is pasted.
 *
 * <p><b>No polling.</b> Current replicas come from an informer per (resource, namespace) ({@link ScaleInformers}),
 * shared by every workload that targets that kind in that namespace and stopped by {@link #retain} when none does any
 * more: {@code spec.replicas} of the cached object for the built-in kinds; for a custom kind (whose replicas path
 * only its CRD knows) one {@code GET .../scale} per change of the object's resourceVersion. A PATCH is sent only
 * when the count differs.
 *
 * <p><b>Fenced writes.</b> The PATCH is a JSON merge patch {@code {"metadata":{"resourceVersion":R},"spec":
 * {"replicas":N}}} to {@code .../scale}, with R the version the decision was based on: the API server refuses it (409)
 * if anyone wrote the object since, including a new leader ({@link ScaleRequests} retries the rest).
 *
 * <p>Never blocks the caller: requests are asynchronous; discovery and informer start run on {@code blockingExecutor}.
 */
public final class KubernetesScaleTarget implements ScaleTarget, AutoCloseable {

    /** Retry of 429/5xx and I/O errors. */
    public record Retry(int attempts, Duration initialBackoff, Duration maxBackoff) {
        public Retry {
            if (attempts < 1) {
                throw new IllegalArgumentException("Invalid value " + attempts + " for attempts: must be >= 1");
            }
        }

        public static Retry defaults() {
            return new Retry(4, Duration.ofMillis(200), Duration.ofSeconds(2));
        }
    }

    private record CachedScale(String resourceVersion, int replicas) {
    }

    /** What the decision is based on: the object's replicas and version. */
    private record Observed(int replicas, String resourceVersion) {
    }

    /**
     * Our own writes that the informer may not have delivered yet: {@code result} is what the last one produced,
     * {@code older} every version our writes replaced (so an informer that lags several writes behind is recognised).
     */
    private record Written(Set<String> older, Observed result) {
    }

    private final KubernetesClient client;
    private final ScaleResources resources;
    private final ScaleInformers informers;
    private final ScaleRequests requests;
    private final ObjectMapper json = new ObjectMapper();
    private final Map<String, CachedScale> scales = new ConcurrentHashMap<>();
    /** Our own last write per target, until the informer has seen it (keyed like {@link #scales}). */
    private final Map<String, Written> written = new ConcurrentHashMap<>();

    public KubernetesScaleTarget(KubernetesClient client, Executor blockingExecutor, Retry retry) {
        this(client, blockingExecutor, retry, LeaderGate.always());
    }

    /** @param leader checked right before every write attempt: a deposed leader sends nothing */
    public KubernetesScaleTarget(KubernetesClient client, Executor blockingExecutor, Retry retry, LeaderGate leader) {
        this.client = client;
        this.resources = new ScaleResources(client, blockingExecutor, Clock.systemUTC());
        this.informers = new ScaleInformers(client, blockingExecutor);
        this.requests = new ScaleRequests(client.getHttpClient(), blockingExecutor, retry, leader);
    }

    @Override
    public CompletionStage<Integer> currentReplicas(TargetRef target) {
        return observe(target).thenApply(Observed::replicas);
    }

    @Override
    public CompletionStage<ScaleOutcome> scale(TargetRef target, int replicas, String reason) {
        if (replicas < 0) {
            return CompletableFuture.completedFuture(new ScaleOutcome.Failed(FailureKind.INVALID,
                    "Invalid value " + replicas + " for replicas of " + target + ": must be >= 0"));
        }
        return resources.resolve(target).thenCompose(resource -> observe(target, resource).thenCompose(seen -> {
            if (seen.replicas() == replicas) {
                return CompletableFuture.completedFuture((ScaleOutcome) new ScaleOutcome.Unchanged(seen.replicas()));
            }
            URL url = ScalePath.of(resource, target.namespace(), target.name()).on(client.getMasterUrl());
            String patch = "{\"metadata\":{\"resourceVersion\":" + json.writeValueAsString(seen.resourceVersion())
                    + "},\"spec\":{\"replicas\":" + replicas + "}}";
            return requests.patch(target, resource, url, patch).thenApply(r -> {
                if (r instanceof ScaleRequests.Response.Error e) {
                    return (ScaleOutcome) e.failure();
                }
                remember(target, resource, seen, replicas, (ScaleRequests.Response.Ok) r);
                return new ScaleOutcome.Scaled(seen.replicas(), replicas);
            });
        })).exceptionally(t -> {
            Throwable cause = ScaleInformers.unwrap(t);
            if (cause instanceof ScaleTargetException ste) {
                return ste.failure();
            }
            return new ScaleOutcome.Failed(FailureKind.IO, "Cannot scale " + target + ": " + cause.getMessage());
        });
    }

    private CompletionStage<Observed> observe(TargetRef target) {
        return resources.resolve(target).thenCompose(resource -> observe(target, resource));
    }

    /** The target's replicas and version from the informer cache (plus one GET of a custom kind's scale per change). */
    private CompletionStage<Observed> observe(TargetRef target, ScalableResource resource) {
        return informers.informer(resource, target.namespace()).thenCompose(informer -> {
            GenericKubernetesResource object = informer.getStore().getByKey(target.namespace() + "/" + target.name());
            if (object == null) {
                throw new ScaleTargetException(new ScaleOutcome.Failed(FailureKind.NOT_FOUND, "Scale target " + target
                        + " not found"));
            }
            String version = object.getMetadata().getResourceVersion();
            String key = cacheKey(resource, target);
            Written ours = written.get(key);
            if (ours != null) {
                if (ours.older().contains(version)) {
                    // The informer has not seen our own write yet: decide on what the write produced, not on the
                    // older cached object (which would re-send the same change and get a 409).
                    return CompletableFuture.completedFuture(ours.result());
                }
                written.remove(key, ours);
            }
            if (resource.replicasInSpec()) {
                Object r = object.get("spec", "replicas");
                // The API server defaults spec.replicas of these kinds to 1.
                return CompletableFuture.completedFuture(new Observed(r instanceof Number n ? n.intValue() : 1,
                        version));
            }
            CachedScale cached = scales.get(key);
            if (cached != null && cached.resourceVersion().equals(version)) {
                return CompletableFuture.completedFuture(new Observed(cached.replicas(), version));
            }
            URL url = ScalePath.of(resource, target.namespace(), target.name()).on(client.getMasterUrl());
            return requests.get(target, resource, url).thenApply(r -> {
                        if (r instanceof ScaleRequests.Response.Error e) {
                            throw new ScaleTargetException(e.failure());
                        }
                        CachedScale scale = scaleOf(((ScaleRequests.Response.Ok) r).body());
                        scales.put(key, scale);
                        return new Observed(scale.replicas(), version);
                    });
        });
    }

    private void remember(TargetRef target, ScalableResource resource, Observed before, int replicas,
                          ScaleRequests.Response.Ok ok) {
        String key = cacheKey(resource, target);
        String version = "";
        try {
            version = json.readTree(ok.body()).path("metadata").path("resourceVersion").asText("");
        } catch (RuntimeException e) {
            // an answer without a body: the informer brings the new version
        }
        if (before.resourceVersion() != null) {
            Set<String> older = new LinkedHashSet<>();
            Written previous = written.get(key);
            if (previous != null && previous.result().resourceVersion().equals(before.resourceVersion())) {
                older.addAll(previous.older()); // this write was based on the previous one: the chain continues
            }
            older.add(before.resourceVersion());
            while (older.size() > 64) { // an informer 64 of our writes behind is a broken watch
                older.remove(older.iterator().next());
            }
            written.put(key, new Written(older, new Observed(replicas, version)));
        }
        if (!resource.replicasInSpec()) {
            scales.put(key, new CachedScale(version, replicas));
        }
    }

    private static String cacheKey(ScalableResource resource, TargetRef target) {
        return resource.group() + "/" + resource.plural() + "/" + target.namespace() + "/" + target.name();
    }

    /** {@code <namespace>/<name>} of a {@link #cacheKey} (no segment contains a slash: each matched its rule). */
    private static String namespaceAndName(String cacheKey) {
        String[] parts = cacheKey.split("/", -1);
        return parts[2] + "/" + parts[3];
    }

    /** An {@code autoscaling/v1 Scale}: {@code spec.replicas} omitted means 0 (omitempty), and its version. */
    private CachedScale scaleOf(String body) {
        JsonNode scale = json.readTree(body);
        JsonNode replicas = scale.path("spec").path("replicas");
        return new CachedScale(scale.path("metadata").path("resourceVersion").asText(""),
                replicas.isMissingNode() || replicas.isNull() ? 0 : replicas.asInt());
    }

    /**
     * Stops watching every kind and namespace no reference in {@code inUse} targets (their last workload is gone);
     * a later request for one starts a new informer.
     */
    public void retain(Collection<TargetRef> inUse) {
        informers.retain(inUse);
        Set<String> keep = new java.util.HashSet<>();
        for (TargetRef t : inUse) {
            keep.add(t.namespace() + "/" + t.name());
        }
        // Cached scales and our own writes of targets no longer in use are forgotten with their informer.
        scales.keySet().removeIf(k -> !keep.contains(namespaceAndName(k)));
        written.keySet().removeIf(k -> !keep.contains(namespaceAndName(k)));
    }

    /** The (resource, namespace) pairs watched now. */
    Set<ScaleInformers.Key> watched() {
        return informers.watched();
    }

    /** Stops every informer. */
    @Override
    public void close() {
        informers.close();
    }
}
