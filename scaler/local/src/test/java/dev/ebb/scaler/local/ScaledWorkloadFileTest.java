package dev.ebb.scaler.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.scaler.workload.spec.ScaledWorkload;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ScaledWorkloadFileTest {

    private static final String ORDERS = """
            apiVersion: ebb.dev/v1alpha1
            kind: ScaledWorkload
            metadata:
              name: orders
            spec:
              scaleTargetRef: {name: order-enricher}
              kafka: {bootstrapServers: "localhost:9092", consumerGroup: orders, topics: [orders]}
              policy: {mode: threshold, lagThreshold: 50, maxReplicas: 4}
            """;

    @Test
    void readsEveryDocumentOfAMultiDocumentFile() {
        String text = "# two workloads\n" + ORDERS + "---\n" + ORDERS.replace("name: orders", "name: payments")
                .replace("consumerGroup: orders", "consumerGroup: payments") + "---\n";

        ScaledWorkloadFile.Parsed parsed = ScaledWorkloadFile.parse(text, "w.yaml");

        assertThat(parsed.problems()).isEmpty();
        assertThat(parsed.workloads()).extracting(w -> w.getMetadata().getName()).containsExactly("orders", "payments");
        ScaledWorkload orders = parsed.workloads().get(0);
        assertThat(orders.getMetadata().getNamespace()).isEqualTo("local");
        assertThat(orders.getSpec().getPolicy().getLagThreshold()).isEqualTo(50L);
        assertThat(orders.getSpec().getKafka().getTopics()).containsExactly("orders");
        assertThat(orders.getSpec().getScaleTargetRef().getName()).isEqualTo("order-enricher");
    }

    @Test
    void readsAJsonFile() {
        String json = """
                {"apiVersion": "ebb.dev/v1alpha1", "kind": "ScaledWorkload",
                 "metadata": {"name": "orders", "namespace": "shop"},
                 "spec": {"scaleTargetRef": {"name": "enricher"},
                          "kafka": {"bootstrapServers": "k:9092", "consumerGroup": "g"}}}
                """;

        ScaledWorkloadFile.Parsed parsed = ScaledWorkloadFile.parse(json, "w.json");

        assertThat(parsed.problems()).isEmpty();
        assertThat(parsed.workloads()).singleElement()
                .satisfies(w -> assertThat(w.getMetadata().getNamespace()).isEqualTo("shop"));
    }

    @Test
    void reportsEveryBadDocumentAndKeepsTheGoodOnes() {
        String text = ORDERS + "---\n" + ORDERS.replace("kind: ScaledWorkload", "kind: Deployment")
                + "---\n" + ORDERS.replace("ebb.dev/v1alpha1", "ebb.dev/v9") + "---\nspec: [not, a, map\n";

        ScaledWorkloadFile.Parsed parsed = ScaledWorkloadFile.parse(text, "w.yaml");

        assertThat(parsed.workloads()).hasSize(1);
        assertThat(parsed.problems()).hasSize(3);
        assertThat(parsed.problems().get(0)).contains("'Deployment' for kind in w.yaml document 2");
        assertThat(parsed.problems().get(1)).contains("'ebb.dev/v9' for apiVersion in w.yaml document 3");
        assertThat(parsed.problems().get(2)).contains("w.yaml document 4");
    }

    @Test
    void reportsAMisspelledField() {
        ScaledWorkloadFile.Parsed parsed = ScaledWorkloadFile.parse(
                ORDERS.replace("lagThreshold: 50", "lagTreshold: 50"), "w.yaml");

        assertThat(parsed.workloads()).isEmpty();
        assertThat(parsed.problems()).singleElement().asString().contains("w.yaml document 1").contains("lagTreshold");
    }

    @Test
    void theExampleFileInDeployLocalIsValid() throws Exception {
        Path example = Path.of("..", "..", "deploy", "local", "order-enricher.yaml");

        ScaledWorkloadFile.Parsed parsed = ScaledWorkloadFile.read(example);

        assertThat(parsed.problems()).isEmpty();
        assertThat(parsed.workloads()).singleElement()
                .satisfies(w -> assertThat(w.getSpec().getPolicy().getMode()).isEqualTo("drain"));
        assertThat(Files.readString(example)).contains("ebb local");
    }
}
