package dev.ebb.scaler.keda;

import dev.ebb.scaler.workload.CatalogEntry;
import dev.ebb.scaler.workload.WorkloadId;
import dev.ebb.scaler.workload.WorkloadSpecMapper;
import dev.ebb.scaler.workload.spec.Durations;
import dev.ebb.scaler.workload.spec.FallbackSettings;
import dev.ebb.scaler.workload.spec.KafkaAuthentication;
import dev.ebb.scaler.workload.spec.KafkaSpec;
import dev.ebb.scaler.workload.spec.PolicySettings;
import dev.ebb.scaler.workload.spec.SaslAuthentication;
import dev.ebb.scaler.workload.spec.ScaleTargetRefSpec;
import dev.ebb.scaler.workload.spec.ScaledWorkload;
import dev.ebb.scaler.workload.spec.ScaledWorkloadSpec;
import dev.ebb.scaler.workload.spec.SecretRefSpec;
import dev.ebb.scaler.workload.spec.TlsAuthentication;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Turns KEDA {@code ScaledObject}s with {@code kafka} triggers (and the {@code TriggerAuthentication}s they name) into
 * {@code ScaledWorkload}s in threshold mode with the same parameters. Everything that does not carry over is reported
 * per field with the reason; nothing is dropped silently.
 *
 * <p>Input is hostile: every value is checked against the rule of its kind, names that end up in the printed shell
 * steps must be Kubernetes names, and no value of a field that may hold a credential is ever echoed. Secrets are never
 * read: a TriggerAuthentication's {@code secretTargetRef}s become {@code spec.kafka.authentication}, naming the same
 * Secrets and keys (SASL username/password, TLS CA, client certificate and key).
 */
public final class KedaImporter {

    /** A field of the KEDA input and what happened to it. */
    public record Note(String field, String message) {
        @Override
        public String toString() {
            return field + ": " + message;
        }
    }

    /** One converted ScaledObject. */
    public record Imported(String source, ScaledWorkload workload, List<Note> notCarried, List<Note> remarks,
                           List<String> secretSteps) {
        public Imported {
            notCarried = List.copyOf(notCarried);
            remarks = List.copyOf(remarks);
            secretSteps = List.copyOf(secretSteps);
        }
    }

    /** A ScaledObject that could not be converted, and why. */
    public record Failed(String source, List<String> problems) {
        public Failed {
            problems = List.copyOf(problems);
        }
    }

    /** Everything read from the inputs. {@code problems}: documents that could not be read at all. */
    public record Result(List<Imported> imported, List<Failed> failed, List<String> problems, List<String> skipped) {
    }

    /** Modes KEDA reads from a Secret at run time, given on the command line because Secrets are never read here. */
    public record Overrides(String sasl, String tls) {
        public static Overrides none() {
            return new Overrides(null, null);
        }
    }

    static final String KEDA_API_GROUP = "keda.sh/";
    static final Set<String> KAFKA_TYPES = Set.of("kafka", "apache-kafka");
    /** HPA's default scale-down stabilization; KEDA leaves it in place unless behavior says otherwise. */
    static final Duration HPA_DEFAULT_SCALE_DOWN_WINDOW = Duration.ofMinutes(5);

    /** DNS-1123 subdomain (names of Kubernetes objects). */
    private static final Pattern K8S_NAME = Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*"
            + "[a-z0-9])?)*$");
    /** DNS-1123 label (namespaces). */
    private static final Pattern K8S_LABEL = Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");
    /** Keys of a Secret's data. */
    private static final Pattern SECRET_KEY = Pattern.compile("^[-._a-zA-Z0-9]+$");

    /** Trigger metadata import-keda knows, and whether it is carried (the rest is named in a note). */
    private static final Set<String> KNOWN_METADATA = Set.of("bootstrapServers", "bootstrapServersFromEnv",
            "consumerGroup", "consumerGroupFromEnv", "topic", "topicFromEnv", "lagThreshold",
            "activationLagThreshold", "offsetResetPolicy", "allowIdleConsumers", "excludePersistentLag",
            "scaleToZeroOnInvalidOffset", "limitToPartitionsWithLag", "partitionLimitation",
            "ensureEvenDistributionOfPartitions", "version", "sasl", "tls", "unsafeSsl", "saslTokenProvider",
            "awsRegion", "awsEndpoint", "commitInterval");
    private static final Set<String> CREDENTIAL_PARAMETERS = Set.of("username", "password", "ca", "cert", "key",
            "keyPassword", "oauthTokenEndpointUri", "scopes", "oauthExtensions", "keytab", "realm", "kerberosConfig",
            "kerberosServiceName", "kerberosDisableFAST", "awsAccessKeyID", "awsSecretAccessKey", "awsSessionToken",
            "awsRoleArn");
    /** secretTargetRef parameters that map onto spec.kafka.authentication (or are modes). */
    private static final Set<String> LAYOUT_PARAMETERS = Set.of("sasl", "tls", "username", "password", "ca", "cert",
            "key");

    private final Overrides overrides;

    public KedaImporter(Overrides overrides) {
        this.overrides = Objects.requireNonNull(overrides);
    }

    /** Converts every ScaledObject in {@code sources} (source name → manifest text). */
    public Result convert(Map<String, String> sources) {
        List<KedaDocuments.Document> documents = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        sources.forEach((name, text) -> {
            KedaDocuments.Read read = KedaDocuments.parse(text, name);
            documents.addAll(read.documents());
            problems.addAll(read.problems());
        });
        Map<String, Map<String, Object>> auths = new LinkedHashMap<>();
        List<KedaDocuments.Document> scaledObjects = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (KedaDocuments.Document d : documents) {
            String kind = string(d.map().get("kind"));
            String apiVersion = string(d.map().get("apiVersion"));
            boolean keda = apiVersion != null && apiVersion.startsWith(KEDA_API_GROUP);
            if (keda && "ScaledObject".equals(kind)) {
                scaledObjects.add(d);
            } else if (keda && ("TriggerAuthentication".equals(kind) || "ClusterTriggerAuthentication".equals(kind))) {
                Map<String, Object> meta = map(d.map().get("metadata"));
                String ns = "ClusterTriggerAuthentication".equals(kind) ? "" : orEmpty(string(meta.get("namespace")));
                auths.put(kind + "/" + ns + "/" + orEmpty(string(meta.get("name"))), d.map());
            } else if (keda && "ScaledJob".equals(kind)) {
                skipped.add(d.where() + ": ScaledJob " + printable(string(map(d.map().get("metadata")).get("name")))
                        + " not converted: Ebb scales long-running workers, not Jobs");
            } else {
                skipped.add(d.where() + ": " + printable(kind) + " ignored (not a KEDA ScaledObject or "
                        + "TriggerAuthentication)");
            }
        }
        List<Imported> imported = new ArrayList<>();
        List<Failed> failed = new ArrayList<>();
        for (KedaDocuments.Document d : scaledObjects) {
            Conversion c = new Conversion(d, auths);
            c.run();
            if (c.errors.isEmpty()) {
                imported.add(new Imported(c.source, c.workload, c.notCarried, c.remarks, c.secretSteps));
            } else {
                failed.add(new Failed(c.source, c.errors));
            }
        }
        return new Result(imported, failed, problems, skipped);
    }

    /** The conversion of one ScaledObject; collects every problem and note instead of stopping at the first. */
    private final class Conversion {
        final KedaDocuments.Document document;
        final Map<String, Map<String, Object>> auths;
        final List<String> errors = new ArrayList<>();
        final List<Note> notCarried = new ArrayList<>();
        final List<Note> remarks = new ArrayList<>();
        final List<String> secretSteps = new ArrayList<>();
        String source;
        String namespace;
        String name;
        ScaledWorkload workload;

        Conversion(KedaDocuments.Document document, Map<String, Map<String, Object>> auths) {
            this.document = document;
            this.auths = auths;
            this.source = document.where();
        }

        void run() {
            Map<String, Object> meta = map(document.map().get("metadata"));
            name = string(meta.get("name"));
            namespace = string(meta.get("namespace"));
            if (name == null || !K8S_NAME.matcher(name).matches() || name.length() > 253) {
                errors.add("Invalid value '" + printable(name) + "' for metadata.name: must be a Kubernetes name "
                        + "(lower-case letters, digits, '-' and '.')");
                return;
            }
            if (namespace != null && (!K8S_LABEL.matcher(namespace).matches() || namespace.length() > 63)) {
                errors.add("Invalid value '" + printable(namespace) + "' for metadata.namespace: must be a "
                        + "Kubernetes namespace name (lower-case letters, digits and '-')");
                return;
            }
            source = "ScaledObject " + (namespace == null ? "" : namespace + "/") + name + " (" + document.where()
                    + ")";
            Map<String, Object> spec = map(document.map().get("spec"));
            ScaledWorkloadSpec out = new ScaledWorkloadSpec();
            PolicySettings policy = new PolicySettings();
            policy.setMode("threshold");
            out.setPolicy(policy);
            out.setScaleTargetRef(target(map(spec.get("scaleTargetRef"))));
            replicas(spec, policy);
            out.setPollInterval(pollInterval(spec));
            fallback(map(spec.get("fallback")), policy);
            advanced(map(spec.get("advanced")), out, policy);
            out.setKafka(triggers(spec.get("triggers"), policy));
            Map<String, String> annotations = annotations(meta);
            remarks.add(new Note("(migration)", "delete the ScaledObject before applying this ScaledWorkload: "
                    + "Ebb leaves a target alone while a HorizontalPodAutoscaler drives it, and KEDA's HPA would "
                    + "fight Ebb otherwise"));
            if (!errors.isEmpty()) {
                return;
            }
            ScaledWorkload sw = new ScaledWorkload();
            sw.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace)
                    .withAnnotations(annotations.isEmpty() ? null : annotations).build());
            sw.setSpec(out);
            CatalogEntry checked = check(sw, annotations);
            if (checked instanceof CatalogEntry.Invalid invalid) {
                invalid.problems().forEach(p -> errors.add("the result would be refused by the scaler: " + p));
                return;
            }
            workload = sw;
        }

        /**
         * The result through the scaler's own mapper. Secrets are never read, so the SASL Secret is given stand-in
         * values under the keys named, and the TLS Secret references are left out of the check (their PEM content
         * is parsed when the scaler reads them); names and keys were checked against their rules above.
         */
        CatalogEntry check(ScaledWorkload sw, Map<String, String> annotations) {
            KafkaSpec kafka = sw.getSpec().getKafka();
            KafkaAuthentication real = kafka.getAuthentication();
            Map<String, Map<String, String>> standIns = new LinkedHashMap<>();
            if (real != null) {
                KafkaAuthentication checkable = new KafkaAuthentication();
                SaslAuthentication sasl = real.getSasl();
                if (sasl != null) {
                    checkable.setSasl(sasl);
                    Map<String, String> keys = standIns.computeIfAbsent(sasl.getSecretRef().getName(),
                            n -> new LinkedHashMap<>());
                    keys.put(sasl.getUsernameKey() == null ? "username" : sasl.getUsernameKey(), "stand-in");
                    keys.put(sasl.getPasswordKey() == null ? "password" : sasl.getPasswordKey(), "stand-in");
                }
                if (real.getTls() != null) {
                    checkable.setTls(new TlsAuthentication());
                }
                kafka.setAuthentication(checkable);
            }
            try {
                return WorkloadSpecMapper.mapWithSecrets(new WorkloadId(namespace == null
                        ? WorkloadSpecMapper.LOCAL_NAMESPACE : namespace, name), sw.getSpec(), standIns, "",
                        annotations);
            } finally {
                kafka.setAuthentication(real);
            }
        }

        ScaleTargetRefSpec target(Map<String, Object> ref) {
            ScaleTargetRefSpec t = new ScaleTargetRefSpec();
            t.setApiVersion(Optional.ofNullable(string(ref.get("apiVersion"))).orElse("apps/v1"));
            t.setKind(Optional.ofNullable(string(ref.get("kind"))).orElse("Deployment"));
            String target = string(ref.get("name"));
            if (target == null || !K8S_NAME.matcher(target).matches()) {
                errors.add("Invalid value '" + printable(target) + "' for spec.scaleTargetRef.name: must be a "
                        + "Kubernetes name");
            }
            t.setName(target);
            if (ref.get("envSourceContainerName") != null) {
                notCarried.add(new Note("spec.scaleTargetRef.envSourceContainerName", "Ebb does not read the "
                        + "target's container environment; values come from the ScaledWorkload only"));
            }
            return t;
        }

        void replicas(Map<String, Object> spec, PolicySettings policy) {
            Integer min = integer(spec, "minReplicaCount", "spec.minReplicaCount", 0);
            Integer max = integer(spec, "maxReplicaCount", "spec.maxReplicaCount", 0);
            Integer idle = integer(spec, "idleReplicaCount", "spec.idleReplicaCount", 0);
            // Written out even when KEDA's default applies, because Ebb's defaults differ (max 10, not 100).
            policy.setMinReplicas(min == null ? 0 : min);
            policy.setMaxReplicas(max == null ? 100 : max);
            if (max == null) {
                remarks.add(new Note("spec.maxReplicaCount", "unset: KEDA's default 100 written out (Ebb's default "
                        + "is 10)"));
            }
            if (idle != null) {
                policy.setIdleReplicas(idle);
                remarks.add(new Note("spec.idleReplicaCount", "carried as idleReplicas " + idle + "; Ebb goes to it "
                        + "once lag is at or below activationLagThreshold and no records arrived for the cooldown "
                        + "(KEDA: once every trigger is inactive)"));
            }
            Integer cooldown = integer(spec, "cooldownPeriod", "spec.cooldownPeriod", 0);
            policy.setCooldown(Durations.format(Duration.ofSeconds(cooldown == null ? 300 : cooldown)));
            remarks.add(new Note("spec.cooldownPeriod", "carried as cooldown " + policy.getCooldown()
                    + (cooldown == null ? " (KEDA's default)" : "") + "; Ebb also waits for no arrivals, so a "
                    + "trickle that workers keep up with does not flap to zero"));
            Integer initial = integer(spec, "initialCooldownPeriod", "spec.initialCooldownPeriod", 0);
            if (initial != null && initial > 0) {
                notCarried.add(new Note("spec.initialCooldownPeriod", "Ebb has no separate cooldown after "
                        + "creation; the cooldown starts with the first observation"));
            }
        }

        String pollInterval(Map<String, Object> spec) {
            Integer seconds = integer(spec, "pollingInterval", "spec.pollingInterval", 1);
            if (seconds == null) {
                remarks.add(new Note("spec.pollingInterval", "unset: KEDA's 30s is not copied; Ebb polls every 1s "
                        + "(one batched Admin call per cluster) and re-decides every poll"));
                return null;
            }
            return Durations.format(Duration.ofSeconds(seconds));
        }

        void fallback(Map<String, Object> f, PolicySettings policy) {
            if (f.isEmpty()) {
                return;
            }
            FallbackSettings out = new FallbackSettings();
            out.setFailureThreshold(integer(f, "failureThreshold", "spec.fallback.failureThreshold", 1));
            out.setReplicas(integer(f, "replicas", "spec.fallback.replicas", 0));
            String behavior = string(f.get("behavior"));
            if (behavior != null) {
                if (!Set.of("static", "currentReplicas", "currentReplicasIfHigher", "currentReplicasIfLower")
                        .contains(behavior)) {
                    errors.add("Invalid value '" + printable(behavior) + "' for spec.fallback.behavior: must be "
                            + "static, currentReplicas, currentReplicasIfHigher or currentReplicasIfLower");
                }
                out.setBehavior(behavior);
            }
            policy.setFallback(out);
        }

        void advanced(Map<String, Object> advanced, ScaledWorkloadSpec out, PolicySettings policy) {
            Object restore = advanced.get("restoreToOriginalReplicaCount");
            if (restore != null) {
                out.setRestoreToOriginalReplicaCount(bool(String.valueOf(restore),
                        "spec.advanced.restoreToOriginalReplicaCount"));
            }
            if (advanced.get("scalingModifiers") != null) {
                notCarried.add(new Note("spec.advanced.scalingModifiers", "Ebb decides from one group's lag; "
                        + "formulas over several metrics have no equivalent"));
            }
            Map<String, Object> hpa = map(advanced.get("horizontalPodAutoscalerConfig"));
            if (hpa.get("name") != null) {
                remarks.add(new Note("spec.advanced.horizontalPodAutoscalerConfig.name", "not needed: Ebb patches "
                        + "the scale subresource itself and creates no HPA"));
            }
            Map<String, Object> behavior = map(hpa.get("behavior"));
            scaleDown(map(behavior.get("scaleDown")), policy);
            scaleUp(map(behavior.get("scaleUp")), policy);
            tolerance(map(behavior.get("scaleUp")), map(behavior.get("scaleDown")), policy);
        }

        void scaleDown(Map<String, Object> down, PolicySettings policy) {
            String base = "spec.advanced.horizontalPodAutoscalerConfig.behavior.scaleDown";
            Integer window = integer(down, "stabilizationWindowSeconds", base + ".stabilizationWindowSeconds", 0);
            policy.setScaleDownWindow(Durations.format(window == null ? HPA_DEFAULT_SCALE_DOWN_WINDOW
                    : Duration.ofSeconds(window)));
            if (window == null) {
                remarks.add(new Note(base + ".stabilizationWindowSeconds", "unset: the HPA's default 300s written "
                        + "out as scaleDownWindow 5m (Ebb's own default is shorter)"));
            }
            policies(down, base, "scaleDown").ifPresent(policy::setScaleDownMaxStep);
        }

        void scaleUp(Map<String, Object> up, PolicySettings policy) {
            String base = "spec.advanced.horizontalPodAutoscalerConfig.behavior.scaleUp";
            Integer window = integer(up, "stabilizationWindowSeconds", base + ".stabilizationWindowSeconds", 0);
            if (window != null && window > 0) {
                notCarried.add(new Note(base + ".stabilizationWindowSeconds", "Ebb scales up at once; it has no "
                        + "scale-up stabilization window"));
            }
            if (up.isEmpty()) {
                remarks.add(new Note(base, "unset: the HPA's default (at most +100% or +4 pods per 15s) is not "
                        + "copied; Ebb scales up to the computed count at once"));
            }
            policies(up, base, "scaleUp").ifPresent(policy::setScaleUpMaxStep);
        }

        /** HPA policies of type Pods become Ebb's per-decision step; Percent policies have no equivalent. */
        Optional<Integer> policies(Map<String, Object> rules, String base, String direction) {
            String select = Optional.ofNullable(string(rules.get("selectPolicy"))).orElse("Max");
            if ("Disabled".equals(select)) {
                notCarried.add(new Note(base + ".selectPolicy", "Disabled has no equivalent: Ebb always allows "
                        + ("scaleDown".equals(direction) ? "scale-down (set minReplicas to hold a floor)"
                        : "scale-up (set maxReplicas to hold a ceiling)")));
                return Optional.empty();
            }
            if (!"Max".equals(select) && !"Min".equals(select)) {
                errors.add("Invalid value '" + printable(select) + "' for " + base + ".selectPolicy: must be Max, "
                        + "Min or Disabled");
                return Optional.empty();
            }
            List<Integer> pods = new ArrayList<>();
            List<Integer> periods = new ArrayList<>();
            boolean percent = false;
            if (rules.get("policies") instanceof List<?> list) {
                for (int i = 0; i < list.size(); i++) {
                    Map<String, Object> p = map(list.get(i));
                    String field = base + ".policies[" + i + "]";
                    String type = string(p.get("type"));
                    Integer value = integer(p, "value", field + ".value", 1);
                    Integer period = integer(p, "periodSeconds", field + ".periodSeconds", 1);
                    if ("Pods".equals(type)) {
                        if (value != null) {
                            pods.add(value);
                            periods.add(period);
                        }
                    } else if ("Percent".equals(type)) {
                        percent = true;
                        notCarried.add(new Note(field, "a Percent policy has no equivalent: Ebb limits steps by "
                                + "a number of replicas only"));
                    } else {
                        errors.add("Invalid value '" + printable(type) + "' for " + field + ".type: must be Pods or "
                                + "Percent");
                    }
                }
            }
            if (pods.isEmpty()) {
                return Optional.empty();
            }
            if (percent && "Max".equals(select)) {
                // With Max, the HPA takes the larger of the Pods and Percent limits; a Pods-only step would be
                // stricter than the original on large counts. Leaving the step unlimited errs towards capacity.
                notCarried.add(new Note(base + ".policies", "Pods and Percent combined under selectPolicy Max: the "
                        + "Pods limit alone would be stricter than the HPA on large counts, so no step limit is set"));
                return Optional.empty();
            }
            int step = "Min".equals(select) ? pods.stream().min(Integer::compare).orElseThrow()
                    : pods.stream().max(Integer::compare).orElseThrow();
            remarks.add(new Note(base + ".policies", "Pods " + step + " per " + periods.get(pods.indexOf(step))
                    + "s carried as " + direction + "MaxStep " + step + ": Ebb applies it per decision (every poll), "
                    + "not per period"));
            return Optional.of(step);
        }

        void tolerance(Map<String, Object> up, Map<String, Object> down, PolicySettings policy) {
            String base = "spec.advanced.horizontalPodAutoscalerConfig.behavior.";
            Double upT = decimal(up.get("tolerance"), base + "scaleUp.tolerance");
            Double downT = decimal(down.get("tolerance"), base + "scaleDown.tolerance");
            if (upT == null && downT == null) {
                return;
            }
            double t = upT == null ? downT : downT == null ? upT : Math.min(upT, downT);
            policy.setTolerance(t);
            if (upT != null && downT != null && !upT.equals(downT)) {
                notCarried.add(new Note(base + "*.tolerance", "Ebb has one tolerance for both directions; the "
                        + "smaller (" + t + ") is used"));
            }
        }

        Map<String, String> annotations(Map<String, Object> meta) {
            Map<String, Object> in = map(meta.get("annotations"));
            Map<String, String> out = new TreeMap<>();
            Object paused = in.get("autoscaling.keda.sh/paused");
            if (paused != null) {
                out.put(ScaledWorkload.PAUSED_ANNOTATION, String.valueOf(paused));
            }
            Object pausedReplicas = in.get("autoscaling.keda.sh/paused-replicas");
            if (pausedReplicas != null) {
                out.put(ScaledWorkload.PAUSED_REPLICAS_ANNOTATION, String.valueOf(pausedReplicas));
            }
            in.keySet().stream().filter(k -> k.startsWith("autoscaling.keda.sh/")
                            && !k.equals("autoscaling.keda.sh/paused") && !k.equals("autoscaling.keda.sh/paused-replicas"))
                    .forEach(k -> notCarried.add(new Note("metadata.annotations." + printable(k), "no Ebb "
                            + "equivalent")));
            return out;
        }

        KafkaSpec triggers(Object raw, PolicySettings policy) {
            if (!(raw instanceof List<?> list) || list.isEmpty()) {
                errors.add("Invalid value null for spec.triggers: a ScaledObject needs a kafka trigger");
                return null;
            }
            List<KafkaTrigger> kafka = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                Map<String, Object> t = map(list.get(i));
                String type = string(t.get("type"));
                String field = "spec.triggers[" + i + "]";
                if (type != null && KAFKA_TYPES.contains(type)) {
                    kafka.add(new KafkaTrigger(field, t));
                } else {
                    notCarried.add(new Note(field, "trigger type '" + printable(type) + "' not carried: Ebb scales "
                            + "on Kafka backlog only (KEDA took the highest count over all triggers)"));
                }
            }
            if (kafka.isEmpty()) {
                errors.add("Invalid value for spec.triggers: no trigger of type kafka (found "
                        + list.stream().map(t -> printable(string(map(t).get("type")))).toList() + ")");
                return null;
            }
            KafkaTrigger first = kafka.get(0);
            Set<String> topics = new LinkedHashSet<>();
            boolean allTopics = false;
            for (KafkaTrigger t : kafka) {
                if (t != first && !t.sameGroupAs(first)) {
                    notCarried.add(new Note(t.field, "a second kafka trigger with a different group, cluster or "
                            + "settings: one ScaledWorkload watches one group, and two on the same target would "
                            + "fight; only " + first.field + " is carried"));
                    continue;
                }
                String topic = t.meta("topic");
                if (topic == null) {
                    allTopics = true;
                } else {
                    topics.add(topic);
                }
            }
            long merged = kafka.stream().filter(t -> t == first || t.sameGroupAs(first)).count();
            if (merged > 1) {
                remarks.add(new Note("spec.triggers", merged + " kafka triggers on the same group merged into one "
                        + "workload over their topics: Ebb divides the group's total lag by lagThreshold, where "
                        + "KEDA took the highest count of the per-topic triggers"));
            }
            return first.convert(allTopics ? List.of() : List.copyOf(topics), policy);
        }

        /** One kafka trigger's metadata, read with field names for messages. */
        private final class KafkaTrigger {
            final String field;
            final Map<String, Object> trigger;
            final Map<String, Object> metadata;

            KafkaTrigger(String field, Map<String, Object> trigger) {
                this.field = field;
                this.trigger = trigger;
                this.metadata = map(trigger.get("metadata"));
            }

            String meta(String key) {
                String v = string(metadata.get(key));
                return v == null || v.isBlank() ? null : v.trim();
            }

            String required(String key) {
                String v = meta(key);
                if (v == null) {
                    errors.add("Invalid value null for " + field + ".metadata." + key + ": "
                            + (meta(key + "FromEnv") != null ? key + "FromEnv names a variable of the target's "
                            + "container, which Ebb does not read; set " + key + " in the trigger"
                            : "must be set (KEDA requires it too)"));
                }
                return v;
            }

            Long longValue(String key, long min) {
                return Conversion.this.longValue(this, key, min);
            }

            Boolean flag(String key) {
                String v = meta(key);
                return v == null ? null : bool(v, field + ".metadata." + key);
            }

            boolean sameGroupAs(KafkaTrigger other) {
                Map<String, Object> a = new TreeMap<>(metadata);
                Map<String, Object> b = new TreeMap<>(other.metadata);
                a.remove("topic");
                b.remove("topic");
                return a.equals(b) && Objects.equals(trigger.get("authenticationRef"),
                        other.trigger.get("authenticationRef"));
            }

            KafkaSpec convert(List<String> topics, PolicySettings policy) {
                String m = field + ".metadata.";
                KafkaSpec k = new KafkaSpec();
                k.setBootstrapServers(required("bootstrapServers"));
                k.setConsumerGroup(required("consumerGroup"));
                k.setTopics(topics.isEmpty() ? null : topics);
                if (meta("topic") == null && meta("topicFromEnv") != null) {
                    notCarried.add(new Note(m + "topicFromEnv", "Ebb does not read the target's environment; "
                            + "every topic the group committed offsets for is counted (KEDA's rule without a "
                            + "topic); add spec.kafka.topics to narrow it"));
                }
                String reset = meta("offsetResetPolicy");
                if (reset != null) {
                    if (!reset.equals("latest") && !reset.equals("earliest")) {
                        errors.add("Invalid value '" + printable(reset) + "' for " + m + "offsetResetPolicy: must be "
                                + "latest or earliest");
                    }
                    k.setOffsetResetPolicy(reset);
                }
                Long threshold = longValue("lagThreshold", 1);
                policy.setLagThreshold(threshold == null ? 10L : threshold);
                if (threshold == null) {
                    remarks.add(new Note(m + "lagThreshold", "unset: KEDA's default 10 written out"));
                }
                Long activation = longValue("activationLagThreshold", 0);
                if (activation != null) {
                    policy.setActivationLagThreshold(activation);
                }
                policy.setAllowIdleConsumers(flag("allowIdleConsumers"));
                policy.setExcludePersistentLag(flag("excludePersistentLag"));
                policy.setScaleToZeroOnInvalidOffset(flag("scaleToZeroOnInvalidOffset"));
                policy.setLimitToPartitionsWithLag(flag("limitToPartitionsWithLag"));
                policy.setEnsureEvenDistributionOfPartitions(flag("ensureEvenDistributionOfPartitions"));
                String limitation = meta("partitionLimitation");
                if (limitation != null) {
                    policy.setPartitionLimitation(limitation);
                }
                if (meta("version") != null) {
                    remarks.add(new Note(m + "version", "not needed: Ebb's Admin client negotiates the protocol "
                            + "version with the broker"));
                }
                if (meta("commitInterval") != null) {
                    notCarried.add(new Note(m + "commitInterval", "not a KEDA setting Ebb knows how to map; set "
                            + "spec.policy.commitInterval to the workers' commit cadence in drain mode"));
                }
                String metricType = string(trigger.get("metricType"));
                if (metricType != null && !"AverageValue".equals(metricType)) {
                    notCarried.add(new Note(field + ".metricType", "'" + printable(metricType) + "' not carried: "
                            + "threshold mode is KEDA's AverageValue, ceil(lag / lagThreshold)"));
                }
                if (trigger.get("useCachedMetrics") != null) {
                    remarks.add(new Note(field + ".useCachedMetrics", "not needed: Ebb polls each group once per "
                            + "pollInterval, whoever asks"));
                }
                metadata.keySet().stream().filter(key -> !KNOWN_METADATA.contains(key)).forEach(key ->
                        notCarried.add(new Note(m + printable(key), CREDENTIAL_PARAMETERS.contains(key)
                                ? "a credential in trigger metadata is not carried (value not shown); put it in "
                                + "a Secret named by a TriggerAuthentication (spec.kafka.authentication)" : "not known to import-keda; not carried")));
                security(k);
                return k;
            }

            void security(KafkaSpec k) {
                String m = field + ".metadata.";
                Auth auth = auth();
                String sasl = auth.literal("sasl", meta("sasl"), overrides.sasl(), m);
                String tls = auth.literal("tls", meta("tls"), overrides.tls(), m);
                String tokenProvider = meta("saslTokenProvider");
                if (meta("unsafeSsl") != null && bool(meta("unsafeSsl"), m + "unsafeSsl")) {
                    notCarried.add(new Note(m + "unsafeSsl", "Ebb never skips certificate verification; give the "
                            + "broker's CA (ca) instead"));
                }
                if (tokenProvider != null && !"bearer".equals(tokenProvider)) {
                    notCarried.add(new Note(m + "saslTokenProvider", "'" + printable(tokenProvider) + "' (AWS MSK "
                            + "IAM) not carried: it loads a callback handler class, which Ebb's Kafka client "
                            + "allow-list refuses"));
                }
                if (meta("awsRegion") != null || meta("awsEndpoint") != null) {
                    notCarried.add(new Note(m + "awsRegion", "AWS MSK IAM settings are not carried"));
                }
                boolean tlsOn = false;
                if (tls != null) {
                    if (!tls.equals("enable") && !tls.equals("disable")) {
                        errors.add("Invalid value '" + printable(tls) + "' for " + m + "tls: must be enable or "
                                + "disable");
                    }
                    tlsOn = tls.equals("enable");
                }
                String mechanism = null;
                if (sasl != null && !sasl.equals("none")) {
                    switch (sasl) {
                        case "plaintext" -> mechanism = "PLAIN";
                        case "scram_sha256" -> mechanism = "SCRAM-SHA-256";
                        case "scram_sha512" -> mechanism = "SCRAM-SHA-512";
                        case "oauthbearer", "gssapi" -> notCarried.add(new Note(m + "sasl", "'" + sasl + "' not "
                                + "carried: Ebb's Kafka client allow-list refuses " + sasl.toUpperCase(Locale.ROOT)
                                + " (it needs " + ("gssapi".equals(sasl) ? "Kerberos files" : "a token endpoint and "
                                + "a callback handler class") + "); only PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512 are "
                                + "accepted, so the result has no SASL settings and will not authenticate"));
                        default -> errors.add("Invalid value '" + printable(sasl) + "' for " + m + "sasl: must be "
                                + "none, plaintext, scram_sha256, scram_sha512, oauthbearer or gssapi");
                    }
                }
                if (!auth.unknownModes.isEmpty()) {
                    auth.unknownModes.forEach(p -> notCarried.add(new Note(m + p, "read by KEDA from a Secret at "
                            + "run time, and import-keda never reads Secrets: rerun with --" + p + " MODE (the "
                            + "value in that Secret) to carry it")));
                }
                Set<String> secrets = new LinkedHashSet<>();
                KafkaAuthentication authentication = new KafkaAuthentication();
                if (mechanism != null) {
                    authentication.setSasl(saslLayout(auth, mechanism, secrets));
                }
                if (tlsOn) {
                    authentication.setTls(tlsLayout(auth, secrets));
                }
                if (authentication.getSasl() != null || authentication.getTls() != null) {
                    k.setAuthentication(authentication);
                }
                auth.secretRefs.keySet().stream().filter(p -> !LAYOUT_PARAMETERS.contains(p)).forEach(p ->
                        notCarried.add(new Note(auth.fields.get(p), "parameter '" + printable(p) + "' not carried: "
                                + ("keyPassword".equals(p) ? "spec.kafka.authentication.tls reads an unencrypted "
                                + "PKCS#8 key (keyKey); store the key decrypted (openssl pkcs8 -topk8 -nocrypt)"
                                : CREDENTIAL_PARAMETERS.contains(p) ? "it belongs to a SASL mechanism or cloud "
                                + "identity Ebb's Kafka client allow-list refuses (only PLAIN and SCRAM)"
                                : "not a KEDA kafka parameter import-keda knows"))));
                if (!secrets.isEmpty()) {
                    String where = namespace == null ? "the workload's namespace" : "namespace " + namespace;
                    if (!Objects.equals(auth.secretNamespace, namespace)) {
                        secretSteps.add("KEDA reads these Secrets in namespace " + auth.secretNamespace + " (its own; "
                                + "change it if KEDA runs elsewhere), Ebb in " + where + ": copy them there:");
                        String to = namespace == null ? "" : " -n " + namespace;
                        secrets.forEach(s -> secretSteps.add("kubectl -n " + auth.secretNamespace + " get secret " + s
                                + " -o json | jq '{apiVersion, kind, type, data, metadata: {name: .metadata.name}}'"
                                + " | kubectl" + to + " apply -f -"));
                    }
                    secretSteps.add("grant the scaler 'get' on the Secret(s) " + String.join(", ", secrets) + " in "
                            + where + ", by name (deploy/rbac/secret-reader-example.yaml; scaler/KUBERNETES.md, "
                            + "\"RBAC\")");
                }
            }

            /** {@code spec.kafka.authentication.sasl} from the username and password parameters. */
            SaslAuthentication saslLayout(Auth auth, String mechanism, Set<String> secrets) {
                String[] user = auth.secretRefs.get("username");
                String[] pass = auth.secretRefs.get("password");
                if (pass == null) {
                    notCarried.add(new Note(auth.where + ".secretTargetRef", "SASL " + mechanism + " not carried: "
                            + "no 'password' parameter from a Secret, and spec.kafka.authentication.sasl reads the "
                            + "password from a Secret"));
                    return null;
                }
                SaslAuthentication s = new SaslAuthentication();
                s.setMechanism(mechanism);
                s.setSecretRef(new SecretRefSpec(pass[0]));
                s.setPasswordKey(pass[1]);
                secrets.add(pass[0]);
                if (user == null) {
                    notCarried.add(new Note(auth.where + ".secretTargetRef", "no 'username' parameter from a Secret: "
                            + "set spec.kafka.authentication.sasl.username (the username itself) or usernameKey (its "
                            + "key in Secret " + pass[0] + "); the default key is 'username'"));
                } else if (user[0].equals(pass[0])) {
                    s.setUsernameKey(user[1]);
                } else {
                    String key = user[1].equals(pass[1]) ? "username" : user[1];
                    s.setUsernameKey(key);
                    notCarried.add(new Note(auth.fields.get("username"), "the username is in Secret " + user[0]
                            + " and the password in Secret " + pass[0] + ": spec.kafka.authentication.sasl reads "
                            + "both from one Secret (or takes the username itself in sasl.username, which "
                            + "import-keda cannot fill in because it never reads Secrets); copy key " + user[1]
                            + " of " + user[0] + " into " + pass[0] + " as key " + key + ", or replace usernameKey "
                            + "with username"));
                }
                return s;
            }

            /** {@code spec.kafka.authentication.tls} from the ca, cert and key parameters. */
            TlsAuthentication tlsLayout(Auth auth, Set<String> secrets) {
                TlsAuthentication t = new TlsAuthentication();
                String[] ca = auth.secretRefs.get("ca");
                if (ca != null) {
                    t.setCaSecretRef(new SecretRefSpec(ca[0]));
                    t.setCaKey(ca[1]);
                    secrets.add(ca[0]);
                } else {
                    remarks.add(new Note(auth.where + ".secretTargetRef", "no 'ca' parameter: TLS with the JVM's "
                            + "default trust, as KEDA's"));
                }
                String[] cert = auth.secretRefs.get("cert");
                String[] key = auth.secretRefs.get("key");
                if (cert != null && key != null && cert[0].equals(key[0])) {
                    t.setClientSecretRef(new SecretRefSpec(cert[0]));
                    t.setCertificateKey(cert[1]);
                    t.setKeyKey(key[1]);
                    secrets.add(cert[0]);
                } else if (cert != null && key != null) {
                    notCarried.add(new Note(auth.fields.get("cert"), "client certificate not carried: the "
                            + "certificate is in Secret " + cert[0] + " and the key in Secret " + key[0] + ", and "
                            + "spec.kafka.authentication.tls reads both from one Secret (clientSecretRef); put them "
                            + "in one Secret and set clientSecretRef, certificateKey and keyKey"));
                } else if (cert != null || key != null) {
                    String has = cert != null ? "cert" : "key";
                    notCarried.add(new Note(auth.fields.get(has), "client certificate not carried: '" + has
                            + "' without '" + (cert != null ? "key" : "cert") + "'; mutual TLS needs both"));
                }
                return t;
            }

            Auth auth() {
                Map<String, Object> ref = map(trigger.get("authenticationRef"));
                Auth a = new Auth(field + ".authenticationRef");
                String authName = string(ref.get("name"));
                if (authName == null) {
                    return a;
                }
                String kind = Optional.ofNullable(string(ref.get("kind"))).orElse("TriggerAuthentication");
                String key = kind + "/" + ("ClusterTriggerAuthentication".equals(kind) ? "" : orEmpty(namespace))
                        + "/" + authName;
                Map<String, Object> found = auths.get(key);
                if (found == null) {
                    notCarried.add(new Note(a.where, kind + " '" + printable(authName) + "' not among the input "
                            + "files: pass it too, so its Secret references are carried"));
                    return a;
                }
                a.where = kind + " " + printable(authName) + " spec";
                if ("ClusterTriggerAuthentication".equals(kind)) {
                    // KEDA reads a ClusterTriggerAuthentication's Secrets from its own namespace.
                    a.secretNamespace = "keda";
                    remarks.add(new Note(a.where, "KEDA reads a ClusterTriggerAuthentication's Secrets from its "
                            + "own namespace ('keda' assumed); Ebb reads the same Secrets and keys from the "
                            + "workload's namespace: the credential steps copy them there"));
                }
                Map<String, Object> spec = map(found.get("spec"));
                if (spec.get("secretTargetRef") instanceof List<?> refs) {
                    for (int i = 0; i < refs.size(); i++) {
                        Map<String, Object> r = map(refs.get(i));
                        String parameter = string(r.get("parameter"));
                        String secret = string(r.get("name"));
                        String secretKey = string(r.get("key"));
                        String f = a.where + ".secretTargetRef[" + i + "]";
                        if (secret == null || !K8S_NAME.matcher(secret).matches()) {
                            errors.add("Invalid value '" + printable(secret) + "' for " + f + ".name: must be a "
                                    + "Kubernetes name");
                        } else if (secretKey == null || !SECRET_KEY.matcher(secretKey).matches()) {
                            errors.add("Invalid value '" + printable(secretKey) + "' for " + f + ".key: must be a "
                                    + "Secret key (letters, digits, '-', '_' and '.')");
                        } else if (parameter != null) {
                            a.secretRefs.put(parameter, new String[] {secret, secretKey});
                            a.fields.put(parameter, f);
                        }
                    }
                }
                for (String other : List.of("env", "configMapTargetRef", "hashiCorpVault", "azureKeyVault",
                        "awsSecretManager", "gcpSecretManager", "podIdentity", "boundServiceAccountToken")) {
                    boolean none = "podIdentity".equals(other)
                            && "none".equals(string(map(spec.get(other)).get("provider")));
                    if (spec.get(other) != null && !none) {
                        notCarried.add(new Note(a.where + "." + other, "not carried: Ebb reads Kafka credentials "
                                + "from Secrets in the workload's namespace (spec.kafka.authentication)"));
                    }
                }
                return a;
            }
        }

        /** Authentication parameters of one trigger: where each comes from. Values of Secrets are never read. */
        private final class Auth {
            String where;
            String secretNamespace = namespace;
            final Map<String, String[]> secretRefs = new LinkedHashMap<>();
            /** The secretTargetRef entry each parameter came from, for notes. */
            final Map<String, String> fields = new LinkedHashMap<>();
            final List<String> unknownModes = new ArrayList<>();

            Auth(String where) {
                this.where = where;
            }

            /** A mode (sasl, tls): from the trigger's metadata, else from the command line, else unknown. */
            String literal(String parameter, String fromMetadata, String fromOverride, String prefix) {
                if (fromMetadata != null) {
                    return fromMetadata;
                }
                if (secretRefs.containsKey(parameter)) {
                    if (fromOverride != null) {
                        remarks.add(new Note(prefix + parameter, "'" + fromOverride + "' from --" + parameter
                                + " (KEDA reads it from a Secret)"));
                        return fromOverride;
                    }
                    unknownModes.add(parameter);
                }
                return null;
            }
        }

        Integer integer(Map<String, Object> in, String key, String field, int min) {
            Object v = in.get(key);
            if (v == null) {
                return null;
            }
            try {
                int n = Integer.parseInt(String.valueOf(v).trim());
                if (n >= min) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            errors.add("Invalid value '" + printable(String.valueOf(v)) + "' for " + field + ": must be an integer >= "
                    + min);
            return null;
        }

        Long longValue(KafkaTrigger t, String key, long min) {
            String v = t.meta(key);
            if (v == null) {
                return null;
            }
            try {
                long n = Long.parseLong(v);
                if (n >= min) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            errors.add("Invalid value '" + printable(v) + "' for " + t.field + ".metadata." + key + ": must be an "
                    + "integer >= " + min);
            return null;
        }

        Double decimal(Object v, String field) {
            if (v == null) {
                return null;
            }
            try {
                double d = Double.parseDouble(String.valueOf(v).trim());
                if (d >= 0 && d < 1) {
                    return d;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            errors.add("Invalid value '" + printable(String.valueOf(v)) + "' for " + field + ": must be a number in "
                    + "[0, 1)");
            return null;
        }

        /** KEDA parses booleans with Go's strconv.ParseBool. */
        Boolean bool(String v, String field) {
            return switch (v.trim()) {
                case "1", "t", "T", "true", "TRUE", "True" -> true;
                case "0", "f", "F", "false", "FALSE", "False" -> false;
                default -> {
                    errors.add("Invalid value '" + printable(v) + "' for " + field + ": must be true or false");
                    yield null;
                }
            };
        }
    }

    /** Package-level helpers used by KafkaTrigger (an inner class of Conversion). */
    private static Map<String, Object> map(Object o) {
        if (o instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put(String.valueOf(k), v));
            return out;
        }
        return Map.of();
    }

    private static String string(Object o) {
        return o == null ? null : String.valueOf(o);
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    /** Text from the input as it may appear in a message or comment: one line, no control characters, bounded. */
    static String printable(String s) {
        return s != null && s.length() > 200 ? oneLine(s.substring(0, 200)) + "..." : oneLine(s);
    }

    /** Control characters replaced by '?', so text stays on one line (a comment line, a log line). */
    static String oneLine(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder();
        s.codePoints().forEach(c -> sb.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return sb.toString();
    }

    static String lower(String s) {
        return s == null ? null : s.toLowerCase(Locale.ROOT);
    }
}
