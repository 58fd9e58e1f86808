package dev.ebb.scaler.workload;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.scaler.policy.FallbackBehavior;
import dev.ebb.scaler.policy.PolicyField;
import dev.ebb.scaler.policy.PolicySpec;
import dev.ebb.scaler.workload.spec.Durations;
import dev.ebb.scaler.workload.spec.ScaledWorkload;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every declared setting travels from the resource to the spec (a forgotten mapper line fails here), and the
 * ScaledWorkload files the project ships (local mode's and the cluster examples) write only declared policy settings,
 * in the one duration grammar, and map to a valid workload: a setting renamed or re-bounded in {@link PolicyField}
 * cannot leave a shipped file behind.
 */
class SettingsFilesTest {

    private static final Path DEPLOY = Path.of("..", "deploy").toAbsolutePath().normalize();

    /** A valid value other than the default, as a user writes it, for each declared field. */
    private static String otherValue(PolicyField f) {
        return switch (f) {
            case MIN_REPLICAS -> "1";
            case MAX_REPLICAS -> "9";
            case IDLE_REPLICAS -> "0";
            case FALLBACK_REPLICAS -> "2";
            case FALLBACK_BEHAVIOR -> "currentReplicasIfHigher";
            case PARTITION_LIMITATION -> "1-2";
            case TOLERANCE -> "0.25";
            case PER_REPLICA_RATE -> "50.5";
            default -> switch (f.type()) {
                case COUNT, NUMBER -> String.valueOf(Long.parseLong(f.defaultText().orElse("1")) + 1);
                case DURATION -> "7s";
                case FLAG -> "true";
                case CHOICE -> f.choices().stream().filter(c -> !f.defaultText().orElseThrow().equals(c)).findFirst()
                        .orElseThrow();
                default -> throw new AssertionError("no value for " + f);
            };
        };
    }

    @Test
    void theMapperCarriesEveryDeclaredSettingFromTheResourceToTheSpec() {
        for (PolicyField f : PolicyField.values()) {
            if (f == PolicyField.GROUP_KIND) {
                continue; // not written: spec.kafka.shareGroup decides it (WorkloadSpecMapperTest)
            }
            String value = otherValue(f);
            String kafka = "  kafka: {bootstrapServers: k:9092, consumerGroup: g"
                    + (f == PolicyField.OFFSET_RESET_POLICY ? ", offsetResetPolicy: " + value : "") + "}\n";
            String policy = "";
            if (f.yamlName().startsWith("fallback.")) {
                String sub = f.yamlName().substring("fallback.".length());
                policy = "  policy: {fallback: {" + sub + ": " + value
                        + (f == PolicyField.FALLBACK_REPLICAS ? "" : ", replicas: 2") + "}}\n";
            } else if (f != PolicyField.OFFSET_RESET_POLICY) {
                policy = "  policy: {" + f.yamlName() + ": \"" + value + "\"}\n";
                if (f.type() != PolicyField.Type.DURATION && f.type() != PolicyField.Type.TEXT
                        && f.type() != PolicyField.Type.CHOICE) {
                    policy = policy.replace("\"", "");
                }
            }
            String yaml = "apiVersion: ebb.dev/v1alpha1\nkind: ScaledWorkload\nmetadata: {name: w}\nspec:\n"
                    + "  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: fn}\n" + kafka + policy;
            CatalogEntry entry = WorkloadSpecMapper.map(Serialization.unmarshal(yaml, ScaledWorkload.class));
            assertThat(entry).as(f.yamlName() + ": " + value + " maps: " + entry).isInstanceOf(CatalogEntry.Valid.class);
            PolicySpec spec = ((CatalogEntry.Valid) entry).workload().policy();
            assertThat(written(f.valueIn(spec))).as(f.yamlName() + " reaches the spec").isEqualTo(value);
        }
    }

    /** A spec's value as a user writes it. */
    private static String written(Object v) {
        if (v instanceof Duration d) {
            return Durations.format(d);
        }
        if (v instanceof FallbackBehavior b) {
            return b.yamlName();
        }
        if (v instanceof Enum<?> e) {
            return e.name().toLowerCase(Locale.ROOT);
        }
        return String.valueOf(v);
    }

    @Test
    void everyShippedScaledWorkloadUsesDeclaredSettingsAndMapsValid() throws IOException {
        List<Path> files = new ArrayList<>();
        for (String dir : List.of("local", "example")) {
            try (Stream<Path> s = Files.walk(DEPLOY.resolve(dir))) {
                s.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).forEach(files::add);
            }
        }
        int workloads = 0;
        for (Path file : files) {
            for (String document : Files.readString(file).split("(?m)^---\\s*$")) {
                if (!document.contains("kind: ScaledWorkload")) {
                    continue;
                }
                workloads++;
                Map<?, ?> raw = Serialization.unmarshal(document, Map.class);
                Map<?, ?> spec = (Map<?, ?>) raw.get("spec");
                Object policy = spec.get("policy");
                if (policy instanceof Map<?, ?> settings) {
                    settings.forEach((name, value) -> {
                        if (value instanceof Map<?, ?> nested) {
                            nested.keySet().forEach(sub -> assertThat(PolicyField.named(name + "." + sub))
                                    .as(file + ": spec.policy." + name + "." + sub + " is declared").isPresent());
                        } else {
                            assertThat(PolicyField.named(String.valueOf(name)))
                                    .as(file + ": spec.policy." + name + " is declared").isPresent();
                        }
                    });
                }
                CatalogEntry entry = WorkloadSpecMapper.map(Serialization.unmarshal(document, ScaledWorkload.class));
                assertThat(entry).as(file + " maps valid: " + entry).isInstanceOf(CatalogEntry.Valid.class);
            }
        }
        assertThat(workloads).as("ScaledWorkloads under deploy/local and deploy/example").isGreaterThanOrEqualTo(6);
    }
}
