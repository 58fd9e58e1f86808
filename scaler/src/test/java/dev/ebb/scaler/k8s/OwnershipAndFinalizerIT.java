package dev.ebb.scaler.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.scaler.workload.spec.ScaleTargetRefSpec;
import dev.ebb.scaler.workload.spec.ScaledWorkload;
import dev.ebb.scaler.workload.spec.ScaledWorkloadStatus;
import dev.ebb.scaler.workload.spec.WorkloadCondition;
import dev.ebb.testkit.KafkaBroker;
import dev.ebb.testkit.KafkaBrokerExtension;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * One owner per target, and the finalizer, against the real service on a real Kafka broker and fabric8's mock API
 * server in CRUD mode (which honours finalizers: a DELETE only marks a resource that has one).
 */
@ExtendWith(KafkaBrokerExtension.class)
class OwnershipAndFinalizerIT {

    private static final String NS = "shop";
    private MockCluster cluster;
    private RecordingApiServer api;
    private KubernetesClient client;
    private KubernetesScalerService scaler;

    @BeforeEach
    void start() throws Exception {
        cluster = MockCluster.start();
        api = cluster.api;
        client = cluster.client;
    }

    @AfterEach
    void stop() throws Exception {
        cluster.close();
    }

    @Test
    void ofTwoScaledWorkloadsOnOneTargetTheLaterYieldsNamingTheOther(KafkaBroker broker) throws Exception {
        prepare(broker, "own-topic", "own-group", "orders-fn", 0);
        create(broker, "first", "orders-fn", "own-topic", "own-group", 100L, false);
        // creationTimestamp has a resolution of one second: "second" must be created in a later second.
        Instant first = Instant.parse(client.resources(ScaledWorkload.class).inNamespace(NS).withName("first").get()
                .getMetadata().getCreationTimestamp());
        awaitTrue(() -> Instant.now().truncatedTo(ChronoUnit.SECONDS).isAfter(first), "a second has passed");
        create(broker, "second", "orders-fn", "own-topic", "own-group", 10L, false);
        witness(broker, "own-witness");
        startScaler();

        produce(broker, "own-topic", 100);
        awaitTrue(() -> replicas("orders-fn") == 1, "the older workload scales the target to 1");
        awaitTrue(() -> ready("second").map(c -> c.getStatus().equals("False")).orElse(false),
                "the later workload is not ready");
        WorkloadCondition ready = ready("second").orElseThrow();
        assertThat(ready.getReason()).isEqualTo("ConflictingScaledWorkload");
        assertThat(ready.getMessage()).contains("first", "Deployment/orders-fn");
        // The one that yields keeps no original count: deleting it can never "restore" the owner's target.
        assertThat(status("second").orElseThrow().getOriginalReplicas()).isNull();
        awaitTrue(() -> ready("first").map(c -> c.getStatus().equals("True")).orElse(false), "the owner is ready");
        awaitWitness(broker, "own-witness"); // ticks ran since: the two would have fought in them (1 vs 8)
        assertThat(replicas("orders-fn")).isEqualTo(1);
        assertThat(api.requests()).filteredOn(r -> r.method().equals("PATCH")
                && r.path().endsWith("/deployments/orders-fn/scale")).hasSize(1);
    }

    @Test
    void aScaledWorkloadOnATargetOfAnHpaIsNotReadyAndNamesIt(KafkaBroker broker) throws Exception {
        prepare(broker, "hpa-topic", "hpa-group", "web", 0);
        client.autoscaling().v2().horizontalPodAutoscalers().inNamespace(NS).resource(
                new HorizontalPodAutoscalerBuilder().withNewMetadata().withName("web-cpu").withNamespace(NS)
                        .endMetadata().withNewSpec().withNewScaleTargetRef().withApiVersion("apps/v1")
                        .withKind("Deployment").withName("web").endScaleTargetRef().withMaxReplicas(5).endSpec()
                        .build()).create();
        create(broker, "web", "web", "hpa-topic", "hpa-group", 10L, false);
        startScaler();

        produce(broker, "hpa-topic", 100);
        awaitTrue(() -> ready("web").map(c -> c.getStatus().equals("False")).orElse(false), "not ready");
        assertThat(ready("web").orElseThrow().getReason()).isEqualTo("ConflictingAutoscaler");
        assertThat(ready("web").orElseThrow().getMessage()).contains("web-cpu");
        assertThat(replicas("web")).isZero();
        assertThat(api.requests()).noneMatch(r -> r.method().equals("PATCH") && r.path().endsWith("/scale"));
    }

    @Test
    void restoresTheTargetOnDeletionEvenWhenNoScalerRanAtThatTime(KafkaBroker broker) throws Exception {
        prepare(broker, "fin-topic", "fin-group", "fin-fn", 1);
        create(broker, "fin", "fin-fn", "fin-topic", "fin-group", 10L, true);
        witness(broker, "fin-witness");
        startScaler();
        awaitTrue(() -> finalizers("fin").contains(WorkloadFinalizer.FINALIZER), "the finalizer is added");
        produce(broker, "fin-topic", 40);
        awaitTrue(() -> replicas("fin-fn") == 4, "scaled to 4");
        awaitTrue(() -> status("fin").map(s -> Integer.valueOf(1).equals(s.getOriginalReplicas())).orElse(false),
                "the original count is in the status");

        cluster.stopScaler(scaler); // the scaler is down ...
        client.resources(ScaledWorkload.class).inNamespace(NS).withName("fin").delete(); // ... when it is deleted
        ScaledWorkload marked = client.resources(ScaledWorkload.class).inNamespace(NS).withName("fin").get();
        assertThat(marked).as("held by the finalizer").isNotNull();
        assertThat(marked.getMetadata().getDeletionTimestamp()).isNotNull();
        assertThat(replicas("fin-fn")).isEqualTo(4);

        startScaler(); // the next leader finishes the job
        awaitTrue(() -> replicas("fin-fn") == 1, "the original count is restored");
        awaitTrue(() -> client.resources(ScaledWorkload.class).inNamespace(NS).withName("fin").get() == null,
                "the ScaledWorkload is gone once the finalizer is removed");
        produce(broker, "fin-topic", 40);
        awaitWitness(broker, "fin-witness"); // the loop ran since the records were produced
        assertThat(replicas("fin-fn")).as("a deleted workload is not scaled again").isEqualTo(1);
    }

    // --- helpers ---

    /**
     * A workload on its own target, group and topic on the same cluster: when it reacts to lag produced after some
     * moment, the loop has ticked since; what the test expects not to happen would have happened in those ticks.
     */
    private void witness(KafkaBroker broker, String name) throws Exception {
        prepare(broker, name + "-topic", name + "-group", name + "-fn", 0);
        create(broker, name, name + "-fn", name + "-topic", name + "-group", 10L, false);
    }

    private void awaitWitness(KafkaBroker broker, String name) throws InterruptedException {
        produce(broker, name + "-topic", 40);
        awaitTrue(() -> replicas(name + "-fn") > 0, "the witness " + name + " scales on lag produced just now");
    }

    private void startScaler() throws Exception {
        scaler = cluster.startScaler(MockCluster.fastSettings("scaler-own").withWatchNamespace(NS));
    }

    private void prepare(KafkaBroker broker, String topic, String group, String deployment, int replicas)
            throws Exception {
        cluster.deployment(NS, deployment, replicas);
        MockCluster.topicWithGroupsAtZero(broker, broker.clientConfig(), topic, 4, group);
    }

    private void create(KafkaBroker broker, String name, String deployment, String topic, String group,
                        long lagThreshold, boolean restore) {
        ScaledWorkload sw = MockCluster.thresholdWorkload(NS, name, new ScaleTargetRefSpec("apps/v1", "Deployment",
                deployment), broker.bootstrapServers(), group, topic, lagThreshold, 8);
        if (restore) {
            sw.getSpec().setRestoreToOriginalReplicaCount(true);
        }
        cluster.create(sw);
    }

    private static void produce(KafkaBroker broker, String topic, int records) {
        MockCluster.produce(broker.clientConfig(), topic, records);
    }

    private int replicas(String name) {
        return cluster.replicas(NS, name);
    }

    private List<String> finalizers(String name) {
        ScaledWorkload sw = client.resources(ScaledWorkload.class).inNamespace(NS).withName(name).get();
        return sw == null || sw.getMetadata().getFinalizers() == null ? List.of() : sw.getMetadata().getFinalizers();
    }

    private Optional<ScaledWorkloadStatus> status(String name) {
        return cluster.status(NS, name);
    }

    private Optional<WorkloadCondition> ready(String name) {
        return cluster.ready(NS, name);
    }

    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        MockCluster.awaitTrue(condition, what);
    }
}
