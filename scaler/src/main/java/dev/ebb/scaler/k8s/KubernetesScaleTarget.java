package dev.ebb.scaler.k8s;

import dev.ebb.scaler.loop.LeaderGate;
import dev.ebb.scaler.loop.ScaleTargetException;
import dev.ebb.scaler.target.ScaleOutcome;
import dev.ebb.scaler.target.ScaleTarget;
import dev.ebb.scaler.target.TargetRef;
import dev.ebb.scaler.workload.spec.ScaleTargetRefRules;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.net.MalformedURLException;
import java.net.URL;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Reads and changes replicas of objects with a scale subresource, always in the ScaledWorkload's own namespace.
 *
 * <p><b>Tenant isolation by construction.</b> The reference is checked against Kubernetes' rules
 * ({@link ScaleTargetRefRules}) before anything is sent; the resource (plural, namespaced, has {@code /scale}) comes
 * from a built-in table for {@code apps/v1} Deployment, StatefulSet, ReplicaSet and {@code v1} ReplicationController,
 * or else from API discovery; cluster-scoped kinds and kinds without a scale subresource are refused. The request path
 * is assembled from those segments, each checked again against its rule ({@link ScalePath}); no text is pasted.
 *
 * <p><b>No polling.</b> Current replicas come from an informer per (resource, namespace), shared by every workload
 * that targets that kind in that namespace: {@code spec.replicas} of the cached object for the built-in kinds; for a
 * custom kind (whose replicas path only its CRD knows) one {@code GET .../scale} per change of the object's
 * resourceVersion. A PATCH is sent only when the count differs.
 *
 * <p><b>Fenced writes.</b> The PATCH is a JSON merge patch {@code {"metadata":{"resourceVersion":R},"spec":
 * {"replicas":N}}} to {@code .../scale}, with R the version the decision was based on: the API server refuses it (409)
 * if anyone wrote the object since, including a new leader. Leadership is checked right before every attempt, and a
 * 409 is not retried: the next poll reads the new state and decides again. 429, 5xx and I/O errors are retried with
 * exponential backoff and full jitter while this instance still leads.
 *
 * <p>Never blocks the caller: requests are asynchronous; discovery and informer start run on {@code blockingExecutor}.
 */
public final class KubernetesScaleTarget implements ScaleTarget, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KubernetesScaleTarget.class);
    private static final Duration NEGATIVE_CACHE = Duration.ofMinutes(1);

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

    /**
     * A namespaced resource with a scale subresource, as discovery describes it.
     *
     * @param replicasInSpec whether {@code spec.replicas} of the object is its scale (true for the built-in kinds)
     */
    record ScalableResource(String group, String version, String plural, String kind, boolean replicasInSpec) {
        ResourceDefinitionContext context() {
            return new ResourceDefinitionContext.Builder().withGroup(group).withVersion(version).withPlural(plural)
                    .withKind(kind).withNamespaced(true).build();
        }

        String apiResource() {
            return plural + "/scale" + (group.isEmpty() ? "" : " in API group '" + group + "'");
        }
    }

    private static final Map<String, ScalableResource> BUILT_IN = Map.of(
            "apps/v1/Deployment", new ScalableResource("apps", "v1", "deployments", "Deployment", true),
            "apps/v1/StatefulSet", new ScalableResource("apps", "v1", "statefulsets", "StatefulSet", true),
            "apps/v1/ReplicaSet", new ScalableResource("apps", "v1", "replicasets", "ReplicaSet", true),
            "v1/ReplicationController", new ScalableResource("", "v1", "replicationcontrollers",
                    "ReplicationController", true));

    private record Resolution(ScalableResource resource, ScaleOutcome.Failed refusal, Instant at) {
    }

    private record InformerKey(ScalableResource resource, String namespace) {
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
    private record Written(java.util.Set<String> older, Observed result) {
    }

    private final KubernetesClient client;
    private final HttpClient http;
    private final Executor blockingExecutor;
    private final Retry retry;
    private final LeaderGate leader;
    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper();
    private final Map<String, Resolution> resolutions = new ConcurrentHashMap<>();
    private final Map<InformerKey, CompletableFuture<SharedIndexInformer<GenericKubernetesResource>>> informers =
            new ConcurrentHashMap<>();
    private final Map<String, CachedScale> scales = new ConcurrentHashMap<>();
    /** Our own last write per target, until the informer has seen it (keyed like {@link #scales}). */
    private final Map<String, Written> written = new ConcurrentHashMap<>();
    private volatile boolean closed;

    public KubernetesScaleTarget(KubernetesClient client, Executor blockingExecutor, Retry retry) {
        this(client, blockingExecutor, retry, LeaderGate.always());
    }

    /** @param leader checked right before every write attempt: a deposed leader sends nothing */
    public KubernetesScaleTarget(KubernetesClient client, Executor blockingExecutor, Retry retry, LeaderGate leader) {
        this.client = client;
        this.http = client.getHttpClient();
        this.blockingExecutor = blockingExecutor;
        this.retry = retry;
        this.leader = leader;
        this.clock = Clock.systemUTC();
    }

    @Override
    public CompletionStage<Integer> currentReplicas(TargetRef target) {
        return observe(target).thenApply(Observed::replicas);
    }

    @Override
    public CompletionStage<ScaleOutcome> scale(TargetRef target, int replicas, String reason) {
        if (replicas < 0) {
            return CompletableFuture.completedFuture(new ScaleOutcome.Failed("invalid",
                    "Invalid value " + replicas + " for replicas of " + target + ": must be >= 0", false));
        }
        return resolve(target).thenCompose(resource -> observe(target, resource).thenCompose(seen -> {
            if (seen.replicas() == replicas) {
                return CompletableFuture.completedFuture((ScaleOutcome) new ScaleOutcome.Unchanged(seen.replicas()));
            }
            URL url = ScalePath.of(resource, target.namespace(), target.name()).on(client.getMasterUrl());
            String patch = "{\"metadata\":{\"resourceVersion\":" + json.writeValueAsString(seen.resourceVersion())
                    + "},\"spec\":{\"replicas\":" + replicas + "}}";
            return patch(target, resource, url, patch, 1).thenApply(r -> {
                if (r instanceof Response.Error e) {
                    return (ScaleOutcome) e.failure();
                }
                remember(target, resource, seen, replicas, (Response.Ok) r);
                return new ScaleOutcome.Scaled(seen.replicas(), replicas);
            });
        })).exceptionally(t -> {
            Throwable cause = unwrap(t);
            if (cause instanceof ScaleTargetException ste) {
                return ste.failure();
            }
            return new ScaleOutcome.Failed("io", "Cannot scale " + target + ": " + cause.getMessage(), true);
        });
    }

    private CompletionStage<Observed> observe(TargetRef target) {
        return resolve(target).thenCompose(resource -> observe(target, resource));
    }

    /** The target's replicas and version from the informer cache (plus one GET of a custom kind's scale per change). */
    private CompletionStage<Observed> observe(TargetRef target, ScalableResource resource) {
        return informer(resource, target.namespace()).thenCompose(informer -> {
            GenericKubernetesResource object = informer.getStore().getByKey(target.namespace() + "/" + target.name());
            if (object == null) {
                throw new ScaleTargetException(new ScaleOutcome.Failed("not_found", "Scale target " + target
                        + " not found", false));
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
            return send(target, resource, "get", http.newHttpRequestBuilder().url(url).timeout(10, TimeUnit.SECONDS)
                    .build(), 1).thenApply(r -> {
                        if (r instanceof Response.Error e) {
                            throw new ScaleTargetException(e.failure());
                        }
                        CachedScale scale = scaleOf(((Response.Ok) r).body());
                        scales.put(key, scale);
                        return new Observed(scale.replicas(), version);
                    });
        });
    }

    private void remember(TargetRef target, ScalableResource resource, Observed before, int replicas, Response.Ok ok) {
        String key = cacheKey(resource, target);
        String version = "";
        try {
            version = json.readTree(ok.body()).path("metadata").path("resourceVersion").asText("");
        } catch (RuntimeException e) {
            // an answer without a body: the informer brings the new version
        }
        if (before.resourceVersion() != null) {
            java.util.Set<String> older = new java.util.LinkedHashSet<>();
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

    // --- resolution: validated reference -> namespaced resource with a scale subresource ---

    /** Checks the reference, then finds its resource; a refusal is a failed stage carrying the condition. */
    CompletionStage<ScalableResource> resolve(TargetRef target) {
        List<String> problems = ScaleTargetRefRules.problems("spec.scaleTargetRef", target.apiVersion(),
                target.kind(), target.name());
        if (!problems.isEmpty() || !ScalePath.NAMESPACE.matcher(target.namespace()).matches()) {
            String why = problems.isEmpty() ? "Invalid value '" + target.namespace() + "' for metadata.namespace: "
                    + "must be a DNS-1123 label" : String.join("; ", problems);
            return CompletableFuture.failedFuture(new ScaleTargetException(new ScaleOutcome.Failed("invalid", why,
                    false)));
        }
        String key = target.apiVersion() + "/" + target.kind();
        ScalableResource builtIn = BUILT_IN.get(key);
        if (builtIn != null) {
            return CompletableFuture.completedFuture(builtIn);
        }
        Resolution known = resolutions.get(key);
        if (known != null && (known.resource() != null
                || known.at().plus(NEGATIVE_CACHE).isAfter(clock.instant()))) {
            return known.resource() != null ? CompletableFuture.completedFuture(known.resource())
                    : CompletableFuture.failedFuture(new ScaleTargetException(known.refusal()));
        }
        return CompletableFuture.supplyAsync(() -> discover(target), blockingExecutor).thenApply(r -> {
            resolutions.put(key, r);
            if (r.refusal() != null) {
                throw new ScaleTargetException(r.refusal());
            }
            return r.resource();
        });
    }

    private Resolution discover(TargetRef target) {
        String group = ScaleTargetRefRules.group(target.apiVersion());
        String version = ScaleTargetRefRules.version(target.apiVersion());
        APIResourceList list;
        try {
            // Validated above: a DNS-1123 group and a version like v1; fabric8 builds /apis/<group>/<version>.
            list = client.getApiResources(target.apiVersion());
        } catch (KubernetesClientException e) {
            return refused("discovery", "Cannot discover the resources of " + target.apiVersion() + " for " + target
                    + " (HTTP " + e.getCode() + ")", true);
        }
        if (list == null || list.getResources() == null) {
            return refused("not_found", "API version " + target.apiVersion() + " of " + target
                    + " is not served by this cluster", false);
        }
        APIResource main = null;
        for (APIResource r : list.getResources()) {
            if (target.kind().equals(r.getKind()) && r.getName() != null && !r.getName().contains("/")) {
                main = r;
            }
        }
        if (main == null) {
            return refused("not_found", "Kind " + target.kind() + " is not served in " + target.apiVersion()
                    + " by this cluster", false);
        }
        if (!Boolean.TRUE.equals(main.getNamespaced())) {
            return refused("cluster_scoped", "Kind " + target.kind() + " (" + target.apiVersion() + ") is "
                    + "cluster-scoped: Ebb scales only namespaced objects in the ScaledWorkload's own namespace",
                    false);
        }
        String plural = main.getName();
        boolean scalable = list.getResources().stream().anyMatch(r -> (plural + "/scale").equals(r.getName()));
        if (!scalable || !ScalePath.PLURAL.matcher(plural).matches()) {
            return refused("no_scale", "Kind " + target.kind() + " (" + target.apiVersion() + ") has no scale "
                    + "subresource: Ebb scales only kinds that declare one", false);
        }
        return new Resolution(new ScalableResource(group, version, plural, target.kind(), false), null,
                clock.instant());
    }

    private Resolution refused(String kind, String message, boolean retriable) {
        return new Resolution(null, new ScaleOutcome.Failed(kind, message, retriable), clock.instant());
    }

    // --- informers: one per (resource, namespace), shared by every workload targeting that kind there ---

    private CompletionStage<SharedIndexInformer<GenericKubernetesResource>> informer(ScalableResource resource,
                                                                                     String namespace) {
        InformerKey key = new InformerKey(resource, namespace);
        CompletableFuture<SharedIndexInformer<GenericKubernetesResource>> existing = informers.get(key);
        if (existing != null) {
            return existing;
        }
        CompletableFuture<SharedIndexInformer<GenericKubernetesResource>> created = new CompletableFuture<>();
        existing = informers.putIfAbsent(key, created);
        if (existing != null) {
            return existing;
        }
        blockingExecutor.execute(() -> {
            SharedIndexInformer<GenericKubernetesResource> informer;
            try {
                informer = client.genericKubernetesResources(resource.context()).inNamespace(namespace)
                        .runnableInformer(0);
            } catch (RuntimeException e) {
                informers.remove(key, created);
                created.completeExceptionally(informerFailure(resource, namespace, e));
                return;
            }
            informer.start().whenComplete((ok, err) -> {
                if (err == null && !closed) {
                    LOG.info("Watching {} in namespace {} for current replicas", resource.plural(), namespace);
                    created.complete(informer);
                    return;
                }
                informer.stop();
                informers.remove(key, created);
                created.completeExceptionally(informerFailure(resource, namespace, err == null
                        ? new IllegalStateException("closed") : unwrap(err)));
            });
        });
        return created;
    }

    private static ScaleTargetException informerFailure(ScalableResource resource, String namespace, Throwable e) {
        int code = e instanceof KubernetesClientException kce ? kce.getCode() : 0;
        if (code == 403) {
            return new ScaleTargetException(new ScaleOutcome.Failed("forbidden", "Forbidden to list and watch "
                    + resource.plural() + " in namespace " + namespace + ": the scaler's service account needs "
                    + "'list' and 'watch' on '" + resource.plural() + "' in API group '" + resource.group() + "'",
                    false));
        }
        return new ScaleTargetException(new ScaleOutcome.Failed("io", "Cannot watch " + resource.plural()
                + " in namespace " + namespace + (code > 0 ? " (HTTP " + code + ")" : ": " + e.getMessage()), true));
    }

    // --- requests ---

    private sealed interface Response permits Response.Ok, Response.Error {
        record Ok(String body) implements Response {
        }

        record Error(ScaleOutcome.Failed failure) implements Response {
        }
    }

    private CompletableFuture<Response> patch(TargetRef target, ScalableResource resource, URL url, String body,
                                              int attempt) {
        // Right before the write: a deposed leader sends nothing, and retries stop when the lease is lost.
        if (!leader.leading()) {
            return CompletableFuture.completedFuture(new Response.Error(new ScaleOutcome.Failed("not_leader",
                    "Not scaling " + target + ": this instance no longer holds the lease", false)));
        }
        HttpRequest request = http.newHttpRequestBuilder().url(url).timeout(10, TimeUnit.SECONDS)
                .patch("application/merge-patch+json", body).build();
        return http.sendAsync(request, String.class)
                .handle((response, error) -> classify(target, resource, "patch", response, error))
                .thenCompose(r -> {
                    if (r instanceof Response.Error e && e.failure().retriable()
                            && !"conflict".equals(e.failure().kind()) && attempt < retry.attempts()) {
                        return later(attempt).thenCompose(ignored -> patch(target, resource, url, body, attempt + 1));
                    }
                    return CompletableFuture.completedFuture(r);
                });
    }

    private CompletableFuture<Response> send(TargetRef target, ScalableResource resource, String verb,
                                             HttpRequest request, int attempt) {
        return http.sendAsync(request, String.class)
                .handle((response, error) -> classify(target, resource, verb, response, error))
                .thenCompose(r -> {
                    if (r instanceof Response.Error e && e.failure().retriable() && attempt < retry.attempts()) {
                        return later(attempt).thenCompose(ignored -> send(target, resource, verb, request,
                                attempt + 1));
                    }
                    return CompletableFuture.completedFuture(r);
                });
    }

    private CompletableFuture<Void> later(int attempt) {
        Executor later = CompletableFuture.delayedExecutor(backoff(attempt).toMillis(), TimeUnit.MILLISECONDS,
                blockingExecutor);
        return CompletableFuture.runAsync(() -> { }, later);
    }

    private Duration backoff(int attempt) {
        long base = Math.min(retry.maxBackoff().toMillis(), retry.initialBackoff().toMillis() << (attempt - 1));
        // Full jitter in [base/2, base): scalers of many workloads must not retry in lockstep.
        long jittered = base / 2 + ThreadLocalRandom.current().nextLong(Math.max(1, base / 2));
        return Duration.ofMillis(jittered);
    }

    private Response classify(TargetRef target, ScalableResource resource, String verb, HttpResponse<String> response,
                              Throwable error) {
        if (error != null) {
            return new Response.Error(new ScaleOutcome.Failed("io", "Cannot reach the Kubernetes API to " + verb
                    + " the scale of " + target + ": " + unwrap(error).getMessage(), true));
        }
        int code = response.code();
        if (code >= 200 && code < 300) {
            return new Response.Ok(response.body());
        }
        ScaleOutcome.Failed failed = switch (code) {
            case 404 -> new ScaleOutcome.Failed("not_found", "Scale target " + target
                    + " not found, or it has no scale subresource", false);
            case 403 -> new ScaleOutcome.Failed("forbidden", "Forbidden to " + verb + " the scale of " + target
                    + ": the scaler's service account needs '" + verb + "' on '" + resource.apiResource() + "'",
                    false);
            case 409 -> new ScaleOutcome.Failed("conflict", "Not scaling " + target + ": it changed since it was "
                    + "read (another writer or a new leader); the next poll decides again", true);
            case 429 -> new ScaleOutcome.Failed("throttled", "Kubernetes API throttled " + verb + " of the scale of "
                    + target, true);
            default -> new ScaleOutcome.Failed(code >= 500 ? "server_error" : "rejected", "Kubernetes API answered "
                    + code + " to " + verb + " of the scale of " + target + ": " + brief(response.body()), code >= 500);
        };
        return new Response.Error(failed);
    }

    private static String brief(String body) {
        if (body == null) {
            return "";
        }
        return body.length() > 300 ? body.substring(0, 300) + "..." : body;
    }

    /** An {@code autoscaling/v1 Scale}: {@code spec.replicas} omitted means 0 (omitempty), and its version. */
    private CachedScale scaleOf(String body) {
        JsonNode scale = json.readTree(body);
        JsonNode replicas = scale.path("spec").path("replicas");
        return new CachedScale(scale.path("metadata").path("resourceVersion").asText(""),
                replicas.isMissingNode() || replicas.isNull() ? 0 : replicas.asInt());
    }

    private static Throwable unwrap(Throwable t) {
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** Stops every informer. */
    @Override
    public void close() {
        closed = true;
        for (CompletableFuture<SharedIndexInformer<GenericKubernetesResource>> f : List.copyOf(informers.values())) {
            SharedIndexInformer<GenericKubernetesResource> informer = f.getNow(null);
            if (informer != null) {
                informer.stop();
            } else {
                f.thenAccept(SharedIndexInformer::stop);
            }
        }
        informers.clear();
    }

    /**
     * {@code /api[s]/<group>/<version>/namespaces/<ns>/<plural>/<name>/scale} from segments that each match their
     * rule, so none can add, remove or escape a path segment.
     */
    record ScalePath(String group, String version, String namespace, String plural, String name) {
        static final Pattern NAMESPACE = Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");
        static final Pattern PLURAL = Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");
        private static final Pattern GROUP = Pattern.compile(ScaleTargetRefRules.DNS1123_SUBDOMAIN);
        private static final Pattern VERSION = Pattern.compile("^v[1-9][0-9]*((alpha|beta)[1-9][0-9]*)?$");
        private static final Pattern NAME = Pattern.compile(ScaleTargetRefRules.DNS1123_SUBDOMAIN);

        ScalePath {
            check("group", group, group.isEmpty() || GROUP.matcher(group).matches());
            check("version", version, VERSION.matcher(version).matches());
            check("namespace", namespace, namespace.length() <= 63 && NAMESPACE.matcher(namespace).matches());
            check("plural", plural, PLURAL.matcher(plural).matches());
            check("name", name, name.length() <= ScaleTargetRefRules.MAX_NAME && NAME.matcher(name).matches());
        }

        static ScalePath of(ScalableResource resource, String namespace, String name) {
            return new ScalePath(resource.group(), resource.version(), namespace, resource.plural(), name);
        }

        String path() {
            return (group.isEmpty() ? "/api/" + version : "/apis/" + group + "/" + version) + "/namespaces/"
                    + namespace + "/" + plural + "/" + name + "/scale";
        }

        URL on(URL master) {
            String base = master.toString();
            if (base.endsWith("/")) {
                base = base.substring(0, base.length() - 1);
            }
            try {
                URL url = new URL(base + path());
                if (!url.getPath().endsWith(path()) || url.getRef() != null || url.getQuery() != null) {
                    throw new IllegalStateException("Refusing scale URL " + url);
                }
                return url;
            } catch (MalformedURLException e) {
                throw new IllegalStateException(e);
            }
        }

        private static void check(String field, String value, boolean ok) {
            if (value == null || !ok) {
                throw new ScaleTargetException(new ScaleOutcome.Failed("invalid", "Invalid value '" + value
                        + "' for the " + field + " segment of a scale request: refused", false));
            }
        }
    }
}
