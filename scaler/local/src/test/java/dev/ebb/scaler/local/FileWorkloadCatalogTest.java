package dev.ebb.scaler.local;

import static dev.ebb.scaler.local.LocalThreadScaleTargetTest.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ebb.scaler.policy.Mode;
import dev.ebb.scaler.workload.CatalogEntry;
import dev.ebb.scaler.workload.Workload;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileWorkloadCatalogTest {

    private static String workload(String name, String policy) {
        return """
                apiVersion: ebb.dev/v1alpha1
                kind: ScaledWorkload
                metadata:
                  name: %s
                spec:
                  scaleTargetRef: {name: %s-workers}
                  kafka: {bootstrapServers: "localhost:9092", consumerGroup: %s, topics: [orders]}
                  pollInterval: 2s
                  policy: %s
                """.formatted(name, name, name, policy);
    }

    private static Workload valid(CatalogEntry entry) {
        assertThat(entry).isInstanceOf(CatalogEntry.Valid.class);
        return ((CatalogEntry.Valid) entry).workload();
    }

    @Test
    void mapsEachResourceWithTheClusterMapper(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("workloads.yaml");
        Files.writeString(file, workload("orders", "{mode: threshold, lagThreshold: 50, maxReplicas: 4}"));

        try (FileWorkloadCatalog catalog = new FileWorkloadCatalog(file, Duration.ofHours(1))) {
            Workload orders = valid(catalog.entries().get(0));

            assertThat(orders.id().namespace()).isEqualTo("local");
            assertThat(orders.id().name()).isEqualTo("orders");
            assertThat(orders.target().name()).isEqualTo("orders-workers");
            assertThat(orders.group().groupId()).isEqualTo("orders");
            assertThat(orders.group().topics()).containsExactly("orders");
            assertThat(orders.pollInterval()).isEqualTo(Duration.ofSeconds(2));
            assertThat(orders.policy().mode()).isEqualTo(Mode.THRESHOLD);
            assertThat(orders.policy().maxReplicas()).isEqualTo(4);
            assertThat(orders.cluster().bootstrapServers()).isEqualTo("localhost:9092");
        }
    }

    @Test
    void reportsEveryProblemOfAnInvalidWorkload(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("workloads.yaml");
        Files.writeString(file, workload("orders", "{mode: threshold, lagThreshold: -5, maxReplicas: -1}")
                + "---\n" + workload("payments", "{mode: drain}"));

        try (FileWorkloadCatalog catalog = new FileWorkloadCatalog(file, Duration.ofHours(1))) {
            assertThat(catalog.entries()).hasSize(2);
            CatalogEntry orders = catalog.entries().get(0);
            assertThat(orders).isInstanceOf(CatalogEntry.Invalid.class);
            assertThat(((CatalogEntry.Invalid) orders).problems())
                    .anySatisfy(p -> assertThat(p).contains("-5").contains("lagThreshold"))
                    .anySatisfy(p -> assertThat(p).contains("-1").contains("maxReplicas"));
            assertThat(valid(catalog.entries().get(1)).id().name()).isEqualTo("payments");
        }
    }

    @Test
    void picksUpChangesToTheFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("workloads.yaml");
        Files.writeString(file, workload("orders", "{maxReplicas: 4}"));

        try (FileWorkloadCatalog catalog = new FileWorkloadCatalog(file, Duration.ofMillis(50))) {
            assertThat(valid(catalog.entries().get(0)).policy().maxReplicas()).isEqualTo(4);

            Files.writeString(file, workload("orders", "{maxReplicas: 7}") + "---\n"
                    + workload("payments", "{maxReplicas: 2}"));

            waitUntil(() -> catalog.entries().size() == 2);
            assertThat(valid(catalog.entries().get(0)).policy().maxReplicas()).isEqualTo(7);
            assertThat(valid(catalog.entries().get(1)).id().name()).isEqualTo("payments");
        }
    }

    @Test
    void keepsTheLastGoodWorkloadsWhenTheFileDisappears(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("workloads.yaml");
        Files.writeString(file, workload("orders", "{maxReplicas: 4}"));

        try (FileWorkloadCatalog catalog = new FileWorkloadCatalog(file, Duration.ofHours(1))) {
            Files.delete(file);

            assertThatThrownBy(catalog::reload).isInstanceOf(NoSuchFileException.class);
            assertThat(valid(catalog.entries().get(0)).id().name()).isEqualTo("orders");
        }
    }

    @Test
    void unreadableDocumentsBecomeInvalidEntriesNamingTheDocument(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("workloads.yaml");
        Files.writeString(file, workload("orders", "{maxReplicas: 4}") + "---\nkind: Deployment\napiVersion: apps/v1\n");

        try (FileWorkloadCatalog catalog = new FileWorkloadCatalog(file, Duration.ofHours(1))) {
            assertThat(catalog.entries()).hasSize(2);
            CatalogEntry bad = catalog.entries().get(1);
            assertThat(bad).isInstanceOf(CatalogEntry.Invalid.class);
            assertThat(((CatalogEntry.Invalid) bad).problems()).singleElement().asString()
                    .contains("workloads.yaml document 2").contains("'Deployment' for kind");
        }
    }

    @Test
    void failsAtOnceWhenTheFileIsMissing(@TempDir Path dir) {
        assertThatThrownBy(() -> new FileWorkloadCatalog(dir.resolve("nope.yaml"), Duration.ofSeconds(1)))
                .isInstanceOf(NoSuchFileException.class).hasMessageContaining("nope.yaml");
    }
}
