package dev.ebb.scaler.keda;

import static dev.ebb.scaler.keda.KedaImporter.HPA_DEFAULT_SCALE_DOWN_WINDOW;
import static dev.ebb.scaler.keda.KedaImporter.K8S_LABEL;
import static dev.ebb.scaler.keda.KedaImporter.K8S_NAME;
import static dev.ebb.scaler.keda.KedaImporter.KAFKA_TYPES;
import static dev.ebb.scaler.keda.KedaImporter.lower;
import static dev.ebb.scaler.keda.KedaImporter.map;
import static dev.ebb.scaler.keda.KedaImporter.printable;
import static dev.ebb.scaler.keda.KedaImporter.string;

import dev.ebb.scaler.keda.KedaImporter.Note;
import dev.ebb.scaler.workload.CatalogEntry;
import dev.ebb.scaler.workload.WorkloadId;
import dev.ebb.scaler.workload.WorkloadSpecMapper;
import dev.ebb.scaler.workload.spec.Durations;
import dev.ebb.scaler.workload.spec.FallbackSettings;
import dev.ebb.scaler.workload.spec.KafkaAuthentication;
import dev.ebb.scaler.workload.spec.KafkaSpec;
import dev.ebb.scaler.workload.spec.PolicySettings;
import dev.ebb.scaler.workload.spec.SaslAuthentication;
import dev.ebb.scaler.workload.spec.ScaleTargetRefRules;
import dev.ebb.scaler.workload.spec.ScaleTargetRefSpec;
import dev.ebb.scaler.workload.spec.ScaledWorkload;
import dev.ebb.scaler.workload.spec.ScaledWorkloadSpec;
import dev.ebb.scaler.workload.spec.TlsAuthentication;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The conversion of one ScaledObject: target, replicas, polling, fallback and HPA behaviour here, its kafka
 * triggers in {@link KafkaTrigger}; collects every problem and note in a {@link ConversionReport} instead of stopping
 * at the first.
 */
final class ScaledObjectConversion {
    final KedaDocuments.Document document;
    final Map<String, Map<String, Object>> auths;
    final ConversionReport report = new ConversionReport();
    private final KedaImporter.Overrides overrides;
    String source;
    String namespace;
    String name;
    ScaledWorkload workload;

    ScaledObjectConversion(KedaDocuments.Document document, Map<String, Map<String, Object>> auths,
                           KedaImporter.Overrides overrides) {
        this.document = document;
        this.auths = auths;
        this.overrides = overrides;
        this.source = document.where();
    }

    void run() {
        Map<String, Object> meta = map(document.map().get("metadata"));
        name = string(meta.get("name"));
        namespace = string(meta.get("namespace"));
        if (name == null || !K8S_NAME.matcher(name).matches() || name.length() > 253) {
            report.errors.add("Invalid value '" + printable(name) + "' for metadata.name: must be a Kubernetes name "
                    + "(lower-case letters, digits, '-' and '.')");
            return;
        }
        if (namespace != null && (!K8S_LABEL.matcher(namespace).matches() || namespace.length() > 63)) {
            report.errors.add("Invalid value '" + printable(namespace) + "' for metadata.namespace: must be a "
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
        report.remarks.add(new Note("(migration)", "delete the ScaledObject before applying this ScaledWorkload: "
                + "Ebb leaves a target alone while a HorizontalPodAutoscaler drives it, and KEDA's HPA would "
                + "fight Ebb otherwise"));
        if (!report.errors.isEmpty()) {
            return;
        }
        ScaledWorkload sw = new ScaledWorkload();
        sw.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace)
                .withAnnotations(annotations.isEmpty() ? null : annotations).build());
        sw.setSpec(out);
        CatalogEntry checked = check(sw, annotations);
        if (checked instanceof CatalogEntry.Invalid invalid) {
            invalid.problems().forEach(p -> report.errors.add("the result would be refused by the scaler: " + p));
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
        t.setApiVersion(ScaleTargetRefRules.apiVersionOrDefault(string(ref.get("apiVersion"))));
        t.setKind(ScaleTargetRefRules.kindOrDefault(string(ref.get("kind"))));
        String target = string(ref.get("name"));
        if (target == null || !K8S_NAME.matcher(target).matches()) {
            report.errors.add("Invalid value '" + printable(target) + "' for spec.scaleTargetRef.name: must be a "
                    + "Kubernetes name");
        }
        t.setName(target);
        if (ref.get("envSourceContainerName") != null) {
            report.notCarried.add(new Note("spec.scaleTargetRef.envSourceContainerName", "Ebb does not read the "
                    + "target's container environment; values come from the ScaledWorkload only"));
        }
        return t;
    }

    void replicas(Map<String, Object> spec, PolicySettings policy) {
        Integer min = report.integer(spec, "minReplicaCount", "spec.minReplicaCount", 0);
        Integer max = report.integer(spec, "maxReplicaCount", "spec.maxReplicaCount", 0);
        Integer idle = report.integer(spec, "idleReplicaCount", "spec.idleReplicaCount", 0);
        // Written out even when KEDA's default applies, because Ebb's defaults differ (max 10, not 100).
        policy.setMinReplicas(min == null ? 0 : min);
        policy.setMaxReplicas(max == null ? 100 : max);
        if (max == null) {
            report.remarks.add(new Note("spec.maxReplicaCount", "unset: KEDA's default 100 written out (Ebb's default "
                    + "is 10)"));
        }
        if (idle != null) {
            policy.setIdleReplicas(idle);
            report.remarks.add(new Note("spec.idleReplicaCount", "carried as idleReplicas " + idle + "; Ebb goes to it "
                    + "once lag is at or below activationLagThreshold and no records arrived for the cooldown "
                    + "(KEDA: once every trigger is inactive)"));
        }
        Integer cooldown = report.integer(spec, "cooldownPeriod", "spec.cooldownPeriod", 0);
        policy.setCooldown(Durations.format(Duration.ofSeconds(cooldown == null ? 300 : cooldown)));
        report.remarks.add(new Note("spec.cooldownPeriod", "carried as cooldown " + policy.getCooldown()
                + (cooldown == null ? " (KEDA's default)" : "") + "; Ebb also waits for no arrivals, so a "
                + "trickle that workers keep up with does not flap to zero"));
        Integer initial = report.integer(spec, "initialCooldownPeriod", "spec.initialCooldownPeriod", 0);
        if (initial != null && initial > 0) {
            report.notCarried.add(new Note("spec.initialCooldownPeriod", "Ebb has no separate cooldown after "
                    + "creation; the cooldown starts with the first observation"));
        }
    }

    String pollInterval(Map<String, Object> spec) {
        Integer seconds = report.integer(spec, "pollingInterval", "spec.pollingInterval", 1);
        if (seconds == null) {
            report.remarks.add(new Note("spec.pollingInterval", "unset: KEDA's 30s is not copied; Ebb polls every 1s "
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
        out.setFailureThreshold(report.integer(f, "failureThreshold", "spec.fallback.failureThreshold", 1));
        out.setReplicas(report.integer(f, "replicas", "spec.fallback.replicas", 0));
        String behavior = string(f.get("behavior"));
        if (behavior != null) {
            if (!Set.of("static", "currentReplicas", "currentReplicasIfHigher", "currentReplicasIfLower")
                    .contains(behavior)) {
                report.errors.add("Invalid value '" + printable(behavior) + "' for spec.fallback.behavior: must be "
                        + "static, currentReplicas, currentReplicasIfHigher or currentReplicasIfLower");
            }
            out.setBehavior(behavior);
        }
        policy.setFallback(out);
    }

    void advanced(Map<String, Object> advanced, ScaledWorkloadSpec out, PolicySettings policy) {
        Object restore = advanced.get("restoreToOriginalReplicaCount");
        if (restore != null) {
            out.setRestoreToOriginalReplicaCount(report.bool(String.valueOf(restore),
                    "spec.advanced.restoreToOriginalReplicaCount"));
        }
        if (advanced.get("scalingModifiers") != null) {
            report.notCarried.add(new Note("spec.advanced.scalingModifiers", "Ebb decides from one group's lag; "
                    + "formulas over several metrics have no equivalent"));
        }
        Map<String, Object> hpa = map(advanced.get("horizontalPodAutoscalerConfig"));
        if (hpa.get("name") != null) {
            report.remarks.add(new Note("spec.advanced.horizontalPodAutoscalerConfig.name", "not needed: Ebb patches "
                    + "the scale subresource itself and creates no HPA"));
        }
        Map<String, Object> behavior = map(hpa.get("behavior"));
        scaleDown(map(behavior.get("scaleDown")), policy);
        scaleUp(map(behavior.get("scaleUp")), policy);
        tolerance(map(behavior.get("scaleUp")), map(behavior.get("scaleDown")), policy);
    }

    void scaleDown(Map<String, Object> down, PolicySettings policy) {
        String base = "spec.advanced.horizontalPodAutoscalerConfig.behavior.scaleDown";
        Integer window = report.integer(down, "stabilizationWindowSeconds", base + ".stabilizationWindowSeconds", 0);
        policy.setScaleDownWindow(Durations.format(window == null ? HPA_DEFAULT_SCALE_DOWN_WINDOW
                : Duration.ofSeconds(window)));
        if (window == null) {
            report.remarks.add(new Note(base + ".stabilizationWindowSeconds", "unset: the HPA's default 300s written "
                    + "out as scaleDownWindow 5m (Ebb's own default is shorter)"));
        }
        policies(down, base, "scaleDown").ifPresent(policy::setScaleDownMaxStep);
    }

    void scaleUp(Map<String, Object> up, PolicySettings policy) {
        String base = "spec.advanced.horizontalPodAutoscalerConfig.behavior.scaleUp";
        Integer window = report.integer(up, "stabilizationWindowSeconds", base + ".stabilizationWindowSeconds", 0);
        if (window != null && window > 0) {
            report.notCarried.add(new Note(base + ".stabilizationWindowSeconds", "Ebb scales up at once; it has no "
                    + "scale-up stabilization window"));
        }
        if (up.isEmpty()) {
            report.remarks.add(new Note(base, "unset: the HPA's default (at most +100% or +4 pods per 15s) is not "
                    + "copied; Ebb scales up to the computed count at once"));
        }
        policies(up, base, "scaleUp").ifPresent(policy::setScaleUpMaxStep);
    }

    /** HPA policies of type Pods become Ebb's per-decision step; Percent policies have no equivalent. */
    Optional<Integer> policies(Map<String, Object> rules, String base, String direction) {
        String select = Optional.ofNullable(string(rules.get("selectPolicy"))).orElse("Max");
        if ("Disabled".equals(select)) {
            report.notCarried.add(new Note(base + ".selectPolicy", "Disabled has no equivalent: Ebb always allows "
                    + ("scaleDown".equals(direction) ? "scale-down (set minReplicas to hold a floor)"
                    : "scale-up (set maxReplicas to hold a ceiling)")));
            return Optional.empty();
        }
        if (!"Max".equals(select) && !"Min".equals(select)) {
            report.errors.add("Invalid value '" + printable(select) + "' for " + base + ".selectPolicy: must be Max, "
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
                Integer value = report.integer(p, "value", field + ".value", 1);
                Integer period = report.integer(p, "periodSeconds", field + ".periodSeconds", 1);
                if ("Pods".equals(type)) {
                    if (value != null) {
                        pods.add(value);
                        periods.add(period);
                    }
                } else if ("Percent".equals(type)) {
                    percent = true;
                    report.notCarried.add(new Note(field, "a Percent policy has no equivalent: Ebb limits steps by "
                            + "a number of replicas only"));
                } else {
                    report.errors.add("Invalid value '" + printable(type) + "' for " + field + ".type: must be Pods or "
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
            report.notCarried.add(new Note(base + ".policies", "Pods and Percent combined under selectPolicy Max: the "
                    + "Pods limit alone would be stricter than the HPA on large counts, so no step limit is set"));
            return Optional.empty();
        }
        int step = "Min".equals(select) ? pods.stream().min(Integer::compare).orElseThrow()
                : pods.stream().max(Integer::compare).orElseThrow();
        report.remarks.add(new Note(base + ".policies", "Pods " + step + " per " + periods.get(pods.indexOf(step))
                + "s carried as " + direction + "MaxStep " + step + ": Ebb applies it per decision (every poll), "
                + "not per period"));
        return Optional.of(step);
    }

    void tolerance(Map<String, Object> up, Map<String, Object> down, PolicySettings policy) {
        String base = "spec.advanced.horizontalPodAutoscalerConfig.behavior.";
        Double upT = report.decimal(up.get("tolerance"), base + "scaleUp.tolerance");
        Double downT = report.decimal(down.get("tolerance"), base + "scaleDown.tolerance");
        if (upT == null && downT == null) {
            return;
        }
        double t = upT == null ? downT : downT == null ? upT : Math.min(upT, downT);
        policy.setTolerance(t);
        if (upT != null && downT != null && !upT.equals(downT)) {
            report.notCarried.add(new Note(base + "*.tolerance", "Ebb has one tolerance for both directions; the "
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
                .forEach(k -> report.notCarried.add(new Note("metadata.annotations." + printable(k), "no Ebb "
                        + "equivalent")));
        return out;
    }

    KafkaSpec triggers(Object raw, PolicySettings policy) {
        if (!(raw instanceof List<?> list) || list.isEmpty()) {
            report.errors.add("Invalid value null for spec.triggers: a ScaledObject needs a kafka trigger");
            return null;
        }
        List<KafkaTrigger> kafka = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            Map<String, Object> t = map(list.get(i));
            String type = string(t.get("type"));
            String field = "spec.triggers[" + i + "]";
            if (type != null && KAFKA_TYPES.contains(type)) {
                kafka.add(new KafkaTrigger(report, field, t, namespace, auths, overrides));
            } else {
                report.notCarried.add(new Note(field, "trigger type '" + printable(type) + "' not carried: Ebb scales "
                        + "on Kafka backlog only (KEDA took the highest count over all triggers)"));
            }
        }
        if (kafka.isEmpty()) {
            report.errors.add("Invalid value for spec.triggers: no trigger of type kafka (found "
                    + list.stream().map(t -> printable(string(map(t).get("type")))).toList() + ")");
            return null;
        }
        KafkaTrigger first = kafka.get(0);
        Set<String> topics = new LinkedHashSet<>();
        boolean allTopics = false;
        for (KafkaTrigger t : kafka) {
            if (t != first && !t.sameGroupAs(first)) {
                report.notCarried.add(new Note(t.field, "a second kafka trigger with a different group, cluster or "
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
            report.remarks.add(new Note("spec.triggers", merged + " kafka triggers on the same group merged into one "
                    + "workload over their topics: Ebb divides the group's total lag by lagThreshold, where "
                    + "KEDA took the highest count of the per-topic triggers"));
        }
        return first.convert(allTopics ? List.of() : List.copyOf(topics), policy);
    }

}
