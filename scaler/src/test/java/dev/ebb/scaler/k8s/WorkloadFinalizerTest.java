package dev.ebb.scaler.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.scaler.target.ScaleOutcome;
import dev.ebb.scaler.target.ScaleTarget;
import dev.ebb.scaler.target.TargetRef;
import dev.ebb.scaler.workload.spec.ScaleTargetRefSpec;
import dev.ebb.scaler.workload.spec.ScaledWorkload;
import dev.ebb.scaler.workload.spec.ScaledWorkloadSpec;
import dev.ebb.scaler.workload.spec.ScaledWorkloadStatus;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The finalizer against fabric8's mock API server in CRUD mode, one scan at a time (no timing): it appends to another
 * controller's finalizers instead of replacing them, and a restore that does not finish is reported once (an Event)
 * and keeps the finalizer for the next scan.
 */
class WorkloadFinalizerTest {

    private static final String NS = "shop";
    private RecordingApiServer api;
    private KubernetesClient client;
    private final List<List<TargetRef>> named = new CopyOnWriteArrayList<>();
    private final List<TargetRef> restores = new CopyOnWriteArrayList<>();
    private WorkloadFinalizer finalizer;

    @BeforeEach
    void start() {
        api = new RecordingApiServer().start();
        client = api.server().createClient();
    }

    @AfterEach
    void stop() {
        if (finalizer != null) {
            finalizer.close();
        }
        client.close();
        api.stop();
    }

    @Test
    void appendsItsFinalizerKeepingAnotherControllersFinalizer() {
        create("orders", List.of("backup.example.com/snapshot"), false);
        finalizer = finalizer(neverCompletes());

        finalizer.scan();

        assertThat(get("orders").getMetadata().getFinalizers())
                .containsExactly("backup.example.com/snapshot", WorkloadFinalizer.FINALIZER);
    }

    @Test
    void createsTheListWhenThereIsNone() {
        create("orders", List.of(), false);
        finalizer = finalizer(neverCompletes());

        finalizer.scan();

        assertThat(get("orders").getMetadata().getFinalizers()).containsExactly(WorkloadFinalizer.FINALIZER);
    }

    @Test
    void aRestoreThatDoesNotFinishKeepsTheFinalizerAndIsReportedOnceAsAWarningEvent() {
        create("orders", List.of(WorkloadFinalizer.FINALIZER), true);
        client.resources(ScaledWorkload.class).inNamespace(NS).withName("orders").delete();
        assertThat(get("orders").getMetadata().getDeletionTimestamp()).as("held by the finalizer").isNotNull();
        finalizer = finalizer(neverCompletes());

        finalizer.scan();
        finalizer.scan();

        assertThat(restores).hasSize(2).allSatisfy(t -> assertThat(t).isEqualTo(
                new TargetRef(NS, "apps/v1", "Deployment", "orders-fn")));
        assertThat(get("orders").getMetadata().getFinalizers()).containsExactly(WorkloadFinalizer.FINALIZER);
        List<Event> events = client.v1().events().inNamespace(NS).list().getItems();
        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.getType()).isEqualTo("Warning");
            assertThat(e.getReason()).isEqualTo("RestoreTimedOut");
            assertThat(e.getInvolvedObject().getKind()).isEqualTo("ScaledWorkload");
            assertThat(e.getInvolvedObject().getName()).isEqualTo("orders");
            assertThat(e.getMessage()).contains("Deployment/orders-fn").contains("original 3 replicas")
                    .contains("the finalizer stays");
        });
    }

    @Test
    void tellsTheScaleTargetWhichTargetsAreStillNamedIncludingThoseBeingDeleted() {
        create("orders", List.of(WorkloadFinalizer.FINALIZER), false);
        create("billing", List.of(WorkloadFinalizer.FINALIZER), false);
        client.resources(ScaledWorkload.class).inNamespace(NS).withName("billing").delete();
        finalizer = finalizer(neverCompletes());

        finalizer.scan();

        assertThat(named.get(0)).containsExactlyInAnyOrder(new TargetRef(NS, "apps/v1", "Deployment", "orders-fn"),
                new TargetRef(NS, "apps/v1", "Deployment", "billing-fn"));
    }

    private WorkloadFinalizer finalizer(ScaleTarget target) {
        // A period of an hour: the test drives every scan itself.
        return new WorkloadFinalizer(client, target, named::add, () -> true,
                () -> client.resources(ScaledWorkload.class).inNamespace(NS).list().getItems(),
                Duration.ofHours(1), Duration.ofMillis(50));
    }

    private ScaleTarget neverCompletes() {
        return new ScaleTarget() {
            @Override
            public CompletionStage<Integer> currentReplicas(TargetRef target) {
                return new CompletableFuture<>();
            }

            @Override
            public CompletionStage<ScaleOutcome> scale(TargetRef target, int replicas, String reason) {
                restores.add(target);
                return new CompletableFuture<>();
            }
        };
    }

    private void create(String name, List<String> finalizers, boolean restore) {
        ScaledWorkload sw = new ScaledWorkload();
        sw.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NS)
                .withFinalizers(new ArrayList<>(finalizers)).build());
        ScaledWorkloadSpec spec = new ScaledWorkloadSpec();
        spec.setScaleTargetRef(new ScaleTargetRefSpec(null, null, name + "-fn"));
        spec.setRestoreToOriginalReplicaCount(restore);
        sw.setSpec(spec);
        ScaledWorkloadStatus status = new ScaledWorkloadStatus();
        status.setOriginalReplicas(3);
        sw.setStatus(status);
        client.resources(ScaledWorkload.class).inNamespace(NS).resource(sw).create();
    }

    private ScaledWorkload get(String name) {
        return client.resources(ScaledWorkload.class).inNamespace(NS).withName(name).get();
    }
}
