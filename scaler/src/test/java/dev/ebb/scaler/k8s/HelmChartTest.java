package dev.ebb.scaler.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * deploy/helm/ebb renders the objects of the kustomize base (kinds, names, namespaces, RBAC rules, pod specs), and
 * its values change only what they name. The chart is rendered in the build by Helm itself (helm-java, the Helm
 * library with its native build); the base is read by following {@code resources:} of deploy/kustomization.yaml (and
 * of the folders it names), so the comparison follows the base as it changes. Monitoring is compared with the base's
 * monitoring objects, wherever they live: in the base, or in the optional component deploy/components/monitoring.
 */
class HelmChartTest {

    private static final Path DEPLOY = Path.of("..", "deploy").toAbsolutePath().normalize();
    private static final Path CHART = DEPLOY.resolve("helm/ebb");
    private static final Pattern SEPARATOR = Pattern.compile("(?m)^---\\s*$");
    private static final Set<String> MONITORING_KINDS = Set.of("ServiceMonitor", "PrometheusRule");

    record Key(String kind, String namespace, String name) {
        @Override
        public String toString() {
            return kind + " " + (namespace == null ? "" : namespace + "/") + name;
        }
    }

    @Test
    void rendersTheObjectsOfTheKustomizeBaseAndMonitoringComponent() throws IOException {
        Map<Key, Map<String, Object>> expected = new TreeMap<>(java.util.Comparator.comparing(Key::toString));
        expected.putAll(base());
        expected.putAll(monitoringComponent());

        Map<Key, Map<String, Object>> on = render(Map.of("monitoring.enabled", true));
        Map<Key, Map<String, Object>> off = render(Map.of());

        assertThat(on.keySet()).as("chart with monitoring.enabled=true").containsExactlyInAnyOrderElementsOf(
                expected.keySet());
        assertThat(off.keySet()).as("chart with default values (monitoring off)").containsExactlyInAnyOrderElementsOf(
                expected.keySet().stream().filter(k -> !isMonitoring(k, expected.get(k))).toList());
        assertThat(expected.keySet()).extracting(Key::kind).contains("CustomResourceDefinition", "Deployment",
                "ClusterRole", "Role", "ServiceMonitor", "PrometheusRule");
    }

    @Test
    void objectsMatchTheBaseFieldByField() throws IOException {
        Map<Key, Map<String, Object>> expected = new LinkedHashMap<>(base());
        expected.putAll(monitoringComponent());
        Map<Key, Map<String, Object>> chart = render(Map.of("monitoring.enabled", true));
        // Every difference at once, so a change of the base shows everything the chart must follow.
        SoftAssertions softly = new SoftAssertions();

        for (Map.Entry<Key, Map<String, Object>> e : expected.entrySet()) {
            Map<String, Object> want = e.getValue();
            Map<String, Object> got = chart.get(e.getKey());
            String what = e.getKey().toString();
            if (got == null) {
                softly.fail(what + " is not rendered by the chart");
                continue;
            }
            softly.assertThat(labels(got)).as("labels of " + what).containsAllEntriesOf(labels(want));
            switch (e.getKey().kind()) {
                case "ClusterRole", "Role" -> softly.assertThat(got.get("rules")).as("rules of " + what)
                        .isEqualTo(want.get("rules"));
                case "ClusterRoleBinding", "RoleBinding" -> {
                    softly.assertThat(got.get("roleRef")).as("roleRef of " + what).isEqualTo(want.get("roleRef"));
                    softly.assertThat(got.get("subjects")).as("subjects of " + what).isEqualTo(want.get("subjects"));
                }
                case "Deployment" -> {
                    Map<String, Object> gs = map(got.get("spec"));
                    Map<String, Object> ws = map(want.get("spec"));
                    softly.assertThat(gs.get("replicas")).as("replicas").isEqualTo(ws.get("replicas"));
                    softly.assertThat(gs.get("selector")).as("selector").isEqualTo(ws.get("selector"));
                    softly.assertThat(map(gs.get("template")).get("spec")).as("pod spec of " + what)
                            .isEqualTo(map(ws.get("template")).get("spec"));
                    softly.assertThat(labels(map(gs.get("template")))).containsAllEntriesOf(labels(map(ws.get("template"))));
                }
                case "ConfigMap" -> softly.assertThat(json(map(got.get("data"))))
                        .as("data of " + what).isEqualTo(json(map(want.get("data"))));
                case "ServiceAccount" -> softly.assertThat(got.get("automountServiceAccountToken"))
                        .isEqualTo(want.get("automountServiceAccountToken"));
                case "Namespace" -> { }
                default -> softly.assertThat(got.get("spec")).as("spec of " + what).isEqualTo(want.get("spec"));
            }
        }
        softly.assertAll();
    }

    @Test
    void valuesChangeOnlyWhatTheyName() throws IOException {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("image.repository", "registry.example.com/ebb");
        values.put("image.tag", "9.9.9");
        values.put("namespace", "ops");
        values.put("watchNamespace", "shop");
        values.put("replicas", 3);
        values.put("resources.limits.memory", "1Gi");
        Map<Key, Map<String, Object>> chart = render(values);

        Map<String, Object> deployment = chart.get(new Key("Deployment", "ops", "ebb-scaler"));
        assertThat(deployment).isNotNull();
        Map<String, Object> spec = map(deployment.get("spec"));
        assertThat(spec.get("replicas")).isEqualTo(3);
        Map<String, Object> container = container(deployment);
        assertThat(container.get("image")).isEqualTo("registry.example.com/ebb:9.9.9");
        assertThat(args(container)).containsSequence("--namespace", "shop");
        assertThat(map(map(container.get("resources")).get("limits"))).containsEntry("memory", "1Gi");
        assertThat(map(map(container.get("resources")).get("requests"))).containsEntry("cpu", "100m");
        assertThat(chart.keySet()).contains(new Key("Namespace", null, "ops"));
        assertThat(chart.keySet()).filteredOn(k -> !k.kind().equals("RoleBinding") || !k.name().equals("ebb-scaler"))
                .allSatisfy(k -> assertThat(k.namespace()).isIn(null, "ops"));
        assertThat(chart.keySet()).as("one namespace watched: the scaler's rules are bound there only")
                .contains(new Key("RoleBinding", "shop", "ebb-scaler"))
                .doesNotContain(new Key("ClusterRoleBinding", null, "ebb-scaler"));
        assertThat(chart.values()).filteredOn(o -> o.get("subjects") != null)
                .allSatisfy(o -> assertThat(map(((List<?>) o.get("subjects")).get(0))).containsEntry("namespace",
                        "ops"));

        Map<Key, Map<String, Object>> single = render(Map.of("replicas", 1, "createNamespace", false));
        assertThat(single.keySet()).extracting(Key::kind).as("no PDB for one replica (it would block drains), no "
                + "Namespace when it exists").doesNotContain("PodDisruptionBudget", "Namespace");
        assertThat(args(container(single.get(new Key("Deployment", "ebb-system", "ebb-scaler")))))
                .doesNotContain("--namespace");
    }

    @Test
    void passesHelmLintStrict() {
        com.marcnuri.helm.LintResult result = new Helm(CHART).lint().strict().call();

        assertThat(result.isFailed()).as("helm lint --strict: %s", result.getMessages()).isFalse();
    }

    @Test
    void theChartShipsTheGeneratedCrd() throws IOException {
        Path generated = DEPLOY.resolve("crd/scaledworkloads.ebb.dev-v1.yml");
        Path shipped = CHART.resolve("crds/scaledworkloads.ebb.dev-v1.yml");
        Map<String, Object> want = parse(Files.readString(generated)).get(0);
        Map<String, Object> got = parse(Files.readString(shipped)).get(0);
        assertThat(labels(got)).containsEntry("app.kubernetes.io/part-of", "ebb");
        map(got.get("metadata")).remove("labels");
        assertThat(got).as("deploy/helm/ebb/crds/ must be " + generated + " plus the part-of label: copy it over "
                + "and keep the label").isEqualTo(want);
    }

    // ---- rendering and reading

    private static Map<String, Object> container(Map<String, Object> deployment) {
        Map<String, Object> pod = map(map(map(deployment.get("spec")).get("template")).get("spec"));
        return map(((List<?>) pod.get("containers")).get(0));
    }

    private static List<String> args(Map<String, Object> container) {
        return ((List<?>) container.get("args")).stream().map(String::valueOf).toList();
    }

    private static Map<Key, Map<String, Object>> render(Map<String, Object> values) throws IOException {
        TemplateCommand t = new Helm(CHART).template().withName("ebb").withNamespace("default");
        values.forEach(t::set);
        Map<Key, Map<String, Object>> out = new LinkedHashMap<>();
        for (Map<String, Object> o : parse(t.call())) {
            out.put(key(o, null), o);
        }
        // `helm template` leaves out crds/; `helm install` applies it before the templates.
        try (var files = Files.list(CHART.resolve("crds"))) {
            for (Path f : files.sorted().toList()) {
                for (Map<String, Object> o : parse(Files.readString(f))) {
                    out.put(key(o, null), o);
                }
            }
        }
        return out;
    }

    private static Map<Key, Map<String, Object>> base() throws IOException {
        return kustomize(DEPLOY);
    }

    /** The monitoring objects when they are an optional component; empty while they are part of the base. */
    private static Map<Key, Map<String, Object>> monitoringComponent() throws IOException {
        Path component = DEPLOY.resolve("components/monitoring");
        return Files.isRegularFile(component.resolve("kustomization.yaml")) ? kustomize(component) : Map.of();
    }

    /** Follows resources:, components: and configMapGenerator: of a kustomization, as kustomize does. */
    @SuppressWarnings("unchecked")
    private static Map<Key, Map<String, Object>> kustomize(Path dir) throws IOException {
        Map<String, Object> k = Serialization.unmarshal(Files.readString(dir.resolve("kustomization.yaml")), Map.class);
        Map<Key, Map<String, Object>> out = new LinkedHashMap<>();
        List<String> entries = new ArrayList<>();
        entries.addAll((List<String>) k.getOrDefault("resources", List.of()));
        entries.addAll((List<String>) k.getOrDefault("components", List.of()));
        for (String entry : entries) {
            Path p = dir.resolve(entry).normalize();
            if (Files.isDirectory(p)) {
                out.putAll(kustomize(p));
            } else {
                for (Map<String, Object> o : parse(Files.readString(p))) {
                    out.put(key(o, null), o);
                }
            }
        }
        for (Object g : (List<Object>) k.getOrDefault("configMapGenerator", List.of())) {
            Map<String, Object> gen = map(g);
            Map<String, Object> data = new LinkedHashMap<>();
            for (Object f : (List<Object>) gen.getOrDefault("files", List.of())) {
                Path file = dir.resolve(String.valueOf(f));
                data.put(file.getFileName().toString(), Files.readString(file));
            }
            Map<String, Object> meta = new LinkedHashMap<>();
            meta.put("name", gen.get("name"));
            meta.put("namespace", gen.get("namespace"));
            meta.put("labels", map(map(gen.get("options")).get("labels")));
            Map<String, Object> cm = new LinkedHashMap<>(Map.of("apiVersion", "v1", "kind", "ConfigMap",
                    "metadata", meta, "data", data));
            out.put(key(cm, null), cm);
        }
        String namespace = (String) k.get("namespace");
        Map<String, Object> common = new LinkedHashMap<>();
        for (Object l : (List<Object>) k.getOrDefault("labels", List.of())) {
            common.putAll(map(map(l).get("pairs")));
        }
        Map<Key, Map<String, Object>> result = new LinkedHashMap<>();
        for (Map<String, Object> o : out.values()) {
            Map<String, Object> meta = (Map<String, Object>) o.computeIfAbsent("metadata", x -> new LinkedHashMap<>());
            if (namespace != null && meta.get("namespace") != null) {
                meta.put("namespace", namespace);
            }
            if (!common.isEmpty()) {
                Map<String, Object> labels = new LinkedHashMap<>(map(meta.get("labels")));
                labels.putAll(common);
                meta.put("labels", labels);
            }
            result.put(key(o, null), o);
        }
        return result;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> parse(String text) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (String doc : SEPARATOR.split(text)) {
            if (doc.lines().allMatch(l -> l.isBlank() || l.stripLeading().startsWith("#"))) {
                continue;
            }
            Object o = Serialization.unmarshal(doc, Map.class);
            if (o instanceof Map<?, ?> m && m.get("kind") != null) {
                out.add((Map<String, Object>) m);
            }
        }
        return out;
    }

    private static Key key(Map<String, Object> o, String defaultNamespace) {
        Map<String, Object> meta = map(o.get("metadata"));
        Object ns = meta.get("namespace");
        return new Key(String.valueOf(o.get("kind")), ns == null ? defaultNamespace : String.valueOf(ns),
                String.valueOf(meta.get("name")));
    }

    private static boolean isMonitoring(Key k, Map<String, Object> o) {
        return MONITORING_KINDS.contains(k.kind())
                || (k.kind().equals("ConfigMap") && labels(o).containsKey("grafana_dashboard"));
    }

    private static Map<String, Object> labels(Map<String, Object> o) {
        return map(map(o.get("metadata")).get("labels"));
    }

    /** ConfigMap values that hold JSON compare as JSON, so whitespace at the ends does not matter. */
    private static Map<String, Object> json(Map<String, Object> data) {
        return data.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> {
            String v = String.valueOf(e.getValue());
            return v.trim().startsWith("{") ? Serialization.unmarshal(v, Map.class) : v;
        }));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }
}
