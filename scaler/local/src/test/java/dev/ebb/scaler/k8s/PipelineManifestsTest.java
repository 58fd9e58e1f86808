package dev.ebb.scaler.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.scaler.local.ScaledWorkloadFile;
import dev.ebb.scaler.workload.CatalogEntry;
import dev.ebb.scaler.workload.WorkloadSpecMapper;
import dev.ebb.scaler.workload.spec.ScaledWorkload;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * deploy/example/pipeline (ingest → enrich → store): every stage is a Deployment, its ConfigMap and a ScaledWorkload
 * that maps, targets that Deployment in the same namespace and watches the group and topic the workers consume.
 */
class PipelineManifestsTest {

    private static final Path DEPLOY = Path.of("..", "..", "deploy").toAbsolutePath().normalize();
    private static final Path PIPELINE = DEPLOY.resolve("example/pipeline");
    private static final List<String> STAGES = List.of("order-ingest", "order-enricher", "order-store");

    @Test
    void kustomizationEmitsANamespaceAndPerStageAConfigMapDeploymentAndScaledWorkload() {
        List<Kustomizations.Emitted> objects = Kustomizations.build(PIPELINE);
        assertThat(objects).extracting(e -> e.kind() + "/" + e.name()).containsExactlyInAnyOrder(
                "Namespace/ebb-pipeline",
                "ConfigMap/order-ingest", "Deployment/order-ingest", "ScaledWorkload/order-ingest",
                "ConfigMap/order-enricher", "Deployment/order-enricher", "ScaledWorkload/order-enricher",
                "ConfigMap/order-store", "Deployment/order-store", "ScaledWorkload/order-store");
    }

    @Test
    void eachScaledWorkloadMapsAndTargetsItsStagesDeploymentOnTheGroupAndTopicItsWorkersConsume() throws IOException {
        Map<String, Object> objects = Kustomizations.build(PIPELINE).stream()
                .collect(Collectors.toMap(e -> e.kind() + "/" + e.name(), e -> read(e)));
        Set<String> groups = new HashSet<>();
        for (String stage : STAGES) {
            ScaledWorkload sw = (ScaledWorkload) objects.get("ScaledWorkload/" + stage);
            Deployment deployment = (Deployment) objects.get("Deployment/" + stage);
            ConfigMap config = (ConfigMap) objects.get("ConfigMap/" + stage);

            CatalogEntry entry = WorkloadSpecMapper.map(sw);
            assertThat(entry).as(stage + ": " + entry).isInstanceOf(CatalogEntry.Valid.class);
            var target = ((CatalogEntry.Valid) entry).workload().target();
            assertThat(target.kind()).isEqualTo("Deployment");
            assertThat(target.name()).isEqualTo(deployment.getMetadata().getName());
            assertThat(target.namespace()).isEqualTo(deployment.getMetadata().getNamespace())
                    .isEqualTo(sw.getMetadata().getNamespace()).isEqualTo("ebb-pipeline");
            assertThat(config.getMetadata().getNamespace()).isEqualTo("ebb-pipeline");

            // The workers consume what the scaler watches: the same group, the same topic.
            assertThat(config.getData()).containsEntry("EBB_GROUP", sw.getSpec().getKafka().getConsumerGroup())
                    .containsEntry("EBB_TOPICS", String.join(",", sw.getSpec().getKafka().getTopics()));
            assertThat(groups.add(sw.getSpec().getKafka().getConsumerGroup())).as("group of " + stage + " is its own")
                    .isTrue();
            Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
            assertThat(container.getEnvFrom().get(0).getConfigMapRef().getName()).isEqualTo(stage);
            assertThat(deployment.getSpec().getReplicas()).isZero();
        }
    }

    @Test
    void stagesChainTopicsAndRunTheirOwnMainClassFromTheExampleImage() throws Exception {
        Map<String, Object> objects = Kustomizations.build(PIPELINE).stream()
                .collect(Collectors.toMap(e -> e.kind() + "/" + e.name(), e -> read(e)));
        ConfigMap ingest = (ConfigMap) objects.get("ConfigMap/order-ingest");
        ConfigMap enrich = (ConfigMap) objects.get("ConfigMap/order-enricher");
        ConfigMap store = (ConfigMap) objects.get("ConfigMap/order-store");
        assertThat(ingest.getData()).containsEntry("EBB_TOPICS", "orders-raw").containsEntry("EBB_OUTPUT_TOPIC",
                "orders");
        assertThat(enrich.getData()).containsEntry("EBB_TOPICS", "orders").containsEntry("EBB_OUTPUT_TOPIC",
                "orders-enriched");
        assertThat(store.getData()).containsEntry("EBB_TOPICS", "orders-enriched").doesNotContainKey(
                "EBB_OUTPUT_TOPIC");
        for (String stage : List.of("order-ingest", "order-store")) {
            Container c = ((Deployment) objects.get("Deployment/" + stage)).getSpec().getTemplate().getSpec()
                    .getContainers().get(0);
            assertThat(c.getImage()).startsWith("ghcr.io/ebb-dev/ebb-example-function:");
            String main = c.getCommand().get(c.getCommand().size() - 1);
            // The class the container runs exists and is a runnable main class.
            java.lang.reflect.Method entry = Class.forName(main).getMethod("main", String[].class);
            assertThat(java.lang.reflect.Modifier.isStatic(entry.getModifiers())).as(main + ".main is static")
                    .isTrue();
            assertThat(entry.getReturnType()).isEqualTo(void.class);
        }
    }

    @Test
    void localPipelineFileHoldsOneValidScaledWorkloadPerStage() throws IOException {
        ScaledWorkloadFile.Parsed parsed = ScaledWorkloadFile.read(DEPLOY.resolve("local/pipeline.yaml"));
        assertThat(parsed.problems()).isEmpty();
        assertThat(parsed.workloads()).extracting(w -> w.getMetadata().getName()).containsExactlyElementsOf(STAGES);
        assertThat(parsed.workloads()).extracting(w -> w.getSpec().getKafka().getTopics().get(0))
                .containsExactly("orders-raw", "orders", "orders-enriched");
        for (ScaledWorkload sw : parsed.workloads()) {
            assertThat(WorkloadSpecMapper.map(sw)).as(sw.getMetadata().getName()).isInstanceOf(
                    CatalogEntry.Valid.class);
        }
    }

    private static Object read(Kustomizations.Emitted e) {
        try {
            String text = Files.readString(e.source());
            return switch (e.kind()) {
                case "ScaledWorkload" -> Serialization.unmarshal(text, ScaledWorkload.class);
                case "Deployment" -> Serialization.unmarshal(text, Deployment.class);
                case "ConfigMap" -> Serialization.unmarshal(text, ConfigMap.class);
                default -> e.kind();
            };
        } catch (IOException ex) {
            throw new java.io.UncheckedIOException(ex);
        }
    }
}
