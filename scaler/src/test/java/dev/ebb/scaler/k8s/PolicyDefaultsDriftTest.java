package dev.ebb.scaler.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.scaler.crd.ScaledWorkloadCrd;
import dev.ebb.scaler.policy.Fallback;
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
        assertThat(crd).containsKeys("mode", "minReplicas", "maxReplicas", "scaleDownWindow", "cooldown",
                "drainWithin", "staleAfter", "tolerance", "fallback.failureThreshold", "fallback.behavior");
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
    void aWorkloadFromAFileBehavesAsOneTheApiServerDefaulted() {
        String yaml = """
                apiVersion: ebb.dev/v1alpha1
                kind: ScaledWorkload
                metadata: {name: w, namespace: shop}
                spec:
                  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: fn}
                  kafka: {bootstrapServers: k:9092, consumerGroup: g}
                  policy:
                    fallback: {replicas: 2}
                """;
        Workload local = valid(Serialization.unmarshal(yaml, ScaledWorkload.class));
        @SuppressWarnings("unchecked")
        Map<String, Object> object = (Map<String, Object>) CrdValidationTest.longs(
                Serialization.unmarshal(yaml, Map.class));
        CrdValidationTest.applyDefaults(root, object);
        Workload cluster = valid(Serialization.unmarshal(Serialization.asJson(object), ScaledWorkload.class));
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

    /** A value from YAML or Markdown, in a comparable form: durations as Duration, numbers as double. */
    private static Object normalize(String field, String text) {
        if (text == null) {
            return null;
        }
        if (text.matches(Durations.PATTERN)) {
            return Durations.parse(field, text);
        }
        if (text.matches("-?[0-9.]+")) {
            return Double.parseDouble(text);
        }
        return text.toLowerCase(Locale.ROOT);
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
