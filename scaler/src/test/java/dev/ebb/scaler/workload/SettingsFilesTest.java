package dev.ebb.scaler.workload;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.scaler.policy.PolicyField;
import dev.ebb.scaler.workload.spec.ScaledWorkload;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The ScaledWorkload files the project ships (local mode's and the cluster examples) write only declared policy
 * settings, in the one duration grammar, and map to a valid workload: a setting renamed or re-bounded in
 * {@link PolicyField} cannot leave a shipped file behind.
 */
class SettingsFilesTest {

    private static final Path DEPLOY = Path.of("..", "deploy").toAbsolutePath().normalize();

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
