package dev.ebb.scaler.workload;

import dev.ebb.scaler.lag.GroupQuery;
import dev.ebb.scaler.policy.Fallback;
import dev.ebb.scaler.policy.FallbackBehavior;
import dev.ebb.scaler.policy.GroupKind;
import dev.ebb.scaler.policy.Mode;
import dev.ebb.scaler.policy.OffsetResetPolicy;
import dev.ebb.scaler.policy.PolicyField;
import dev.ebb.scaler.policy.PolicySpec;
import dev.ebb.scaler.reconcile.Pause;
import dev.ebb.scaler.target.TargetRef;
import dev.ebb.scaler.workload.spec.Durations;
import dev.ebb.scaler.workload.spec.FallbackSettings;
import dev.ebb.scaler.workload.spec.KafkaSpec;
import dev.ebb.scaler.workload.spec.PolicySettings;
import dev.ebb.scaler.workload.spec.ScaleTargetRefRules;
import dev.ebb.scaler.workload.spec.ScaleTargetRefSpec;
import dev.ebb.scaler.workload.spec.ScaledWorkload;
import dev.ebb.scaler.workload.spec.ScaledWorkloadSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Turns the {@link ScaledWorkloadSpec} model (from the cluster or a YAML file) into a {@link Workload}, or into every
 * problem found at once, each naming the field by its path in the resource:
 * {@code Invalid value -5 for spec.policy.lagThreshold: must be > 0}. Unset fields take the same defaults the CRD
 * schema writes, so a resource read from a file behaves as one read from the API server.
 */
public final class WorkloadSpecMapper {

    /** Namespace of workloads read from a file without {@code metadata.namespace}. */
    public static final String LOCAL_NAMESPACE = "local";
    static final Duration DEFAULT_POLL_INTERVAL = Durations.parse("pollInterval", ScaledWorkloadSpec.DEFAULT_POLL_INTERVAL);
    /** Longest poll interval: a workload observed less often than hourly is not autoscaled. */
    static final Duration MAX_POLL_INTERVAL = Duration.ofHours(1);

    private WorkloadSpecMapper() {
    }

    /** A resource as read from a file or the API, with no Secret: namespace defaults to {@value #LOCAL_NAMESPACE}. */
    public static CatalogEntry map(ScaledWorkload resource) {
        String ns = resource.getMetadata() == null || resource.getMetadata().getNamespace() == null
                ? LOCAL_NAMESPACE : resource.getMetadata().getNamespace();
        String name = resource.getMetadata() == null ? null : resource.getMetadata().getName();
        if (name == null || name.isBlank()) {
            return new CatalogEntry.Invalid(new WorkloadId(ns, "unnamed"),
                    List.of("Invalid value '" + name + "' for metadata.name: must not be blank"));
        }
        WorkloadId id = new WorkloadId(ns, name);
        Map<String, String> annotations = resource.getMetadata().getAnnotations();
        return map(id, resource.getSpec(), Map.of(), "", annotations == null ? Map.of() : annotations);
    }

    /**
     * @param secretConfig Kafka client settings resolved from {@code spec.kafka.securitySecretRef} (may be empty)
     * @param credentialsIdentity identity of those settings for the {@link ClusterKey}, never their values
     * @param annotations the resource's annotations ({@code ebb.dev/paused}, {@code ebb.dev/paused-replicas})
     */
    public static CatalogEntry map(WorkloadId id, ScaledWorkloadSpec spec, Map<String, String> secretConfig,
                                   String credentialsIdentity, Map<String, String> annotations) {
        String name = spec == null || spec.getKafka() == null || spec.getKafka().getSecuritySecretRef() == null ? null
                : spec.getKafka().getSecuritySecretRef().getName();
        Map<String, Map<String, String>> secrets = name == null ? Map.of() : Map.of(name, secretConfig);
        return mapWithSecrets(id, spec, secrets, credentialsIdentity, annotations);
    }

    /**
     * @param secrets the keys of every Secret the spec names ({@link KafkaClientMapper#referencedSecrets}), by name
     * @param credentialsIdentity identity of those Secrets for the {@link ClusterKey}, never their values
     * @param annotations the resource's annotations ({@code ebb.dev/paused}, {@code ebb.dev/paused-replicas})
     */
    public static CatalogEntry mapWithSecrets(WorkloadId id, ScaledWorkloadSpec spec,
                                              Map<String, Map<String, String>> secrets, String credentialsIdentity,
                                              Map<String, String> annotations) {
        List<String> problems = new ArrayList<>();
        if (spec == null) {
            return new CatalogEntry.Invalid(id, List.of("Invalid value null for spec: must be set"));
        }
        TargetRef target = target(id, spec.getScaleTargetRef(), problems);
        KafkaSpec kafka = spec.getKafka();
        GroupQuery group = null;
        Map<String, Object> clientConfig = new LinkedHashMap<>();
        ClusterKey cluster = null;
        GroupKind kind = GroupKind.CONSUMER;
        OffsetResetPolicy reset = OffsetResetPolicy.LATEST;
        if (kafka == null) {
            problems.add("Invalid value null for spec.kafka: must be set");
        } else {
            String consumer = blankToNull(kafka.getConsumerGroup());
            String share = blankToNull(kafka.getShareGroup());
            if (consumer == null && share == null) {
                problems.add("Invalid value null for spec.kafka.consumerGroup: one of consumerGroup and shareGroup "
                        + "must be set");
            } else if (consumer != null && share != null) {
                problems.add("Invalid value '" + share + "' for spec.kafka.shareGroup: set either consumerGroup or "
                        + "shareGroup, not both");
            }
            kind = share != null && consumer == null ? GroupKind.SHARE : GroupKind.CONSUMER;
            GroupQuery.Isolation isolation = switch (lower(kafka.getIsolationLevel(), KafkaSpec.DEFAULT_ISOLATION_LEVEL)) {
                case "read_uncommitted" -> GroupQuery.Isolation.READ_UNCOMMITTED;
                case "read_committed" -> GroupQuery.Isolation.READ_COMMITTED;
                default -> {
                    problems.add("Invalid value '" + kafka.getIsolationLevel() + "' for spec.kafka.isolationLevel: "
                            + "must be read_uncommitted or read_committed");
                    yield GroupQuery.Isolation.READ_UNCOMMITTED;
                }
            };
            reset = switch (lower(kafka.getOffsetResetPolicy(), PolicyField.OFFSET_RESET_POLICY.textDefault())) {
                case "latest" -> OffsetResetPolicy.LATEST;
                case "earliest" -> OffsetResetPolicy.EARLIEST;
                default -> {
                    problems.add("Invalid value '" + kafka.getOffsetResetPolicy()
                            + "' for spec.kafka.offsetResetPolicy: must be latest or earliest");
                    yield OffsetResetPolicy.LATEST;
                }
            };
            List<String> topics = kafka.getTopics() == null ? List.of() : kafka.getTopics();
            for (int i = 0; i < topics.size(); i++) {
                if (topics.get(i) == null || topics.get(i).isBlank()) {
                    problems.add("Invalid value '" + topics.get(i) + "' for spec.kafka.topics[" + i
                            + "]: must not be blank");
                }
            }
            String bootstrap = blankToNull(kafka.getBootstrapServers());
            if (bootstrap == null) {
                problems.add("Invalid value '" + kafka.getBootstrapServers()
                        + "' for spec.kafka.bootstrapServers: must not be blank");
            } else if (!BOOTSTRAP.matcher(bootstrap).matches()) {
                problems.add("Invalid value " + dev.ebb.scaler.workload.spec.ScaleTargetRefRules.quote(bootstrap)
                        + " for spec.kafka.bootstrapServers: must be a comma-separated list of host:port");
            } else {
                clientConfig.putAll(KafkaClientMapper.clientConfig(kafka, secrets, problems));
                String configIdentity = clientIdentity(clientConfig);
                clientConfig.put("bootstrap.servers", bootstrap);
                String identity = String.join(";", java.util.stream.Stream.of(credentialsIdentity, configIdentity)
                        .filter(s -> s != null && !s.isEmpty()).toList());
                cluster = new ClusterKey(bootstrap, identity);
            }
            if (problems.isEmpty()) {
                group = new GroupQuery(kind == GroupKind.SHARE ? share : consumer, topics, kind, isolation, reset);
            }
        }
        PolicySpec policy = policy(spec.getPolicy(), kind, reset, problems);
        Duration poll = duration("spec.pollInterval", spec.getPollInterval(), DEFAULT_POLL_INTERVAL, problems);
        if (poll != null && (poll.isZero() || poll.isNegative())) {
            problems.add("Invalid value " + spec.getPollInterval() + " for spec.pollInterval: must be > 0");
        } else if (poll != null && poll.compareTo(MAX_POLL_INTERVAL) > 0) {
            problems.add("Invalid value " + spec.getPollInterval() + " for spec.pollInterval: must be <= 1h");
        }
        Pause pause = pause(annotations, problems);
        if (!problems.isEmpty()) {
            return new CatalogEntry.Invalid(id, problems);
        }
        return new CatalogEntry.Valid(new Workload(id, target, cluster, clientConfig, group, policy, poll, pause));
    }

    /** {@code ebb.dev/paused: "true"} → change nothing; {@code ebb.dev/paused-replicas: "N"} → hold at N. */
    static Pause pause(Map<String, String> annotations, List<String> problems) {
        if (annotations == null) {
            return Pause.none();
        }
        String replicas = annotations.get(ScaledWorkload.PAUSED_REPLICAS_ANNOTATION);
        if (replicas != null) {
            try {
                int n = Integer.parseInt(replicas.trim());
                if (n >= 0) {
                    return new Pause.HoldAt(n, "annotation " + ScaledWorkload.PAUSED_REPLICAS_ANNOTATION + "=" + n);
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            problems.add("Invalid value '" + replicas + "' for metadata.annotations."
                    + ScaledWorkload.PAUSED_REPLICAS_ANNOTATION + ": must be an integer >= 0");
            return Pause.none();
        }
        String paused = annotations.get(ScaledWorkload.PAUSED_ANNOTATION);
        if (paused != null && paused.trim().equalsIgnoreCase("true")) {
            return new Pause.Paused("annotation " + ScaledWorkload.PAUSED_ANNOTATION + "=true");
        }
        return Pause.none();
    }

    private static TargetRef target(WorkloadId id, ScaleTargetRefSpec ref, List<String> problems) {
        if (ref == null) {
            problems.add("Invalid value null for spec.scaleTargetRef: must be set");
            return null;
        }
        String apiVersion = ScaleTargetRefRules.apiVersionOrDefault(ref.getApiVersion());
        String kind = ScaleTargetRefRules.kindOrDefault(ref.getKind());
        // Kubernetes' rules for each field: no tenant text can become more than one segment of a request path.
        List<String> bad = ScaleTargetRefRules.problems("spec.scaleTargetRef", apiVersion, kind, ref.getName());
        problems.addAll(bad);
        return bad.isEmpty() ? new TargetRef(id.namespace(), apiVersion, kind, ref.getName()) : null;
    }

    private static PolicySpec policy(PolicySettings s, GroupKind kind, OffsetResetPolicy reset, List<String> problems) {
        PolicySpec.Builder b = PolicySpec.builder().groupKind(kind).offsetResetPolicy(reset);
        if (s == null) {
            return b.build();
        }
        if (s.getMode() != null) {
            String mode = s.getMode().toLowerCase(Locale.ROOT);
            if (PolicyField.MODE.choices().contains(mode)) {
                b.mode(Mode.valueOf(mode.toUpperCase(Locale.ROOT)));
            } else {
                problems.add("Invalid value '" + s.getMode() + "' for spec.policy.mode: must be "
                        + String.join(" or ", PolicyField.MODE.choices()));
            }
        }
        set(s.getMinReplicas(), b::minReplicas);
        set(s.getMaxReplicas(), b::maxReplicas);
        set(s.getIdleReplicas(), b::idleReplicas);
        set(s.getActivationLagThreshold(), b::activationLagThreshold);
        set(s.getLagThreshold(), b::lagThreshold);
        setDuration("drainWithin", s.getDrainWithin(), b::drainWithin, problems);
        set(s.getPerReplicaRate(), b::perReplicaRate);
        setDuration("maxTimeLag", s.getMaxTimeLag(), b::maxTimeLag, problems);
        setDuration("cooldown", s.getCooldown(), b::cooldown, problems);
        set(s.getScaleUpMaxStep(), b::scaleUpMaxStep);
        setDuration("scaleDownWindow", s.getScaleDownWindow(), b::scaleDownWindow, problems);
        set(s.getScaleDownMaxStep(), b::scaleDownMaxStep);
        set(s.getTolerance(), b::tolerance);
        setDuration("readyDelay", s.getReadyDelay(), b::readyDelay, problems);
        setDuration("rebalanceGrace", s.getRebalanceGrace(), b::rebalanceGrace, problems);
        setDuration("commitInterval", s.getCommitInterval(), b::commitInterval, problems);
        setDuration("staleAfter", s.getStaleAfter(), b::staleAfter, problems);
        set(s.getAllowIdleConsumers(), b::allowIdleConsumers);
        set(s.getExcludePersistentLag(), b::excludePersistentLag);
        set(s.getScaleToZeroOnInvalidOffset(), b::scaleToZeroOnInvalidOffset);
        set(s.getLimitToPartitionsWithLag(), b::limitToPartitionsWithLag);
        set(s.getPartitionLimitation(), b::partitionLimitation);
        set(s.getEnsureEvenDistributionOfPartitions(), b::ensureEvenDistributionOfPartitions);
        FallbackSettings f = s.getFallback();
        if (f != null) {
            FallbackBehavior behavior = PolicyField.FALLBACK_BEHAVIOR.choiceDefault(FallbackBehavior.class);
            if (f.getBehavior() != null) {
                try {
                    behavior = FallbackBehavior.fromYaml(f.getBehavior());
                } catch (IllegalArgumentException e) {
                    problems.add(prefix(e.getMessage()));
                }
            }
            // The CRD's rule on spec.policy.fallback, again: currentReplicas alone needs no count.
            if (f.getReplicas() == null && behavior != FallbackBehavior.CURRENT_REPLICAS) {
                problems.add("Invalid value null for spec.policy.fallback.replicas: required unless behavior is "
                        + "currentReplicas");
            }
            b.fallback(new Fallback(f.getFailureThreshold() == null
                    ? PolicyField.FALLBACK_FAILURE_THRESHOLD.intDefault() : f.getFailureThreshold(),
                    f.getReplicas() == null ? 1 : f.getReplicas(), behavior));
        }
        PolicySpec spec = b.build();
        // Values that could not be read or are out of range were not set (their defaults stand), so this adds only
        // the remaining problems: every one at once. The one validation of the policy's values: PolicyField's ranges
        // and the rules between fields. The schema checks the same on a cluster; files and clusters without the schema
        // rely on this alone.
        spec.validate().forEach(p -> problems.add(prefix(p)));
        return spec;
    }

    /** Policy messages name the field by its policy name; in a resource it lives under {@code spec.policy}. */
    private static String prefix(String problem) {
        int at = problem.indexOf(" for ");
        if (at < 0) {
            return problem + " (spec.policy)";
        }
        return problem.substring(0, at + 5) + "spec.policy." + problem.substring(at + 5);
    }

    private static <T> void set(T value, Consumer<T> setter) {
        if (value != null) {
            setter.accept(value);
        }
    }

    /**
     * A duration setting: its declared range is checked here, where the user's text is at hand, so the message shows
     * what they wrote ({@code 86400001ms}); the rule is still the declaration's, and a value out of range is not set.
     */
    private static void setDuration(String field, String text, Consumer<Duration> setter, List<String> problems) {
        if (text != null) {
            Duration d = duration("spec.policy." + field, text, null, problems);
            if (d != null) {
                java.util.Optional<String> problem = PolicyField.named(field).orElseThrow().problemWith(d, text);
                problem.ifPresentOrElse(p -> problems.add(prefix(p)), () -> setter.accept(d));
            }
        }
    }

    private static Duration duration(String field, String text, Duration dflt, List<String> problems) {
        if (text == null) {
            return dflt;
        }
        try {
            return Durations.parse(field, text);
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
            return null;
        }
    }

    private static String lower(String value, String dflt) {
        return value == null ? dflt : value.trim().toLowerCase(Locale.ROOT);
    }

    /** {@code host:port[,host:port...]}: a DNS name or IPv4 address, or an IPv6 address in brackets. */
    private static final java.util.regex.Pattern BOOTSTRAP = java.util.regex.Pattern.compile(
            "^(?:[A-Za-z0-9]([A-Za-z0-9.-]{0,252})|\\[[0-9A-Fa-f:.]+\\]):[0-9]{1,5}"
                    + "(?:\\s*,\\s*(?:[A-Za-z0-9]([A-Za-z0-9.-]{0,252})|\\[[0-9A-Fa-f:.]+\\]):[0-9]{1,5})*$");

    /** Per process: the identity below is a keyed hash, so a log line never carries an unsalted hash of a secret. */
    private static final byte[] IDENTITY_KEY = new java.security.SecureRandom().generateSeed(32);

    /**
     * One identity for every client setting that reaches the Admin client (the config, the Secrets' keys and the
     * authentication layout: mechanism, key names, TLS on or off), so that workloads share a client only when their
     * settings are equal. A keyed SHA-256 of the sorted settings; their values never appear in it.
     */
    static String clientIdentity(Map<String, Object> clientConfig) {
        if (clientConfig.isEmpty()) {
            return "";
        }
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(IDENTITY_KEY, "HmacSHA256"));
            new java.util.TreeMap<>(clientConfig).forEach((k, v) -> {
                mac.update(k.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                mac.update((byte) 0);
                mac.update(String.valueOf(v).getBytes(java.nio.charset.StandardCharsets.UTF_8));
                mac.update((byte) 0);
            });
            return "client:" + java.util.HexFormat.of().formatHex(mac.doFinal(), 0, 8);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
