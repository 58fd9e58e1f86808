package dev.ebb.scaler.k8s;

import dev.ebb.scaler.loop.LeaderGate;
import dev.ebb.scaler.target.FailureKind;
import dev.ebb.scaler.target.ScaleOutcome;
import dev.ebb.scaler.target.TargetRef;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import java.net.URL;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * GET and fenced PATCH of {@code .../scale}, each answer classified into a {@link FailureKind}. Leadership is checked
 * right before every PATCH attempt; a 409 is not retried (the next poll reads the new state and decides again); 429,
 * 5xx and I/O errors are retried with exponential backoff and full jitter while this instance still leads.
 */
final class ScaleRequests {

    sealed interface Response permits Response.Ok, Response.Error {
        record Ok(String body) implements Response {
        }

        record Error(ScaleOutcome.Failed failure) implements Response {
        }
    }

    private final HttpClient http;
    private final Executor blockingExecutor;
    private final KubernetesScaleTarget.Retry retry;
    private final LeaderGate leader;

    ScaleRequests(HttpClient http, Executor blockingExecutor, KubernetesScaleTarget.Retry retry, LeaderGate leader) {
        this.http = http;
        this.blockingExecutor = blockingExecutor;
        this.retry = retry;
        this.leader = leader;
    }

    CompletableFuture<Response> get(TargetRef target, ScalableResource resource, URL url) {
        return send(target, resource, "get", http.newHttpRequestBuilder().url(url).timeout(10, TimeUnit.SECONDS)
                .build(), 1);
    }

    CompletableFuture<Response> patch(TargetRef target, ScalableResource resource, URL url, String body) {
        return patch(target, resource, url, body, 1);
    }

    private CompletableFuture<Response> patch(TargetRef target, ScalableResource resource, URL url, String body,
                                              int attempt) {
        // Right before the write: a deposed leader sends nothing, and retries stop when the lease is lost.
        if (!leader.leading()) {
            return CompletableFuture.completedFuture(new Response.Error(new ScaleOutcome.Failed(
                    FailureKind.NOT_LEADER, "Not scaling " + target + ": this instance no longer holds the lease")));
        }
        HttpRequest request = http.newHttpRequestBuilder().url(url).timeout(10, TimeUnit.SECONDS)
                .patch("application/merge-patch+json", body).build();
        return http.sendAsync(request, String.class)
                .handle((response, error) -> classify(target, resource, "patch", response, error))
                .thenCompose(r -> {
                    if (r instanceof Response.Error e && e.failure().retriable()
                            && e.failure().kind() != FailureKind.CONFLICT && attempt < retry.attempts()) {
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

    private static Response classify(TargetRef target, ScalableResource resource, String verb,
                                     HttpResponse<String> response, Throwable error) {
        if (error != null) {
            return new Response.Error(new ScaleOutcome.Failed(FailureKind.IO, "Cannot reach the Kubernetes API to "
                    + verb + " the scale of " + target + ": " + ScaleInformers.unwrap(error).getMessage()));
        }
        int code = response.code();
        if (code >= 200 && code < 300) {
            return new Response.Ok(response.body());
        }
        ScaleOutcome.Failed failed = switch (code) {
            case 404 -> new ScaleOutcome.Failed(FailureKind.NOT_FOUND, "Scale target " + target
                    + " not found, or it has no scale subresource");
            case 403 -> new ScaleOutcome.Failed(FailureKind.FORBIDDEN, "Forbidden to " + verb + " the scale of "
                    + target + ": the scaler's service account needs '" + verb + "' on '" + resource.apiResource()
                    + "'");
            case 409 -> new ScaleOutcome.Failed(FailureKind.CONFLICT, "Not scaling " + target + ": it changed since "
                    + "it was read (another writer or a new leader); the next poll decides again");
            case 429 -> new ScaleOutcome.Failed(FailureKind.THROTTLED, "Kubernetes API throttled " + verb
                    + " of the scale of " + target);
            default -> new ScaleOutcome.Failed(code >= 500 ? FailureKind.SERVER_ERROR : FailureKind.REJECTED,
                    "Kubernetes API answered " + code + " to " + verb + " of the scale of " + target + ": "
                            + brief(response.body()));
        };
        return new Response.Error(failed);
    }

    private static String brief(String body) {
        if (body == null) {
            return "";
        }
        return body.length() > 300 ? body.substring(0, 300) + "..." : body;
    }
}
