package dev.ebb.scaler.k8s;

import dev.ebb.scaler.loop.ScaleTargetException;
import dev.ebb.scaler.target.FailureKind;
import dev.ebb.scaler.target.ScaleOutcome;
import dev.ebb.scaler.target.TargetRef;
import dev.ebb.scaler.workload.spec.ScaleTargetRefRules;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * A validated scaleTargetRef → the namespaced resource with a scale subresource it names. {@code apps/v1} Deployment
 * and StatefulSet are built in (the scaler's ClusterRole grants exactly those); any other kind is looked up by API
 * discovery, cluster-scoped kinds and kinds without a scale subresource are refused. ReplicaSet and
 * ReplicationController are refused by name: a Deployment owns its ReplicaSets (scaling one fights the Deployment),
 * ReplicationControllers are legacy, and the ClusterRole grants neither, so they would only end as Forbidden.
 */
final class ScaleResources {

    private static final Duration NEGATIVE_CACHE = Duration.ofMinutes(1);

    private static final Map<String, ScalableResource> BUILT_IN = Map.of(
            "apps/v1/Deployment", new ScalableResource("apps", "v1", "deployments", "Deployment", true),
            "apps/v1/StatefulSet", new ScalableResource("apps", "v1", "statefulsets", "StatefulSet", true));

    /** Kinds refused whatever their apiVersion, with the rule the condition names. */
    static final Map<String, String> REFUSED_KINDS = Map.of(
            "ReplicaSet", "Ebb does not scale ReplicaSets (a Deployment owns them and would undo the change); "
                    + "target the Deployment",
            "ReplicationController", "Ebb does not scale ReplicationControllers (legacy; the scaler's ClusterRole "
                    + "grants no access to them); use a Deployment");

    private record Resolution(ScalableResource resource, ScaleOutcome.Failed refusal, Instant at) {
    }

    private final KubernetesClient client;
    private final Executor blockingExecutor;
    private final Clock clock;
    private final Map<String, Resolution> resolutions = new ConcurrentHashMap<>();

    ScaleResources(KubernetesClient client, Executor blockingExecutor, Clock clock) {
        this.client = client;
        this.blockingExecutor = blockingExecutor;
        this.clock = clock;
    }

    /** Checks the reference, then finds its resource; a refusal is a failed stage carrying the condition. */
    CompletionStage<ScalableResource> resolve(TargetRef target) {
        List<String> problems = ScaleTargetRefRules.problems("spec.scaleTargetRef", target.apiVersion(),
                target.kind(), target.name());
        if (!problems.isEmpty() || !ScalePath.NAMESPACE.matcher(target.namespace()).matches()) {
            String why = problems.isEmpty() ? "Invalid value '" + target.namespace() + "' for metadata.namespace: "
                    + "must be a DNS-1123 label" : String.join("; ", problems);
            return refusal(new ScaleOutcome.Failed(FailureKind.INVALID, why));
        }
        String rule = REFUSED_KINDS.get(target.kind());
        if (rule != null) {
            return refusal(new ScaleOutcome.Failed(FailureKind.UNSUPPORTED_KIND, "Invalid value '" + target.kind()
                    + "' for spec.scaleTargetRef.kind: " + rule));
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
                    : refusal(known.refusal());
        }
        return CompletableFuture.supplyAsync(() -> discover(target), blockingExecutor).thenApply(r -> {
            resolutions.put(key, r);
            if (r.refusal() != null) {
                throw new ScaleTargetException(r.refusal());
            }
            return r.resource();
        });
    }

    private static CompletionStage<ScalableResource> refusal(ScaleOutcome.Failed failed) {
        return CompletableFuture.failedFuture(new ScaleTargetException(failed));
    }

    private Resolution discover(TargetRef target) {
        String group = ScaleTargetRefRules.group(target.apiVersion());
        String version = ScaleTargetRefRules.version(target.apiVersion());
        APIResourceList list;
        try {
            // Validated above: a DNS-1123 group and a version like v1; fabric8 builds /apis/<group>/<version>.
            list = client.getApiResources(target.apiVersion());
        } catch (KubernetesClientException e) {
            return refused(FailureKind.DISCOVERY, "Cannot discover the resources of " + target.apiVersion() + " for "
                    + target + " (HTTP " + e.getCode() + ")");
        }
        if (list == null || list.getResources() == null) {
            return refused(FailureKind.NOT_FOUND, "API version " + target.apiVersion() + " of " + target
                    + " is not served by this cluster");
        }
        APIResource main = null;
        for (APIResource r : list.getResources()) {
            if (target.kind().equals(r.getKind()) && r.getName() != null && !r.getName().contains("/")) {
                main = r;
            }
        }
        if (main == null) {
            return refused(FailureKind.NOT_FOUND, "Kind " + target.kind() + " is not served in "
                    + target.apiVersion() + " by this cluster");
        }
        if (!Boolean.TRUE.equals(main.getNamespaced())) {
            return refused(FailureKind.CLUSTER_SCOPED, "Kind " + target.kind() + " (" + target.apiVersion() + ") is "
                    + "cluster-scoped: Ebb scales only namespaced objects in the ScaledWorkload's own namespace");
        }
        String plural = main.getName();
        boolean scalable = list.getResources().stream().anyMatch(r -> (plural + "/scale").equals(r.getName()));
        if (!scalable || !ScalePath.PLURAL.matcher(plural).matches()) {
            return refused(FailureKind.NO_SCALE, "Kind " + target.kind() + " (" + target.apiVersion() + ") has no "
                    + "scale subresource: Ebb scales only kinds that declare one");
        }
        return new Resolution(new ScalableResource(group, version, plural, target.kind(), false), null,
                clock.instant());
    }

    private Resolution refused(FailureKind kind, String message) {
        return new Resolution(null, new ScaleOutcome.Failed(kind, message), clock.instant());
    }
}
