package dev.ebb.scaler.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.scaler.crd.ScaledWorkloadCrd;
import dev.ebb.scaler.lag.KafkaAdminLagSource;
import dev.ebb.scaler.workload.spec.KafkaSpec;
import dev.ebb.scaler.workload.spec.PolicySettings;
import dev.ebb.scaler.workload.spec.ScaleTargetRefSpec;
import dev.ebb.scaler.workload.spec.ScaledWorkload;
import dev.ebb.scaler.workload.spec.ScaledWorkloadSpec;
import dev.ebb.scaler.workload.spec.ScaledWorkloadStatus;
import dev.ebb.scaler.workload.spec.WorkloadCondition;
import dev.ebb.testkit.KafkaBroker;
import dev.ebb.testkit.KafkaBrokerExtension;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.vertx5.Vertx5HttpClientFactory;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
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

    private static final Duration WAIT = Duration.ofSeconds(40);
    private static final String NS = "shop";
    private RecordingApiServer api;
    private Vertx vertx;
    private KubernetesClient client;
    private KubernetesScalerService scaler;

    @BeforeEach
    void start() throws Exception {
        api = new RecordingApiServer().start();
        vertx = Vertx.vertx();
        client = api.server().createClient(new Vertx5HttpClientFactory(vertx));
        CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions()
                .load(ScaledWorkloadCrd.generate(Files.createTempDirectory("ebb-crd")).toFile()).item();
        client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
    }

    @AfterEach
    void stop() throws Exception {
        if (scaler != null) {
            scaler.close();
        }
        client.close();
        vertx.close().await(10, TimeUnit.SECONDS);
        api.stop();
    }

    @Test
    void ofTwoScaledWorkloadsOnOneTargetTheLaterYieldsNamingTheOther(KafkaBroker broker) throws Exception {
        prepare(broker, "own-topic", "own-group", "orders-fn", 0);
        create(broker, "first", "orders-fn", "own-topic", "own-group", 100L, false);
        Thread.sleep(1100); // creationTimestamp has a resolution of one second
        create(broker, "second", "orders-fn", "own-topic", "own-group", 10L, false);
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
        Thread.sleep(1500); // several ticks: the two would fight here (1 vs 4)
        assertThat(replicas("orders-fn")).isEqualTo(1);
        assertThat(api.requests()).filteredOn(r -> r.method().equals("PATCH") && r.path().endsWith("/scale"))
                .hasSize(1);
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
        startScaler();
        awaitTrue(() -> finalizers("fin").contains(WorkloadFinalizer.FINALIZER), "the finalizer is added");
        produce(broker, "fin-topic", 40);
        awaitTrue(() -> replicas("fin-fn") == 4, "scaled to 4");
        awaitTrue(() -> status("fin").map(s -> Integer.valueOf(1).equals(s.getOriginalReplicas())).orElse(false),
                "the original count is in the status");

        scaler.close(); // the scaler is down ...
        scaler = null;
        client.resources(ScaledWorkload.class).inNamespace(NS).withName("fin").delete(); // ... when it is deleted
        Thread.sleep(500);
        ScaledWorkload marked = client.resources(ScaledWorkload.class).inNamespace(NS).withName("fin").get();
        assertThat(marked).as("held by the finalizer").isNotNull();
        assertThat(marked.getMetadata().getDeletionTimestamp()).isNotNull();
        assertThat(replicas("fin-fn")).isEqualTo(4);

        startScaler(); // the next leader finishes the job
        awaitTrue(() -> replicas("fin-fn") == 1, "the original count is restored");
        awaitTrue(() -> client.resources(ScaledWorkload.class).inNamespace(NS).withName("fin").get() == null,
                "the ScaledWorkload is gone once the finalizer is removed");
        produce(broker, "fin-topic", 40);
        Thread.sleep(1000);
        assertThat(replicas("fin-fn")).isEqualTo(1);
    }

    // --- helpers ---

    private void startScaler() throws Exception {
        scaler = new KubernetesScalerService(vertx, client, (key, config) -> new KafkaAdminLagSource(config),
                Clock.systemUTC(), KubernetesScalerService.Settings.defaults("ebb-system", "scaler-own")
                .withWatchNamespace(NS).withPort(-1).withTick(Duration.ofMillis(250))
                .withStatusFlush(Duration.ofMillis(200)).withLeaseTiming(new KubernetesLeaderElection.Timing(
                        Duration.ofSeconds(2), Duration.ofMillis(1500), Duration.ofMillis(250))));
        scaler.start().await(10, TimeUnit.SECONDS);
    }

    private void prepare(KafkaBroker broker, String topic, String group, String deployment, int replicas)
            throws Exception {
        client.apps().deployments().inNamespace(NS).resource(new DeploymentBuilder().withNewMetadata()
                .withName(deployment).withNamespace(NS).endMetadata().withNewSpec().withReplicas(replicas)
                .withNewSelector().addToMatchLabels("app", deployment).endSelector().withNewTemplate()
                .withNewMetadata().addToLabels("app", deployment).endMetadata().withNewSpec().addNewContainer()
                .withName("fn").withImage("fn:1").endContainer().endSpec().endTemplate().endSpec().build()).create();
        broker.createTopic(topic, 4);
        try (Admin admin = Admin.create(broker.clientConfig())) {
            admin.alterConsumerGroupOffsets(group, IntStream.range(0, 4).boxed().collect(Collectors.toMap(
                    p -> new TopicPartition(topic, p), p -> new OffsetAndMetadata(0)))).all().get(30, TimeUnit.SECONDS);
        }
    }

    private void create(KafkaBroker broker, String name, String deployment, String topic, String group,
                        long lagThreshold, boolean restore) {
        ScaledWorkload sw = new ScaledWorkload();
        sw.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NS).build());
        ScaledWorkloadSpec spec = new ScaledWorkloadSpec();
        spec.setScaleTargetRef(new ScaleTargetRefSpec("apps/v1", "Deployment", deployment));
        KafkaSpec kafka = new KafkaSpec();
        kafka.setBootstrapServers(broker.bootstrapServers());
        kafka.setConsumerGroup(group);
        kafka.setTopics(List.of(topic));
        spec.setKafka(kafka);
        PolicySettings policy = new PolicySettings();
        policy.setMode("threshold");
        policy.setLagThreshold(lagThreshold);
        policy.setMaxReplicas(8);
        policy.setReadyDelay("0s");
        policy.setRebalanceGrace("0s");
        spec.setPolicy(policy);
        spec.setPollInterval("250ms");
        if (restore) {
            spec.setRestoreToOriginalReplicaCount(true);
        }
        sw.setSpec(spec);
        client.resources(ScaledWorkload.class).inNamespace(NS).resource(sw).create();
    }

    private static void produce(KafkaBroker broker, String topic, int records) {
        Properties p = new Properties();
        p.putAll(broker.clientConfig());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(),
                new StringSerializer())) {
            for (int i = 0; i < records; i++) {
                producer.send(new ProducerRecord<>(topic, "k" + i, "v" + i));
            }
            producer.flush();
        }
    }

    private int replicas(String name) {
        Integer r = client.apps().deployments().inNamespace(NS).withName(name).get().getSpec().getReplicas();
        return r == null ? 0 : r;
    }

    private List<String> finalizers(String name) {
        ScaledWorkload sw = client.resources(ScaledWorkload.class).inNamespace(NS).withName(name).get();
        return sw == null || sw.getMetadata().getFinalizers() == null ? List.of() : sw.getMetadata().getFinalizers();
    }

    private Optional<ScaledWorkloadStatus> status(String name) {
        ScaledWorkload sw = client.resources(ScaledWorkload.class).inNamespace(NS).withName(name).get();
        return Optional.ofNullable(sw == null ? null : sw.getStatus());
    }

    private Optional<WorkloadCondition> ready(String name) {
        return status(name).flatMap(s -> s.condition("Ready"));
    }

    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
            } catch (RuntimeException e) {
                // not there yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError("Timed out waiting until " + what);
    }
}
