package dev.ebb.scaler.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.scaler.metrics.ScalerMetrics;
import dev.ebb.scaler.workload.CatalogEntry;
import dev.ebb.scaler.workload.WorkloadSpecMapper;
import dev.ebb.scaler.workload.spec.ScaledWorkload;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** deploy/ applies unchanged: every manifest parses, the kustomizations list real files, the CRD is the generated one. */
class DeployManifestsTest {

    private static final Path DEPLOY = Path.of("..", "deploy").toAbsolutePath().normalize();

    @Test
    @SuppressWarnings("unchecked")
    void everyYamlDocumentInDeployParsesAsANamedKubernetesObject() throws IOException {
        List<Path> files = yamlFiles();
        assertThat(files).hasSizeGreaterThan(10);
        for (Path file : files) {
            for (String doc : documents(file)) {
                Map<String, Object> map = Serialization.unmarshal(doc, Map.class);
                assertThat(map).as(file.toString()).containsKeys("apiVersion", "kind");
                if (file.getFileName().toString().equals("kustomization.yaml")) {
                    continue;
                }
                HasMetadata resource = Serialization.unmarshal(doc, GenericKubernetesResource.class);
                assertThat(resource.getMetadata().getName()).as("metadata.name in " + file).isNotBlank();
            }
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void kustomizationsListOnlyFilesThatExist() throws IOException {
        for (Path k : List.of(DEPLOY.resolve("kustomization.yaml"), DEPLOY.resolve("example/kustomization.yaml"))) {
            Map<String, Object> kustomization = Serialization.unmarshal(Files.readString(k), Map.class);
            List<String> resources = (List<String>) kustomization.get("resources");
            assertThat(resources).isNotEmpty();
            for (String r : resources) {
                assertThat(k.getParent().resolve(r)).as("resource of " + k).isRegularFile();
            }
        }
    }

    @Test
    void committedCrdEqualsTheOneGeneratedFromTheModel(@TempDir Path dir) throws IOException {
        Path generated = ScaledWorkloadCrd.generate(dir);
        assertThat(Files.readString(DEPLOY.resolve("crd").resolve(ScaledWorkloadCrd.FILE_NAME)))
                .as("deploy/crd is stale: regenerate it with `java -cp ... dev.ebb.scaler.k8s.ScaledWorkloadCrd "
                        + "deploy/crd` (see scaler/KUBERNETES.md)")
                .isEqualTo(Files.readString(generated));
    }

    @Test
    void exampleScaledWorkloadIsValid() throws IOException {
        ScaledWorkload sw = Serialization.unmarshal(Files.readString(DEPLOY.resolve("example/scaledworkload.yaml")),
                ScaledWorkload.class);
        CatalogEntry entry = WorkloadSpecMapper.map(sw);
        assertThat(entry).isInstanceOf(CatalogEntry.Valid.class);
        assertThat(((CatalogEntry.Valid) entry).workload().target().name()).isEqualTo("order-enricher");
    }

    @Test
    void dashboardAndAlertsUseOnlyMetricsTheScalerExports() throws IOException {
        PrometheusRegistry registry = new PrometheusRegistry();
        new ScalerMetrics(registry);
        Set<String> exported = new TreeSet<>();
        for (MetricSnapshot s : registry.scrape()) {
            String name = s.getMetadata().getPrometheusName();
            exported.add(name);
            exported.add(name + "_total");
            exported.add(name + "_bucket");
        }
        Set<String> used = new TreeSet<>();
        Pattern metric = Pattern.compile("\\bebb_[a-z_]+");
        for (Path p : List.of(DEPLOY.resolve("monitoring/grafana-dashboard.json"),
                DEPLOY.resolve("monitoring/prometheusrule.yaml"))) {
            Matcher m = metric.matcher(Files.readString(p));
            while (m.find()) {
                used.add(m.group());
            }
        }
        used.remove("ebb_scaler"); // names of objects, not metrics
        assertThat(used).isNotEmpty();
        assertThat(exported).containsAll(used);
    }

    private static List<Path> yamlFiles() throws IOException {
        try (Stream<Path> s = Files.walk(DEPLOY)) {
            // deploy/helm holds Helm templates, not manifests; HelmChartTest renders and checks them.
            return s.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
                    .filter(p -> !p.startsWith(DEPLOY.resolve("helm"))).sorted()
                    .collect(Collectors.toList());
        }
    }

    private static List<String> documents(Path file) throws IOException {
        List<String> docs = new ArrayList<>();
        for (String doc : Files.readString(file).split("(?m)^---\\s*$")) {
            if (!doc.lines().allMatch(l -> l.isBlank() || l.trim().startsWith("#"))) {
                docs.add(doc);
            }
        }
        return docs;
    }
}
