package dev.ebb.scaler.k8s;

import dev.ebb.scaler.loop.ScaleTargetException;
import dev.ebb.scaler.target.ScaleOutcome;
import dev.ebb.scaler.target.ScaleTarget;
import dev.ebb.scaler.target.TargetRef;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Reads and changes replicas through the scale subresource of any kind that has one: {@code GET .../scale} and a JSON
 * merge patch {@code {"spec":{"replicas":N}}} to {@code .../scale}. Needs only {@code get}/{@code patch} on
 * {@code <resource>/scale}. 404 and 403 are reported as failures naming the target or the missing permission;
 * 409, 429 and 5xx are retried with exponential backoff and jitter. Never blocks the caller: requests are asynchronous
 * and API discovery for custom kinds runs on {@code blockingExecutor}.
 */
public final class KubernetesScaleTarget implements ScaleTarget {

    /** Retry of 409/429/5xx and I/O errors. */
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

    private static final Map<String, String> WELL_KNOWN_PLURALS = Map.of(
            "apps/v1/Deployment", "deployments",
            "apps/v1/StatefulSet", "statefulsets",
            "apps/v1/ReplicaSet", "replicasets",
            "v1/ReplicationController", "replicationcontrollers");

    private final KubernetesClient client;
    private final HttpClient http;
    private final Executor blockingExecutor;
    private final Retry retry;
    private final ObjectMapper json = new ObjectMapper();
    private final Map<String, String> plurals = new ConcurrentHashMap<>(WELL_KNOWN_PLURALS);

    public KubernetesScaleTarget(KubernetesClient client, Executor blockingExecutor, Retry retry) {
        this.client = client;
        this.http = client.getHttpClient();
        this.blockingExecutor = blockingExecutor;
        this.retry = retry;
    }

    @Override
    public CompletionStage<Integer> currentReplicas(TargetRef target) {
        return scaleUrl(target).thenCompose(url -> send(target, "get", url, null, 1))
                .thenApply(r -> {
                    if (r instanceof Response.Ok ok) {
                        return replicasOf(ok.body());
                    }
                    throw new ScaleTargetException(((Response.Error) r).failure());
                });
    }

    @Override
    public CompletionStage<ScaleOutcome> scale(TargetRef target, int replicas, String reason) {
        if (replicas < 0) {
            return CompletableFuture.completedFuture(new ScaleOutcome.Failed("invalid",
                    "Invalid value " + replicas + " for replicas of " + target + ": must be >= 0", false));
        }
        return scaleUrl(target).thenCompose(url -> send(target, "get", url, null, 1).thenCompose(r -> {
            if (r instanceof Response.Error e) {
                return CompletableFuture.completedFuture((ScaleOutcome) e.failure());
            }
            int from = replicasOf(((Response.Ok) r).body());
            if (from == replicas) {
                return CompletableFuture.completedFuture((ScaleOutcome) new ScaleOutcome.Unchanged(from));
            }
            String patch = "{\"spec\":{\"replicas\":" + replicas + "}}";
            return send(target, "patch", url, patch, 1).thenApply(p -> p instanceof Response.Error e
                    ? e.failure() : new ScaleOutcome.Scaled(from, replicas));
        })).exceptionally(t -> {
            Throwable cause = unwrap(t);
            if (cause instanceof ScaleTargetException ste) {
                return ste.failure();
            }
            return new ScaleOutcome.Failed("io", "Cannot scale " + target + ": " + cause.getMessage(), true);
        });
    }

    /** {@code <api>/namespaces/<ns>/<plural>/<name>/scale}; the plural of a custom kind comes from discovery. */
    CompletionStage<String> scaleUrl(TargetRef target) {
        String key = target.apiVersion() + "/" + target.kind();
        String known = plurals.get(key);
        CompletionStage<String> plural = known != null ? CompletableFuture.completedFuture(known)
                : CompletableFuture.supplyAsync(() -> discoverPlural(target), blockingExecutor);
        return plural.thenApply(p -> {
            plurals.put(key, p);
            String base = client.getMasterUrl().toString();
            if (base.endsWith("/")) {
                base = base.substring(0, base.length() - 1);
            }
            String api = target.apiVersion().contains("/") ? "/apis/" + target.apiVersion() : "/api/" + target.apiVersion();
            return base + api + "/namespaces/" + target.namespace() + "/" + p + "/" + target.name() + "/scale";
        });
    }

    private String discoverPlural(TargetRef target) {
        try {
            APIResourceList list = client.getApiResources(target.apiVersion());
            if (list != null && list.getResources() != null) {
                for (APIResource r : list.getResources()) {
                    if (target.kind().equals(r.getKind()) && !r.getName().contains("/")) {
                        return r.getName();
                    }
                }
            }
        } catch (RuntimeException e) {
            // Discovery may be forbidden; the conventional plural is right for almost every kind.
        }
        return target.kind().toLowerCase(Locale.ROOT) + "s";
    }

    private sealed interface Response permits Response.Ok, Response.Error {
        record Ok(String body) implements Response {
        }

        record Error(ScaleOutcome.Failed failure) implements Response {
        }
    }

    private CompletableFuture<Response> send(TargetRef target, String verb, String url, String patch, int attempt) {
        HttpRequest.Builder builder = http.newHttpRequestBuilder().uri(url).timeout(10, TimeUnit.SECONDS);
        if (patch != null) {
            builder.patch("application/merge-patch+json", patch);
        }
        HttpRequest request = builder.build();
        return http.sendAsync(request, String.class)
                .handle((response, error) -> classify(target, verb, url, response, error))
                .thenCompose(r -> {
                    if (r instanceof Response.Error e && e.failure().retriable() && attempt < retry.attempts()) {
                        Executor later = CompletableFuture.delayedExecutor(backoff(attempt).toMillis(),
                                TimeUnit.MILLISECONDS, blockingExecutor);
                        return CompletableFuture.supplyAsync(() -> null, later)
                                .thenCompose(ignored -> send(target, verb, url, patch, attempt + 1));
                    }
                    return CompletableFuture.completedFuture(r);
                });
    }

    private Duration backoff(int attempt) {
        long base = Math.min(retry.maxBackoff().toMillis(), retry.initialBackoff().toMillis() << (attempt - 1));
        // Full jitter in [base/2, base): scalers of many workloads must not retry in lockstep.
        long jittered = base / 2 + ThreadLocalRandom.current().nextLong(Math.max(1, base / 2));
        return Duration.ofMillis(jittered);
    }

    private Response classify(TargetRef target, String verb, String url, HttpResponse<String> response, Throwable error) {
        if (error != null) {
            return new Response.Error(new ScaleOutcome.Failed("io", "Cannot reach the Kubernetes API to " + verb
                    + " the scale of " + target + ": " + unwrap(error).getMessage(), true));
        }
        int code = response.code();
        if (code >= 200 && code < 300) {
            return new Response.Ok(response.body());
        }
        String resource = url.substring(url.indexOf("/namespaces/")).split("/")[3] + "/scale";
        String group = target.apiVersion().contains("/") ? target.apiVersion().split("/")[0] : "";
        ScaleOutcome.Failed failed = switch (code) {
            case 404 -> new ScaleOutcome.Failed("not_found", "Scale target " + target
                    + " not found, or it has no scale subresource", false);
            case 403 -> new ScaleOutcome.Failed("forbidden", "Forbidden to " + verb + " the scale of " + target
                    + ": the scaler's service account needs '" + verb + "' on '" + resource + "' in API group '"
                    + group + "'", false);
            case 409 -> new ScaleOutcome.Failed("conflict", "Conflict on " + verb + " of the scale of " + target, true);
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

    /** {@code spec.replicas} of an {@code autoscaling/v1 Scale}; unset means 0, as the API server defaults it. */
    private int replicasOf(String body) {
        JsonNode replicas = json.readTree(body).path("spec").path("replicas");
        return replicas.isMissingNode() || replicas.isNull() ? 0 : replicas.asInt();
    }

    private static Throwable unwrap(Throwable t) {
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
