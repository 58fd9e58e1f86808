package dev.ebb.scaler.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import dev.ebb.scaler.crd.ScaledWorkloadCrd;
import dev.ebb.scaler.workload.CatalogEntry;
import dev.ebb.scaler.workload.WorkloadSpecMapper;
import dev.ebb.scaler.workload.spec.ScaledWorkload;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRule;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The CRD validates what it can, the scaler the same and the rest. The generated schema is checked for its rules, then
 * a corpus of specs goes through both: the schema as the API server applies it (defaults, then minimum/maximum, enum,
 * length, pattern, required, and the x-kubernetes-validations CEL rules evaluated with CEL), and the scaler's own
 * validation ({@link WorkloadSpecMapper}). Where the schema refuses, the scaler refuses too, with a message naming the
 * field and the rule. Not covered: the API server's CEL environment (its cost budget, Kubernetes' CEL libraries) —
 * the rules use only core CEL.
 */
class CrdValidationTest {

    private static JSONSchemaProps root;

    @BeforeAll
    static void generate(@TempDir Path dir) throws Exception {
        CustomResourceDefinition crd = Serialization.unmarshal(Files.readString(ScaledWorkloadCrd.generate(dir)),
                CustomResourceDefinition.class);
        root = crd.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema();
        assertThat(crd.getSpec().getNames().getCategories()).containsExactly("ebb");
    }

    @Test
    void schemaBoundsEnumsAndCrossFieldRules() {
        JSONSchemaProps policy = at("spec", "policy");
        assertThat(policy.getProperties().get("minReplicas").getMinimum()).isEqualTo(0.0);
        assertThat(policy.getProperties().get("maxReplicas").getMinimum()).isEqualTo(1.0);
        assertThat(policy.getProperties().get("maxReplicas").getMaximum()).isEqualTo(10_000.0);
        assertThat(policy.getProperties().get("lagThreshold").getMinimum()).isEqualTo(1.0);
        assertThat(policy.getProperties().get("tolerance").getExclusiveMaximum()).isTrue();
        assertThat(policy.getProperties().get("perReplicaRate").getExclusiveMinimum()).isTrue();
        assertThat(enumOf(policy.getProperties().get("mode"))).containsExactly("drain", "threshold");
        assertThat(enumOf(at("spec", "policy", "fallback", "behavior"))).containsExactly("static",
                "currentReplicas", "currentReplicasIfHigher", "currentReplicasIfLower");
        assertThat(enumOf(at("spec", "kafka", "isolationLevel"))).containsExactly("read_uncommitted",
                "read_committed");
        assertThat(enumOf(at("spec", "kafka", "offsetResetPolicy"))).containsExactly("latest", "earliest");
        assertThat(rules(at("spec", "kafka"))).containsExactly("has(self.consumerGroup) != has(self.shareGroup)");
        assertThat(rules(policy)).anyMatch(r -> r.contains("self.minReplicas <= self.maxReplicas"))
                .anyMatch(r -> r.contains("self.idleReplicas <="));
        assertThat(rules(at("spec", "policy", "fallback"))).singleElement().asString().contains("has(self.replicas)");
    }

    @Test
    void conditionsHaveTheShapeOfMetav1Condition() {
        JSONSchemaProps conditions = at("status", "conditions");
        assertThat(conditions.getXKubernetesListType()).isEqualTo("map");
        assertThat(conditions.getXKubernetesListMapKeys()).containsExactly("type");
        JSONSchemaProps item = conditions.getItems().getSchema();
        assertThat(item.getRequired()).containsExactlyInAnyOrder("type", "status", "reason", "message",
                "lastTransitionTime");
        assertThat(enumOf(item.getProperties().get("status"))).containsExactly("True", "False", "Unknown");
        assertThat(item.getProperties().get("lastTransitionTime").getFormat()).isEqualTo("date-time");
        assertThat(item.getProperties().get("message").getMaxLength()).isEqualTo(32768L);
    }

    /** A spec, whether the API server accepts it, and what the scaler says (null: valid). */
    record Case(String name, String policyAndKafka, boolean schemaAccepts, String scalerSays) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> corpus() {
        return Stream.of(
                new Case("minimal", "kafka: {bootstrapServers: k:9092, consumerGroup: g}", true, null),
                new Case("share group", "kafka: {bootstrapServers: k:9092, shareGroup: g}", true, null),
                new Case("no group", "kafka: {bootstrapServers: k:9092}", false,
                        "for spec.kafka.consumerGroup: one of consumerGroup and shareGroup must be set"),
                new Case("both groups", "kafka: {bootstrapServers: k:9092, consumerGroup: a, shareGroup: b}", false,
                        "Invalid value 'b' for spec.kafka.shareGroup: set either consumerGroup or shareGroup"),
                new Case("min above max", group() + "policy: {minReplicas: 5, maxReplicas: 3}", false,
                        "Invalid value 3 for spec.policy.maxReplicas: must be >= minReplicas (5)"),
                new Case("min above default max", group() + "policy: {minReplicas: 11}", false,
                        "Invalid value 10 for spec.policy.maxReplicas: must be >= minReplicas (11)"),
                new Case("idle above min", group() + "policy: {minReplicas: 1, idleReplicas: 2}", false,
                        "Invalid value 2 for spec.policy.idleReplicas: must be <= minReplicas (1)"),
                new Case("static fallback without replicas", group() + "policy: {fallback: {behavior: static}}",
                        false, "Invalid value null for spec.policy.fallback.replicas: required unless behavior"),
                new Case("defaulted fallback without replicas", group() + "policy: {fallback: {failureThreshold: 2}}",
                        false, "Invalid value null for spec.policy.fallback.replicas"),
                new Case("fallback to current replicas", group()
                        + "policy: {fallback: {behavior: currentReplicas}}", true, null),
                new Case("fallback if higher", group()
                        + "policy: {fallback: {behavior: currentReplicasIfHigher, replicas: 2}}", true, null),
                new Case("negative lag threshold", group() + "policy: {lagThreshold: -5}", false,
                        "Invalid value -5 for spec.policy.lagThreshold: must be > 0"),
                new Case("max replicas too high", group() + "policy: {maxReplicas: 1000000}", false,
                        "Invalid value 1000000 for spec.policy.maxReplicas: must be <= 10000"),
                new Case("tolerance 1", group() + "policy: {tolerance: 1}", false,
                        "Invalid value 1.0 for spec.policy.tolerance: must be >= 0 and < 1"),
                new Case("unknown mode", group() + "policy: {mode: fastest}", false,
                        "Invalid value 'fastest' for spec.policy.mode: must be drain or threshold"),
                new Case("unknown isolation", "kafka: {bootstrapServers: k:9092, consumerGroup: g, "
                        + "isolationLevel: dirty}", false,
                        "Invalid value 'dirty' for spec.kafka.isolationLevel: must be read_uncommitted or"),
                new Case("unknown offset reset", "kafka: {bootstrapServers: k:9092, consumerGroup: g, "
                        + "offsetResetPolicy: none}", false,
                        "Invalid value 'none' for spec.kafka.offsetResetPolicy: must be latest or earliest"),
                new Case("unknown fallback behavior", group() + "policy: {fallback: {behavior: random, "
                        + "replicas: 1}}", false, "random"),
                new Case("zero fallback replicas", group() + "policy: {fallback: {replicas: 0}}", false,
                        "for spec.policy.fallback.replicas: must be >= 1"),
                new Case("not a duration", group() + "policy: {cooldown: soon}", false,
                        "Invalid value 'soon' for spec.policy.cooldown: must be a duration"),
                // What a schema cannot bound: the scaler alone refuses, with a condition.
                new Case("blank group", "kafka: {bootstrapServers: k:9092, consumerGroup: ' '}", true,
                        "one of consumerGroup and shareGroup must be set"));
    }

    private static String group() {
        return "kafka: {bootstrapServers: k:9092, consumerGroup: g}\n";
    }

    @ParameterizedTest
    @MethodSource("corpus")
    void theSchemaAndTheScalerAgree(Case c) {
        String yaml = """
                apiVersion: ebb.dev/v1alpha1
                kind: ScaledWorkload
                metadata: {name: w, namespace: shop}
                spec:
                  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: fn}
                """ + c.policyAndKafka().lines().map(l -> "  " + l + "\n").reduce("", String::concat);
        @SuppressWarnings("unchecked")
        Map<String, Object> object = (Map<String, Object>) longs(Serialization.unmarshal(yaml, Map.class));
        applyDefaults(root, object);
        List<String> schemaErrors = new ArrayList<>();
        validate(root, object, "", schemaErrors);
        assertThat(schemaErrors.isEmpty()).as("schema accepts " + c + "? errors: " + schemaErrors)
                .isEqualTo(c.schemaAccepts());

        // The scaler reads what the API server stored: the defaulted object.
        ScaledWorkload sw = Serialization.unmarshal(Serialization.asJson(object), ScaledWorkload.class);
        CatalogEntry entry = WorkloadSpecMapper.map(sw);
        if (c.scalerSays() == null) {
            assertThat(entry).as(c.name()).isInstanceOf(CatalogEntry.Valid.class);
        } else {
            assertThat(entry).as(c.name()).isInstanceOfSatisfying(CatalogEntry.Invalid.class,
                    bad -> assertThat(String.join("; ", bad.problems())).contains(c.scalerSays()));
        }
    }

    @Test
    void theCelRulesRefuseWhatTheyShouldOnTheirOwn() {
        String kafkaRule = rules(at("spec", "kafka")).get(0);
        assertThat(cel(kafkaRule, Map.of("consumerGroup", "g"))).isTrue();
        assertThat(cel(kafkaRule, Map.of("consumerGroup", "g", "shareGroup", "s"))).isFalse();
        assertThat(cel(kafkaRule, Map.of())).isFalse();
        String fallbackRule = rules(at("spec", "policy", "fallback")).get(0);
        assertThat(cel(fallbackRule, Map.of("behavior", "static"))).isFalse();
        assertThat(cel(fallbackRule, Map.of("behavior", "currentReplicas"))).isTrue();
        assertThat(cel(fallbackRule, Map.of("behavior", "static", "replicas", 2L))).isTrue();
    }

    // --- a small OpenAPI v3 + CEL validator, enough for this schema ---

    private static JSONSchemaProps at(String... path) {
        JSONSchemaProps p = root;
        for (String name : path) {
            p = p.getProperties().get(name);
        }
        return p;
    }

    private static List<String> enumOf(JSONSchemaProps p) {
        return p.getEnum() == null ? List.of() : p.getEnum().stream().map(n -> n.asString()).toList();
    }

    private static List<String> rules(JSONSchemaProps p) {
        return p.getXKubernetesValidations() == null ? List.of()
                : p.getXKubernetesValidations().stream().map(ValidationRule::getRule).toList();
    }

    static Object longs(Object o) {
        if (o instanceof Integer i) {
            return i.longValue();
        }
        if (o instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put((String) k, longs(v)));
            return out;
        }
        if (o instanceof List<?> l) {
            return l.stream().map(CrdValidationTest::longs).toList();
        }
        return o;
    }

    /** The API server's defaulting: a missing property with a default is set, in every object that exists. */
    @SuppressWarnings("unchecked")
    static void applyDefaults(JSONSchemaProps schema, Map<String, Object> object) {
        if (schema.getProperties() == null) {
            return;
        }
        schema.getProperties().forEach((name, prop) -> {
            if (!object.containsKey(name) && prop.getDefault() != null) {
                object.put(name, longs(Serialization.unmarshal(prop.getDefault().toString(), Object.class)));
            }
            if (object.get(name) instanceof Map<?, ?> child) {
                applyDefaults(prop, (Map<String, Object>) child);
            }
        });
    }

    @SuppressWarnings("unchecked")
    static void validate(JSONSchemaProps s, Object value, String path, List<String> errors) {
        if (value == null) {
            return;
        }
        if (s.getEnum() != null && !s.getEnum().isEmpty() && !enumOf(s).contains(String.valueOf(value))) {
            errors.add(path + ": not one of " + enumOf(s));
        }
        if (value instanceof Number n) {
            double d = n.doubleValue();
            if (s.getMinimum() != null && (d < s.getMinimum()
                    || (Boolean.TRUE.equals(s.getExclusiveMinimum()) && d == s.getMinimum()))) {
                errors.add(path + ": below minimum " + s.getMinimum());
            }
            if (s.getMaximum() != null && (d > s.getMaximum()
                    || (Boolean.TRUE.equals(s.getExclusiveMaximum()) && d == s.getMaximum()))) {
                errors.add(path + ": above maximum " + s.getMaximum());
            }
        }
        if (value instanceof String str) {
            if (s.getMaxLength() != null && str.length() > s.getMaxLength()) {
                errors.add(path + ": longer than " + s.getMaxLength());
            }
            if (s.getMinLength() != null && str.length() < s.getMinLength()) {
                errors.add(path + ": shorter than " + s.getMinLength());
            }
            if (s.getPattern() != null && !java.util.regex.Pattern.compile(s.getPattern()).matcher(str).find()) {
                errors.add(path + ": does not match " + s.getPattern());
            }
        }
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> map = (Map<String, Object>) m;
            if (s.getRequired() != null) {
                s.getRequired().stream().filter(r -> !map.containsKey(r)).forEach(r -> errors.add(path + "." + r
                        + ": required"));
            }
            if (s.getProperties() != null) {
                s.getProperties().forEach((name, prop) -> validate(prop, map.get(name), path + "." + name, errors));
            }
            if (s.getXKubernetesValidations() != null) {
                for (ValidationRule rule : s.getXKubernetesValidations()) {
                    if (!cel(rule.getRule(), map)) {
                        errors.add(path + ": " + rule.getMessage());
                    }
                }
            }
        }
        if (value instanceof List<?> l && s.getItems() != null && s.getItems().getSchema() != null) {
            for (int i = 0; i < l.size(); i++) {
                validate(s.getItems().getSchema(), l.get(i), path + "[" + i + "]", errors);
            }
        }
    }

    private static boolean cel(String rule, Map<String, Object> self) {
        try {
            CelCompiler compiler = CelCompilerFactory.standardCelCompilerBuilder()
                    .setStandardMacros(CelStandardMacro.STANDARD_MACROS).addVar("self", MapType.create(SimpleType.STRING, SimpleType.DYN)).build();
            CelAbstractSyntaxTree ast = compiler.compile(rule).getAst();
            CelRuntime runtime = CelRuntimeFactory.standardCelRuntimeBuilder().build();
            return (Boolean) runtime.createProgram(ast).eval(Map.of("self", self));
        } catch (Exception e) {
            throw new AssertionError("CEL rule " + rule + " on " + self + ": " + e, e);
        }
    }
}
