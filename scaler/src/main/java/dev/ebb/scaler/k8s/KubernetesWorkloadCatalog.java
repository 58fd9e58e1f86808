package dev.ebb.scaler.k8s;

import dev.ebb.scaler.reconcile.Pause;
import dev.ebb.scaler.target.TargetRef;
import dev.ebb.scaler.workload.CatalogEntry;
import dev.ebb.scaler.workload.KafkaClientMapper;
import dev.ebb.scaler.workload.Workload;
import dev.ebb.scaler.workload.WorkloadCatalog;
import dev.ebb.scaler.workload.WorkloadId;
import dev.ebb.scaler.workload.WorkloadSpecMapper;
import dev.ebb.scaler.workload.spec.KafkaSpec;
import dev.ebb.scaler.workload.spec.ScaleTargetRefRules;
import dev.ebb.scaler.workload.spec.ScaleTargetRefSpec;
import dev.ebb.scaler.workload.spec.ScaledWorkload;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.autoscaling.v2.CrossVersionObjectReference;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Informable;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Workloads from ScaledWorkload resources, kept current by an informer. The catalog is recomputed off the event loop
 * whenever a ScaledWorkload or a HorizontalPodAutoscaler changes (and periodically, to pick up rotated Secrets), so
 * {@link #entries()} is a non-blocking read of the latest snapshot.
 *
 * <p>Secrets named by {@code spec.kafka.securitySecretRef} and {@code spec.kafka.authentication} are read by reference with {@code get} (no list/watch of
 * Secrets is needed) and their values go only into the Admin client's configuration. A workload whose target is
 * already driven by an HPA is paused with a condition rather than fought over.
 */
public final class KubernetesWorkloadCatalog implements WorkloadCatalog, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KubernetesWorkloadCatalog.class);

    private final KubernetesClient client;
    private final String namespace;
    private final Duration secretRefresh;
    private final Clock clock;
    private final ScheduledExecutorService executor;
    private final AtomicBoolean recomputeQueued = new AtomicBoolean();
    private final Map<String, CachedSecret> secrets = new ConcurrentHashMap<>();
    private SharedIndexInformer<ScaledWorkload> workloads;
    private SharedIndexInformer<HorizontalPodAutoscaler> hpas;
    private volatile List<CatalogEntry> snapshot = List.of();
    private volatile boolean computed;
    private volatile boolean hpaCheckOff;

    private record CachedSecret(Instant fetched, Optional<Secret> secret, String error) {
    }

    /**
     * @param namespace the namespace to watch, or {@code null} for every namespace
     * @param secretRefresh how long a Secret read is reused before it is read again
     */
    public KubernetesWorkloadCatalog(KubernetesClient client, String namespace, Duration secretRefresh, Clock clock) {
        this.client = client;
        this.namespace = namespace;
        this.secretRefresh = secretRefresh;
        this.clock = clock;
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ebb-workload-catalog");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts the informers; {@link #synced()} turns true once both listed and the first snapshot exists. */
    public KubernetesWorkloadCatalog start() {
        ResourceEventHandler<Object> onChange = new ResourceEventHandler<>() {
            @Override
            public void onAdd(Object obj) {
                queueRecompute();
            }

            @Override
            public void onUpdate(Object oldObj, Object newObj) {
                // Our own status writes come back as updates; only spec, annotations or deletion matter here.
                if (oldObj instanceof ScaledWorkload before && newObj instanceof ScaledWorkload after
                        && java.util.Objects.equals(before.getMetadata().getGeneration(),
                                after.getMetadata().getGeneration())
                        && java.util.Objects.equals(before.getMetadata().getAnnotations(),
                                after.getMetadata().getAnnotations())
                        && java.util.Objects.equals(before.getMetadata().getDeletionTimestamp(),
                                after.getMetadata().getDeletionTimestamp())
                        && before.getMetadata().getGeneration() != null) {
                    return;
                }
                queueRecompute();
            }

            @Override
            public void onDelete(Object obj, boolean deletedFinalStateUnknown) {
                queueRecompute();
            }
        };
        Informable<ScaledWorkload> sw = namespace == null ? client.resources(ScaledWorkload.class).inAnyNamespace()
                : client.resources(ScaledWorkload.class).inNamespace(namespace);
        workloads = sw.inform(onChange, 0);
        Informable<HorizontalPodAutoscaler> hpa = namespace == null
                ? client.autoscaling().v2().horizontalPodAutoscalers().inAnyNamespace()
                : client.autoscaling().v2().horizontalPodAutoscalers().inNamespace(namespace);
        try {
            hpas = hpa.inform(onChange, 0);
        } catch (KubernetesClientException e) {
            // Without HPA access the conflict check cannot run; scaling still works. Say so once.
            LOG.warn("Cannot watch HorizontalPodAutoscalers ({}); the HPA conflict check is off", e.getMessage());
            hpaCheckOff = true;
        }
        queueRecompute(); // the HPA informer is there now
        long refresh = Math.max(1, secretRefresh.toMillis());
        executor.scheduleWithFixedDelay(this::queueRecompute, refresh, refresh, TimeUnit.MILLISECONDS);
        queueRecompute();
        return this;
    }

    public boolean synced() {
        return computed && workloads != null && workloads.hasSynced() && (hpas == null || hpas.hasSynced());
    }

    @Override
    public List<CatalogEntry> entries() {
        return snapshot;
    }

    /** Every ScaledWorkload as last seen by the informer, including those being deleted. */
    public List<ScaledWorkload> resources() {
        return workloads == null ? List.of() : workloads.getStore().list();
    }

    /** The resource as last seen by the informer (for status writes: generation, current status). */
    public Optional<ScaledWorkload> resource(WorkloadId id) {
        if (workloads == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(workloads.getStore().getByKey(id.namespace() + "/" + id.name()));
    }

    private void queueRecompute() {
        if (recomputeQueued.compareAndSet(false, true)) {
            executor.execute(() -> {
                recomputeQueued.set(false);
                try {
                    recompute();
                } catch (RuntimeException e) {
                    LOG.warn("Cannot rebuild the workload catalog: {}", e.toString());
                }
            });
        }
    }

    private void recompute() {
        if (workloads == null || !workloads.hasSynced()) {
            return;
        }
        if (!hpaCheckOff && (hpas == null || !hpas.hasSynced())) {
            return; // no snapshot before the HPA conflict check can run: the first one must not fight an HPA
        }
        List<ScaledWorkload> all = new ArrayList<>(workloads.getStore().list());
        all.sort(Comparator.comparing((ScaledWorkload s) -> s.getMetadata().getNamespace())
                .thenComparing(s -> s.getMetadata().getName()));
        List<CatalogEntry> next = new ArrayList<>(all.size());
        Map<String, ScaledWorkload> owners = owners(all);
        for (ScaledWorkload sw : all) {
            if (sw.getMetadata().getDeletionTimestamp() != null) {
                continue; // being deleted: stop acting on it now
            }
            next.add(owned(entry(sw), sw, owners));
        }
        snapshot = List.copyOf(next);
        computed = true;
    }

    /**
     * One owner per target: of the ScaledWorkloads naming the same object, the oldest (by creationTimestamp, then
     * name) owns it, so two of them never fight. Keyed by namespace, API group, kind and name.
     */
    private static Map<String, ScaledWorkload> owners(List<ScaledWorkload> all) {
        Map<String, ScaledWorkload> owners = new java.util.HashMap<>();
        Comparator<ScaledWorkload> older = Comparator.comparing((ScaledWorkload s) -> created(s))
                .thenComparing(s -> s.getMetadata().getName());
        for (ScaledWorkload sw : all) {
            String key = targetKey(sw);
            if (key != null && sw.getMetadata().getDeletionTimestamp() == null) {
                owners.merge(key, sw, (a, b) -> older.compare(a, b) <= 0 ? a : b);
            }
        }
        return owners;
    }

    private static CatalogEntry owned(CatalogEntry entry, ScaledWorkload sw, Map<String, ScaledWorkload> owners) {
        String key = targetKey(sw);
        ScaledWorkload owner = key == null ? null : owners.get(key);
        if (!(entry instanceof CatalogEntry.Valid valid) || owner == null || owner == sw) {
            return entry;
        }
        Workload w = valid.workload();
        // Same namespace by construction: naming the other ScaledWorkload shows the tenant nothing it cannot see.
        return new CatalogEntry.Valid(w.withPause(new Pause.Paused(Pause.Cause.CONFLICTING_SCALED_WORKLOAD,
                "ScaledWorkload " + owner.getMetadata().getName()
                + " (created earlier) already scales " + w.target().kind() + "/" + w.target().name()
                + "; this one leaves it alone until that ScaledWorkload is removed or retargeted")));
    }

    private static String created(ScaledWorkload sw) {
        String t = sw.getMetadata().getCreationTimestamp();
        return t == null ? "" : java.time.Instant.parse(t).toString();
    }

    private static String targetKey(ScaledWorkload sw) {
        return targetRef(sw).map(t -> t.namespace() + "|" + ScaleTargetRefRules.group(t.apiVersion()) + "|"
                + t.kind() + "|" + t.name()).orElse(null);
    }

    /**
     * The object a ScaledWorkload's {@code spec.scaleTargetRef} names (defaults applied), or empty when the
     * reference breaks a rule and so never reached a target. The one place the reference is read outside the mapper.
     */
    static Optional<TargetRef> targetRef(ScaledWorkload sw) {
        ScaleTargetRefSpec ref = sw.getSpec() == null ? null : sw.getSpec().getScaleTargetRef();
        if (ref == null || ref.getName() == null) {
            return Optional.empty();
        }
        String apiVersion = ScaleTargetRefRules.apiVersionOrDefault(ref.getApiVersion());
        String kind = ScaleTargetRefRules.kindOrDefault(ref.getKind());
        if (!ScaleTargetRefRules.problems("spec.scaleTargetRef", apiVersion, kind, ref.getName()).isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new TargetRef(sw.getMetadata().getNamespace(), apiVersion, kind, ref.getName()));
    }

    /** Every target some ScaledWorkload (including one being deleted) still names. */
    static List<TargetRef> referencedTargets(List<ScaledWorkload> all) {
        return all.stream().map(KubernetesWorkloadCatalog::targetRef).flatMap(Optional::stream).toList();
    }

    private CatalogEntry entry(ScaledWorkload sw) {
        WorkloadId id = new WorkloadId(sw.getMetadata().getNamespace(), sw.getMetadata().getName());
        Map<String, String> annotations = sw.getMetadata().getAnnotations() == null ? Map.of()
                : sw.getMetadata().getAnnotations();
        Map<String, Map<String, String>> secretData = new LinkedHashMap<>();
        List<String> identities = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        KafkaSpec kafka = sw.getSpec() == null ? null : sw.getSpec().getKafka();
        for (Map.Entry<String, String> ref : KafkaClientMapper.referencedSecrets(kafka).entrySet()) {
            if (secretData.containsKey(ref.getValue())) {
                continue;
            }
            // The name goes into a request path: it must be a Secret name, checked before any request is made.
            Optional<String> badName = KafkaClientMapper.secretNameProblem(ref.getKey(), ref.getValue());
            if (badName.isPresent()) {
                missing.add(badName.get());
                continue;
            }
            CachedSecret cached = secret(id.namespace(), ref.getValue());
            if (cached.secret().isEmpty()) {
                missing.add("Invalid value '" + ref.getValue() + "' for " + ref.getKey() + ".name: " + cached.error());
                continue;
            }
            Secret secret = cached.secret().get();
            secretData.put(ref.getValue(), decode(secret));
            identities.add("secret:" + id.namespace() + "/" + ref.getValue() + "@"
                    + secret.getMetadata().getResourceVersion());
        }
        if (!missing.isEmpty()) {
            return new CatalogEntry.Invalid(id, missing);
        }
        CatalogEntry entry = WorkloadSpecMapper.mapWithSecrets(id, sw.getSpec(), secretData,
                String.join(";", identities), annotations);
        if (entry instanceof CatalogEntry.Valid valid && valid.workload().pause() instanceof Pause.None) {
            Optional<String> hpa = conflictingHpa(valid.workload());
            if (hpa.isPresent()) {
                return new CatalogEntry.Valid(valid.workload().withPause(new Pause.Paused(
                        Pause.Cause.CONFLICTING_AUTOSCALER, "HorizontalPodAutoscaler " + hpa.get()
                        + " already scales " + valid.workload().target().kind() + "/"
                        + valid.workload().target().name() + "; Ebb leaves it alone until that HPA is removed")));
            }
        }
        return entry;
    }

    private Optional<String> conflictingHpa(Workload w) {
        if (hpas == null) {
            return Optional.empty();
        }
        for (HorizontalPodAutoscaler h : hpas.getStore().list()) {
            if (!w.target().namespace().equals(h.getMetadata().getNamespace()) || h.getSpec() == null) {
                continue;
            }
            CrossVersionObjectReference ref = h.getSpec().getScaleTargetRef();
            if (ref != null && w.target().name().equals(ref.getName()) && w.target().kind().equals(ref.getKind())
                    && ScaleTargetRefRules.group(w.target().apiVersion())
                            .equals(ScaleTargetRefRules.group(ref.getApiVersion()))) {
                return Optional.of(h.getMetadata().getName());
            }
        }
        return Optional.empty();
    }

    private CachedSecret secret(String ns, String name) {
        String key = ns + "/" + name;
        CachedSecret cached = secrets.get(key);
        Instant now = clock.instant();
        if (cached != null && cached.fetched().plus(secretRefresh).isAfter(now)) {
            return cached;
        }
        CachedSecret fresh;
        try {
            Secret s = client.secrets().inNamespace(ns).withName(name).get();
            fresh = s == null ? new CachedSecret(now, Optional.empty(), "Secret " + key + " not found")
                    : new CachedSecret(now, Optional.of(s), "");
        } catch (KubernetesClientException e) {
            String why = e.getCode() == 403 ? "forbidden to get Secret " + key
                    + ": grant the scaler's service account 'get' on it" : "cannot read Secret " + key + " (HTTP "
                    + e.getCode() + ")";
            // Keep using a previously read Secret through an API hiccup.
            fresh = cached != null && cached.secret().isPresent() ? cached : new CachedSecret(now, Optional.empty(), why);
        }
        secrets.put(key, fresh);
        return fresh;
    }

    private static Map<String, String> decode(Secret s) {
        Map<String, String> out = new LinkedHashMap<>();
        if (s.getData() != null) {
            s.getData().forEach((k, v) -> out.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
        }
        if (s.getStringData() != null) {
            out.putAll(s.getStringData());
        }
        return out;
    }

    @Override
    public void close() {
        if (workloads != null) {
            workloads.close();
        }
        if (hpas != null) {
            hpas.close();
        }
        executor.shutdownNow();
    }
}
