package dev.ebb.scaler.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.scaler.crd.ScaledWorkloadCrd;
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
    void everyKustomizationBuildsFromFilesThatExist() {
        for (Path k : List.of(DEPLOY, DEPLOY.resolve("example"), DEPLOY.resolve("overlays/monitoring"))) {
            assertThat(Kustomizations.build(k)).as("objects of " + k).isNotEmpty();
        }
    }

    @Test
    void baseAppliesToABareClusterWithoutPrometheusOperatorKinds() {
        List<Kustomizations.Emitted> base = Kustomizations.build(DEPLOY);
        assertThat(base).extracting(Kustomizations.Emitted::group).doesNotContain("monitoring.coreos.com");
        assertThat(base).extracting(Kustomizations.Emitted::kind).contains("Namespace", "CustomResourceDefinition",
                "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding", "Deployment",
                "Service", "PodDisruptionBudget");
        // Only core Kubernetes groups: anything else needs another operator's CRDs first.
        assertThat(base).extracting(Kustomizations.Emitted::group).allMatch(g -> g.isEmpty()
                || g.equals("apps") || g.equals("policy") || g.endsWith(".k8s.io"));
    }

    @Test
    void monitoringComponentHoldsTheServiceMonitorRulesAndDashboard() {
        Map<String, Object> component = Kustomizations.read(DEPLOY.resolve("components/monitoring"));
        assertThat(component).containsEntry("kind", "Component");
        List<Kustomizations.Emitted> withMonitoring = Kustomizations.build(DEPLOY.resolve("overlays/monitoring"));
        assertThat(withMonitoring).extracting(Kustomizations.Emitted::kind)
                .contains("ServiceMonitor", "PrometheusRule", "ConfigMap");
        assertThat(withMonitoring).extracting(Kustomizations.Emitted::name).contains("ebb-grafana-dashboard");
        // The overlay is the base plus the component, nothing less.
        List<String> baseKinds = Kustomizations.build(DEPLOY).stream().map(e -> e.kind() + "/" + e.name()).toList();
        assertThat(withMonitoring.stream().map(e -> e.kind() + "/" + e.name()).toList()).containsAll(baseKinds);
    }

    @Test
    void monitoringOverlayListsExactlyTheBaseResourcesAndLabels() {
        Map<String, Object> base = Kustomizations.read(DEPLOY);
        Map<String, Object> overlay = Kustomizations.read(DEPLOY.resolve("overlays/monitoring"));
        assertThat(Kustomizations.list(overlay, "resources"))
                .isEqualTo(Kustomizations.list(base, "resources").stream().map(r -> "../../" + r).toList());
        assertThat(overlay.get("labels")).isEqualTo(base.get("labels"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void serviceMonitorKeepsTheWorkloadsNamespaceLabel() throws IOException {
        Map<String, Object> sm = Serialization.unmarshal(
                Files.readString(DEPLOY.resolve("components/monitoring/servicemonitor.yaml")), Map.class);
        List<Map<String, Object>> endpoints = (List<Map<String, Object>>) ((Map<String, Object>) sm.get("spec"))
                .get("endpoints");
        assertThat(endpoints).isNotEmpty().allSatisfy(e -> assertThat(e).containsEntry("honorLabels", true));
    }

    @Test
    @SuppressWarnings("unchecked")
    void networkPolicyAdmitsOnlyLabelledNamespacesToTheScalersHttpPort() throws IOException {
        assertThat(Kustomizations.build(DEPLOY)).anyMatch(e -> e.kind().equals("NetworkPolicy"));
        Map<String, Object> np = Serialization.unmarshal(Files.readString(DEPLOY.resolve("scaler/networkpolicy.yaml")),
                Map.class);
        Map<String, Object> spec = (Map<String, Object>) np.get("spec");
        Map<String, Object> deployment = Serialization.unmarshal(
                Files.readString(DEPLOY.resolve("scaler/deployment.yaml")), Map.class);
        Map<String, Object> template = (Map<String, Object>) ((Map<String, Object>) deployment.get("spec"))
                .get("template");
        Map<String, Object> podLabels = (Map<String, Object>) ((Map<String, Object>) template.get("metadata"))
                .get("labels");
        // It selects the scaler's pods, restricts ingress only, and admits one port from labelled namespaces only.
        assertThat(podLabels).containsAllEntriesOf((Map<String, Object>) ((Map<String, Object>) spec
                .get("podSelector")).get("matchLabels"));
        assertThat((List<String>) spec.get("policyTypes")).containsExactly("Ingress");
        List<Map<String, Object>> ingress = (List<Map<String, Object>>) spec.get("ingress");
        assertThat(ingress).singleElement().satisfies(rule -> {
            assertThat((List<Map<String, Object>>) rule.get("from")).singleElement().satisfies(from -> {
                assertThat(from).containsOnlyKeys("namespaceSelector");
                assertThat((Map<String, Object>) ((Map<String, Object>) from.get("namespaceSelector"))
                        .get("matchLabels")).containsEntry("ebb.dev/scrape-metrics", "true");
            });
            assertThat((List<Map<String, Object>>) rule.get("ports")).singleElement()
                    .satisfies(p -> assertThat(p).containsEntry("port", "http").containsEntry("protocol", "TCP"));
        });
        Map<String, Object> container = ((List<Map<String, Object>>) ((Map<String, Object>) template.get("spec"))
                .get("containers")).get(0);
        assertThat((List<Map<String, Object>>) container.get("ports"))
                .anySatisfy(p -> assertThat(p).containsEntry("name", "http"));
        assertThat((List<Map<String, Object>>) container.get("env"))
                .anySatisfy(e -> assertThat(e).containsEntry("name", "EBB_BIND_ADDRESS"));
    }

    @Test
    void kubectlBuildsBothWhenItIsInstalled() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(onPath("kubectl"), "kubectl is not installed");
        String base = kubectlKustomize(DEPLOY);
        assertThat(base).contains("kind: CustomResourceDefinition").doesNotContain("monitoring.coreos.com");
        assertThat(kubectlKustomize(DEPLOY.resolve("overlays/monitoring")))
                .contains("kind: ServiceMonitor", "kind: PrometheusRule", "honorLabels: true");
    }

    private static boolean onPath(String command) {
        String path = System.getenv("PATH");
        return path != null && java.util.Arrays.stream(path.split(java.io.File.pathSeparator))
                .anyMatch(d -> Files.isExecutable(Path.of(d, command)));
    }

    private static String kubectlKustomize(Path dir) throws Exception {
        Process p = new ProcessBuilder("kubectl", "kustomize", dir.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("kubectl kustomize " + dir + ":\n" + out).isZero();
        return out;
    }

    @Test
    void committedCrdEqualsTheOneGeneratedFromTheModel(@TempDir Path dir) throws IOException {
        Path generated = ScaledWorkloadCrd.generate(dir);
        assertThat(Files.readString(DEPLOY.resolve("crd").resolve(ScaledWorkloadCrd.FILE_NAME)))
                .as("deploy/crd is stale: regenerate it with `java -cp ... dev.ebb.scaler.crd.ScaledWorkloadCrd "
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
        for (Path p : List.of(DEPLOY.resolve("components/monitoring/grafana-dashboard.json"),
                DEPLOY.resolve("components/monitoring/prometheusrule.yaml"))) {
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
