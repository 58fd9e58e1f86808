package dev.ebb.scaler.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.common.CommitIntervals;
import dev.ebb.scaler.crd.ScaledWorkloadCrd;
import dev.ebb.scaler.policy.Fallback;
import dev.ebb.scaler.policy.Mode;
import dev.ebb.scaler.policy.PolicyDefaults;
import dev.ebb.scaler.policy.PolicyField;
import dev.ebb.scaler.policy.PolicySpec;
import dev.ebb.scaler.workload.CatalogEntry;
import dev.ebb.scaler.workload.Workload;
import dev.ebb.scaler.workload.WorkloadSpecMapper;
import dev.ebb.scaler.workload.spec.Durations;
import dev.ebb.scaler.workload.spec.ScaledWorkload;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every default agrees everywhere it shows: the CRD schema's {@code default:} values (what the API server writes), the
 * policy's own defaults ({@code PolicySpec.defaults()}, what local mode and the simulator use when a field is unset),
 * a workload read from a file without them, and the table in POLICY.md.
 */
class PolicyDefaultsDriftTest {

    private static JSONSchemaProps root;
    private static final Path POLICY_MD = Path.of("POLICY.md");

    @BeforeAll
    static void generate(@TempDir Path dir) throws Exception {
        CustomResourceDefinition crd = Serialization.unmarshal(Files.readString(ScaledWorkloadCrd.generate(dir)),
                CustomResourceDefinition.class);
        root = crd.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema();
    }

    /** spec.policy (and spec.policy.fallback, spec.kafka.offsetResetPolicy) defaults of the CRD, by POLICY.md name. */
    private static Map<String, String> crdDefaults() {
        Map<String, String> out = new TreeMap<>();
        JSONSchemaProps policy = root.getProperties().get("spec").getProperties().get("policy");
        policy.getProperties().forEach((name, p) -> {
            if (p.getDefault() != null) {
                out.put(name, p.getDefault().asString());
            }
        });
        policy.getProperties().get("fallback").getProperties().forEach((name, p) -> {
            if (p.getDefault() != null) {
                out.put("fallback." + name, p.getDefault().asString());
            }
        });
        out.put("offsetResetPolicy", root.getProperties().get("spec").getProperties().get("kafka").getProperties()
                .get("offsetResetPolicy").getDefault().asString());
        return out;
    }

    @Test
    void crdDefaultsEqualThePolicysOwnDefaults() throws Exception {
        PolicySpec defaults = PolicySpec.defaults();
        Map<String, String> crd = crdDefaults();
        assertThat(crd).containsKeys("mode", "minReplicas", "maxReplicas", "cooldown",
                "drainWithin", "staleAfter", "tolerance", "fallback.failureThreshold", "fallback.behavior");
        assertThat(crd).as("scaleDownWindow's default depends on the mode: an API-server default would give "
                + "threshold workloads drain mode's window").doesNotContainKey("scaleDownWindow");
        for (Map.Entry<String, String> e : crd.entrySet()) {
            if (e.getKey().startsWith("fallback.")) {
                continue; // the policy has no fallback by default; compared below through the mapper
            }
            RecordComponent c = component(e.getKey());
            Object policyValue = c.getAccessor().invoke(defaults);
            assertThat(normalize(policyValue)).as("default of " + e.getKey() + ": CRD " + e.getValue()
                    + " vs PolicySpec " + policyValue).isEqualTo(normalize(e.getKey(), e.getValue()));
        }
    }

    @Test
    void aThresholdWorkloadTheApiServerDefaultedGetsThresholdModesWindow() {
        Workload cluster = asTheApiServerDefaultsIt(workloadYaml("{mode: threshold}"));
        assertThat(cluster.policy().mode()).isEqualTo(Mode.THRESHOLD);
        assertThat(cluster.policy().scaleDownWindow()).isEqualTo(Duration.ofSeconds(30));
        Workload drain = asTheApiServerDefaultsIt(workloadYaml("{mode: drain}"));
        assertThat(drain.policy().scaleDownWindow()).isEqualTo(Duration.ofSeconds(10));
    }

    /** A ScaledWorkload in shop with {@code policy} as written (YAML flow style). */
    private static String workloadYaml(String policy) {
        return """
                apiVersion: ebb.dev/v1alpha1
                kind: ScaledWorkload
                metadata: {name: w, namespace: shop}
                spec:
                  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: fn}
                  kafka: {bootstrapServers: k:9092, consumerGroup: g}
                  policy: %s
                """.formatted(policy);
    }

    /** The workload the scaler maps after the CRD's defaults were applied to {@code yaml}, as an API server does. */
    private static Workload asTheApiServerDefaultsIt(String yaml) {
        @SuppressWarnings("unchecked")
        Map<String, Object> object = (Map<String, Object>) CrdValidationTest.longs(
                Serialization.unmarshal(yaml, Map.class));
        CrdValidationTest.applyDefaults(root, object);
        return valid(Serialization.unmarshal(Serialization.asJson(object), ScaledWorkload.class));
    }

    @Test
    void aWorkloadFromAFileBehavesAsOneTheApiServerDefaulted() {
        String yaml = workloadYaml("{fallback: {replicas: 2}}");
        Workload local = valid(Serialization.unmarshal(yaml, ScaledWorkload.class));
        Workload cluster = asTheApiServerDefaultsIt(yaml);
        assertThat(local.policy()).isEqualTo(cluster.policy());
        assertThat(local.pollInterval()).isEqualTo(cluster.pollInterval());
        assertThat(local.group()).isEqualTo(cluster.group());
        // The file's policy is the policy's defaults, plus the fallback it names.
        assertThat(local.policy()).isEqualTo(PolicySpec.defaults().toBuilder()
                .fallback(new Fallback(3, 2, null)).build());
    }

    @Test
    void policyMdTableStatesTheSameDefaults() throws Exception {
        Map<String, String> documented = policyMdDefaults();
        Map<String, String> crd = crdDefaults();
        for (Map.Entry<String, String> e : crd.entrySet()) {
            assertThat(documented).as("POLICY.md documents " + e.getKey()).containsKey(e.getKey());
            assertThat(normalize(e.getKey(), documented.get(e.getKey())))
                    .as("POLICY.md default of " + e.getKey() + " (CRD: " + e.getValue() + ")")
                    .isEqualTo(normalize(e.getKey(), e.getValue()));
        }
        // Fields the CRD leaves unset are documented as unset, and are unset in the policy.
        PolicySpec defaults = PolicySpec.defaults();
        for (String unset : new String[] {"idleReplicas", "maxTimeLag", "scaleUpMaxStep", "scaleDownMaxStep"}) {
            assertThat(documented.get(unset)).as("POLICY.md default of " + unset).isEqualTo("unset");
            assertThat(crd).doesNotContainKey(unset);
            Object v = component(unset).getAccessor().invoke(defaults);
            assertThat(v).as(unset).matches(o -> o instanceof Optional<?> opt ? opt.isEmpty()
                    : o instanceof java.util.OptionalInt oi && oi.isEmpty());
        }
    }

    /** Where a declared field lives in the CRD's schema; empty for fields the resource sets elsewhere (groupKind). */
    private static Optional<JSONSchemaProps> schemaOf(PolicyField f) {
        JSONSchemaProps spec = root.getProperties().get("spec");
        if (f == PolicyField.OFFSET_RESET_POLICY) {
            return Optional.of(spec.getProperties().get("kafka").getProperties().get("offsetResetPolicy"));
        }
        if (f == PolicyField.GROUP_KIND) {
            return Optional.empty(); // spec.kafka.shareGroup set means share
        }
        JSONSchemaProps p = spec.getProperties().get("policy");
        for (String part : f.yamlName().split("\\.")) {
            p = p.getProperties().get(part);
            assertThat(p).as("CRD property for declared field " + f.yamlName()).isNotNull();
        }
        return Optional.of(p);
    }

    @Test
    void crdDefaultsBoundsAndEnumsEqualTheDeclaration() {
        for (PolicyField f : PolicyField.values()) {
            Optional<JSONSchemaProps> found = schemaOf(f);
            if (found.isEmpty()) {
                continue;
            }
            JSONSchemaProps p = found.get();
            String name = f.yamlName();
            if (f.defaultText().isEmpty() || f.type() == PolicyField.Type.TEXT) {
                assertThat(p.getDefault()).as("CRD default of " + name).isNull();
            } else {
                assertThat(normalize(name, p.getDefault().asString())).as("CRD default of " + name)
                        .isEqualTo(normalize(name, f.defaultText().get()));
            }
            PolicyField.Range r = f.range();
            switch (f.type()) {
                case COUNT, NUMBER -> {
                    // Integers: "> 0" and ">= 1" are the same rule; the schema may write either.
                    assertThat(inclusiveMin(p)).as("CRD minimum of " + name)
                            .isEqualTo(r.min() == null ? null : Double.parseDouble(r.min()) + (r.minInclusive() ? 0 : 1));
                    assertThat(inclusiveMax(p)).as("CRD maximum of " + name)
                            .isEqualTo(r.max() == null ? null : Double.parseDouble(r.max()) - (r.maxInclusive() ? 0 : 1));
                }
                case DECIMAL -> {
                    assertThat(p.getMinimum()).as("CRD minimum of " + name)
                            .isEqualTo(r.min() == null ? null : Double.parseDouble(r.min()));
                    assertThat(Boolean.TRUE.equals(p.getExclusiveMinimum())).as("CRD exclusiveMinimum of " + name)
                            .isEqualTo(r.min() != null && !r.minInclusive());
                    assertThat(p.getMaximum()).as("CRD maximum of " + name)
                            .isEqualTo(r.max() == null ? null : Double.parseDouble(r.max()));
                    assertThat(Boolean.TRUE.equals(p.getExclusiveMaximum())).as("CRD exclusiveMaximum of " + name)
                            .isEqualTo(r.max() != null && !r.maxInclusive());
                }
                case DURATION -> {
                    // A schema cannot bound a duration string: its pattern is the grammar, the bounds are the
                    // scaler's (PolicySpec.validate, through the mapper).
                    assertThat(p.getPattern()).as("CRD pattern of " + name).isEqualTo(Durations.PATTERN);
                    assertThat(p.getType()).isEqualTo("string");
                }
                case CHOICE -> assertThat(p.getEnum()).as("CRD enum of " + name)
                        .extracting(n -> n.asString()).containsExactlyElementsOf(f.choices());
                case FLAG -> assertThat(p.getType()).as("CRD type of " + name).isEqualTo("boolean");
                case TEXT -> assertThat(p.getType()).as("CRD type of " + name).isEqualTo("string");
            }
        }
    }

    @Test
    void everyPolicyPropertyOfTheCrdIsDeclared() {
        JSONSchemaProps policy = root.getProperties().get("spec").getProperties().get("policy");
        policy.getProperties().forEach((name, p) -> {
            if (name.equals("fallback")) {
                p.getProperties().keySet().forEach(sub -> assertThat(PolicyField.named("fallback." + sub))
                        .as("declared: fallback." + sub).isPresent());
            } else {
                assertThat(PolicyField.named(name)).as("declared: " + name).isPresent();
            }
        });
    }

    @Test
    void policyMdSettingsTableIsTheDeclarationsTable() throws Exception {
        String doc = Files.readString(POLICY_MD);
        assertThat(doc).as("POLICY.md's settings table is generated from PolicyField; paste PolicyField.markdownTable()")
                .contains(PolicyField.markdownTable());
    }

    @Test
    void thePolicysDurationConstantsReadTheSameWithTheSharedGrammar() {
        // The policy imports only java.*, so it reads its own constants; they must mean what the grammar says.
        for (PolicyField f : PolicyField.values()) {
            if (f.type() != PolicyField.Type.DURATION) {
                continue;
            }
            for (String text : new String[] {f.defaultText().orElse(null), f.range().min(), f.range().max()}) {
                if (text != null) {
                    assertThat(PolicyDefaults.duration(text)).as(f.yamlName() + " " + text)
                            .isEqualTo(dev.ebb.common.Durations.parse(text));
                }
            }
        }
    }

    @Test
    void thePolicysCommitIntervalIsKafkasAutoCommitDefaultWhichCoversTheSdks() {
        assertThat(PolicyField.COMMIT_INTERVAL.defaultText()).contains(CommitIntervals.POLICY_DEFAULT);
        Object kafkaDefault = org.apache.kafka.clients.consumer.ConsumerConfig.configDef().defaultValues()
                .get(org.apache.kafka.clients.consumer.ConsumerConfig.AUTO_COMMIT_INTERVAL_MS_CONFIG);
        assertThat(Duration.ofMillis(((Number) kafkaDefault).longValue()))
                .isEqualTo(dev.ebb.common.Durations.parse(CommitIntervals.KAFKA_AUTO_COMMIT_DEFAULT));
        assertThat(PolicySpec.defaults().commitInterval())
                .isGreaterThanOrEqualTo(dev.ebb.common.Durations.parse(CommitIntervals.SDK_DEFAULT));
    }

    private static Double inclusiveMin(JSONSchemaProps p) {
        return p.getMinimum() == null ? null : p.getMinimum() + (Boolean.TRUE.equals(p.getExclusiveMinimum()) ? 1 : 0);
    }

    private static Double inclusiveMax(JSONSchemaProps p) {
        return p.getMaximum() == null ? null : p.getMaximum() - (Boolean.TRUE.equals(p.getExclusiveMaximum()) ? 1 : 0);
    }

    private static Map<String, String> policyMdDefaults() throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        Matcher m = Pattern.compile("(?m)^\\| `([A-Za-z.]+)` \\| ([^|]*) \\|").matcher(Files.readString(POLICY_MD));
        while (m.find()) {
            out.putIfAbsent(m.group(1), m.group(2).trim().replace("`", ""));
        }
        return out;
    }

    private static Workload valid(ScaledWorkload sw) {
        CatalogEntry e = WorkloadSpecMapper.map(sw);
        assertThat(e).isInstanceOf(CatalogEntry.Valid.class);
        return ((CatalogEntry.Valid) e).workload();
    }

    private static RecordComponent component(String name) {
        for (RecordComponent c : PolicySpec.class.getRecordComponents()) {
            if (c.getName().equals(name)) {
                return c;
            }
        }
        throw new AssertionError("PolicySpec has no " + name);
    }

    /** A value from YAML or Markdown, in a comparable form by the field's declared type: durations as Duration, numbers as double. */
    private static Object normalize(String field, String text) {
        if (text == null) {
            return null;
        }
        PolicyField.Type type = PolicyField.named(field).orElseThrow(() -> new AssertionError("undeclared " + field))
                .type();
        return switch (type) {
            case DURATION -> Durations.parse(field, text);
            case COUNT, NUMBER, DECIMAL -> Double.parseDouble(text);
            default -> text.toLowerCase(Locale.ROOT);
        };
    }

    private static Object normalize(Object policyValue) {
        if (policyValue instanceof Duration d) {
            return d;
        }
        if (policyValue instanceof Number n) {
            return n.doubleValue();
        }
        return String.valueOf(policyValue).toLowerCase(Locale.ROOT);
    }
}
