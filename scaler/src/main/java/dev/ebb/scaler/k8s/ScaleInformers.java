package dev.ebb.scaler.k8s;

import dev.ebb.scaler.loop.ScaleTargetException;
import dev.ebb.scaler.target.FailureKind;
import dev.ebb.scaler.target.ScaleOutcome;
import dev.ebb.scaler.target.TargetRef;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One informer per (resource, namespace), shared by every workload targeting that kind there; started on first use
 * (on {@code blockingExecutor}) and stopped by {@link #retain} once no workload targets that kind in that namespace.
 */
final class ScaleInformers implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ScaleInformers.class);

    record Key(ScalableResource resource, String namespace) {
    }

    /** What a reference needs watched, without resolving it: the resource's group, version, kind and namespace. */
    private record Use(String apiVersion, String kind, String namespace) {
    }

    private final KubernetesClient client;
    private final Executor blockingExecutor;
    private final Map<Key, CompletableFuture<SharedIndexInformer<GenericKubernetesResource>>> informers =
            new ConcurrentHashMap<>();
    private volatile boolean closed;

    ScaleInformers(KubernetesClient client, Executor blockingExecutor) {
        this.client = client;
        this.blockingExecutor = blockingExecutor;
    }

    CompletionStage<SharedIndexInformer<GenericKubernetesResource>> informer(ScalableResource resource,
                                                                             String namespace) {
        Key key = new Key(resource, namespace);
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
                created.completeExceptionally(failure(resource, namespace, e));
                return;
            }
            informer.start().whenComplete((ok, err) -> {
                if (err == null && !closed && informers.get(key) == created) {
                    LOG.info("Watching {} in namespace {} for current replicas", resource.plural(), namespace);
                    created.complete(informer);
                    return;
                }
                informer.stop();
                informers.remove(key, created);
                created.completeExceptionally(failure(resource, namespace, err == null
                        ? new IllegalStateException("closed") : unwrap(err)));
            });
        });
        return created;
    }

    /** Stops every informer that no reference in {@code inUse} needs (same kind and namespace). */
    void retain(Collection<TargetRef> inUse) {
        Set<Use> uses = inUse.stream().map(t -> new Use(t.apiVersion(), t.kind(), t.namespace()))
                .collect(Collectors.toSet());
        for (Key key : List.copyOf(informers.keySet())) {
            if (!uses.contains(new Use(key.resource().apiVersion(), key.resource().kind(), key.namespace()))) {
                CompletableFuture<SharedIndexInformer<GenericKubernetesResource>> f = informers.remove(key);
                if (f != null) {
                    stop(f);
                    LOG.info("Stopped watching {} in namespace {}: no workload targets them any more",
                            key.resource().plural(), key.namespace());
                }
            }
        }
    }

    /** The (resource, namespace) pairs watched now; for tests and diagnostics. */
    Set<Key> watched() {
        return Set.copyOf(informers.keySet());
    }

    private static void stop(CompletableFuture<SharedIndexInformer<GenericKubernetesResource>> f) {
        SharedIndexInformer<GenericKubernetesResource> informer = f.getNow(null);
        if (informer != null) {
            informer.stop();
        } else {
            f.thenAccept(SharedIndexInformer::stop);
        }
    }

    private static ScaleTargetException failure(ScalableResource resource, String namespace, Throwable e) {
        int code = e instanceof KubernetesClientException kce ? kce.getCode() : 0;
        if (code == 403) {
            return new ScaleTargetException(new ScaleOutcome.Failed(FailureKind.FORBIDDEN, "Forbidden to list and "
                    + "watch " + resource.plural() + " in namespace " + namespace + ": the scaler's service account "
                    + "needs 'list' and 'watch' on '" + resource.plural() + "' in API group '" + resource.group()
                    + "'"));
        }
        return new ScaleTargetException(new ScaleOutcome.Failed(FailureKind.IO, "Cannot watch " + resource.plural()
                + " in namespace " + namespace + (code > 0 ? " (HTTP " + code + ")" : ": " + e.getMessage())));
    }

    static Throwable unwrap(Throwable t) {
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
            stop(f);
        }
        informers.clear();
    }
}
