package dev.ebb.scaler.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.scaler.crd.ScaledWorkloadCrd;
import dev.ebb.scaler.lag.KafkaAdminLagSource;
import dev.ebb.scaler.rbac.RbacPolicy;
import dev.ebb.scaler.rbac.RbacRecorder;
import dev.ebb.scaler.workload.spec.KafkaSpec;
import dev.ebb.scaler.workload.spec.PolicySettings;
import dev.ebb.scaler.workload.spec.ScaleTargetRefSpec;
import dev.ebb.scaler.workload.spec.ScaledWorkload;
import dev.ebb.scaler.workload.spec.ScaledWorkloadSpec;
import dev.ebb.scaler.workload.spec.ScaledWorkloadStatus;
import dev.ebb.scaler.workload.spec.WorkloadCondition;
import dev.ebb.testkit.KafkaBroker;
import dev.ebb.testkit.KafkaBrokerExtension;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.vertx5.Vertx5HttpClientFactory;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The scaler end to end: a real Kafka broker, fabric8's mock API server in CRUD mode, and the real service (catalog
 * informer, leader election, loop, scale target, status, Events). The mock answers {@code GET .../scale} with the
 * whole Deployment, whose {@code spec.replicas} reads like a Scale's; the merge patch to {@code .../scale} is applied
 * as the real API server does. What the scale requests look like on the wire is asserted in KubernetesScaleTargetTest.
 */
@ExtendWith(KafkaBrokerExtension.class)
class KubernetesScalerIT {

    private static final Duration WAIT = Duration.ofSeconds(40);
    private static KubernetesMockServer server;
    /** Every request the scaler makes is checked against deploy/rbac (the mock checks no RBAC). */
    private static final RbacRecorder RBAC = new RbacRecorder(KubernetesScalerIT.class);
    private static KafkaBroker broker;
    private static Vertx vertx;
    private static Admin admin;
    private final List<KubernetesScalerService> services = new ArrayList<>();
    private final List<KubernetesClient> clients = new ArrayList<>();

    @BeforeAll
    static void startAll(KafkaBroker shared) throws Exception {
        broker = shared;
        server = RBAC.newServer();
        // Stack traces of anything that blocks an event loop, so such a bug shows in the test output.
        vertx = Vertx.vertx(new io.vertx.core.VertxOptions().setWarningExceptionTime(1)
                .setWarningExceptionTimeUnit(TimeUnit.SECONDS));
        admin = Admin.create(broker.clientConfig());
        try (KubernetesClient client = server.createClient()) {
            // The CRD generated from the model, as deploy/ installs it: gives the mock the status subresource.
            Path dir = Files.createTempDirectory("ebb-crd");
            CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions()
                    .load(ScaledWorkloadCrd.generate(dir).toFile()).item();
            client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
        }
    }

    @AfterAll
    static void stopAll() throws Exception {
        admin.close();
        vertx.close().await(10, TimeUnit.SECONDS);
        server.destroy();
    }

    @AfterEach
    void stopServices() {
        services.forEach(KubernetesScalerService::close);
        clients.forEach(KubernetesClient::close);
        RBAC.assertAllAllowed();
    }

    @Test
    void scalesTheDeploymentUpWithTheBacklogAndToZeroAfterTheCooldown() throws Exception {
        String ns = "rise-and-drain";
        KubernetesClient client = client();
        prepare(client, ns, "orders", "orders-fn", "orders-group", 4);
        client.resources(ScaledWorkload.class).inNamespace(ns).resource(workload("orders", "orders-fn",
                "orders-group", "orders", 50L)).create();
        service(ns, "scaler-a");

        produce("orders", 400);
        awaitTrue(() -> replicas(client, ns, "orders-fn") == 4, "replicas reach 4 (capped at 4 partitions)");

        awaitTrue(() -> status(client, ns, "orders").map(s -> s.getCurrentReplicas() != null
                && s.getCurrentReplicas() == 4).orElse(false), "status shows 4 current replicas");
        ScaledWorkloadStatus status = status(client, ns, "orders").orElseThrow();
        assertThat(condition(status, "Ready").getStatus()).isEqualTo("True");
        assertThat(condition(status, "Active").getStatus()).isEqualTo("True");
        assertThat(status.getLag()).isEqualTo(400L);
        assertThat(status.getLastScaleReason()).isNotBlank();
        assertThat(status.getObservedGeneration()).isNotNull();
        awaitTrue(() -> events(client, ns).stream().anyMatch(e -> e.getReason().equals("ScaledUp")
                && e.getInvolvedObject().getName().equals("orders-fn")), "a ScaledUp Event on the Deployment");
        assertThat(events(client, ns)).anySatisfy(e -> {
            assertThat(e.getInvolvedObject().getKind()).isEqualTo("ScaledWorkload");
            // The first poll may see only part of the 400 records (0 -> 3, then 3 -> 4): the way up is not timed.
            assertThat(e.getMessage()).contains("from 0 to ");
        });

        commitToEnd("orders-group", "orders");
        awaitTrue(() -> replicas(client, ns, "orders-fn") == 0, "replicas fall to 0 after the cooldown");
        assertThat(events(client, ns)).anyMatch(e -> e.getReason().equals("ScaledDown"));
    }

    @Test
    void reportsAnInvalidWorkloadWhileAGoodOneBesideItKeepsScaling() throws Exception {
        String ns = "bad-and-good";
        KubernetesClient client = client();
        prepare(client, ns, "good", "good-fn", "good-group", 2);
        client.apps().deployments().inNamespace(ns).resource(deployment(ns, "bad-fn")).create();
        client.resources(ScaledWorkload.class).inNamespace(ns).resource(workload("bad", "bad-fn", "bad-group",
                "good", -5L)).create();
        client.resources(ScaledWorkload.class).inNamespace(ns).resource(workload("good", "good-fn", "good-group",
                "good", 10L)).create();
        service(ns, "scaler-b");

        produce("good", 100);
        awaitTrue(() -> replicas(client, ns, "good-fn") == 2, "the good workload scales to 2");
        awaitTrue(() -> status(client, ns, "bad").map(s -> s.condition("Ready").isPresent()).orElse(false),
                "the bad workload gets a Ready condition");
        WorkloadCondition ready = condition(status(client, ns, "bad").orElseThrow(), "Ready");
        assertThat(ready.getStatus()).isEqualTo("False");
        assertThat(ready.getReason()).isEqualTo("InvalidSpec");
        assertThat(ready.getMessage()).contains("Invalid value -5 for spec.policy.lagThreshold: must be > 0");
        assertThat(replicas(client, ns, "bad-fn")).isZero();
    }

    @Test
    void leavesAPausedWorkloadAlone() throws Exception {
        String ns = "paused";
        KubernetesClient client = client();
        prepare(client, ns, "paused-topic", "paused-fn", "paused-group", 3);
        ScaledWorkload sw = workload("paused", "paused-fn", "paused-group", "paused-topic", 10L);
        sw.getMetadata().setAnnotations(Map.of(ScaledWorkload.PAUSED_ANNOTATION, "true"));
        client.resources(ScaledWorkload.class).inNamespace(ns).resource(sw).create();
        service(ns, "scaler-c");

        produce("paused-topic", 300);
        awaitTrue(() -> status(client, ns, "paused").map(s -> s.getLag() != null && s.getLag() == 300).orElse(false),
                "the paused workload is still observed");
        ScaledWorkloadStatus status = status(client, ns, "paused").orElseThrow();
        assertThat(condition(status, "Paused").getStatus()).isEqualTo("True");
        assertThat(status.getDesiredReplicas()).isEqualTo(3);
        assertThat(status.getMode()).isEqualTo("paused");
        assertThat(replicas(client, ns, "paused-fn")).isZero();
        assertThat(events(client, ns)).noneMatch(e -> e.getReason().startsWith("Scaled"));
    }

    @Test
    void restoresTheOriginalReplicaCountWhenTheWorkloadIsDeletedIfAsked() throws Exception {
        String ns = "restore";
        KubernetesClient client = client();
        prepare(client, ns, "restore-topic", "restore-fn", "restore-group", 4);
        client.apps().deployments().inNamespace(ns).withName("restore-fn").edit(d -> {
            d.getSpec().setReplicas(1);
            return d;
        });
        ScaledWorkload sw = workload("restore", "restore-fn", "restore-group", "restore-topic", 10L);
        sw.getSpec().setRestoreToOriginalReplicaCount(true);
        client.resources(ScaledWorkload.class).inNamespace(ns).resource(sw).create();
        // A witness on the same cluster: once it reacts to lag produced after the deletion, ticks have run since.
        prepare(client, ns, "witness-topic", "witness-fn", "witness-group", 4);
        client.resources(ScaledWorkload.class).inNamespace(ns).resource(workload("witness", "witness-fn",
                "witness-group", "witness-topic", 10L)).create();
        service(ns, "scaler-r");

        produce("restore-topic", 400);
        awaitTrue(() -> replicas(client, ns, "restore-fn") == 4, "replicas reach 4");
        awaitTrue(() -> status(client, ns, "restore").map(s -> Integer.valueOf(1).equals(s.getOriginalReplicas()))
                .orElse(false), "the original count is in the status");

        client.resources(ScaledWorkload.class).inNamespace(ns).withName("restore").delete();
        awaitTrue(() -> replicas(client, ns, "restore-fn") == 1, "the original count is restored");
        produce("restore-topic", 400);
        produce("witness-topic", 40);
        awaitTrue(() -> replicas(client, ns, "witness-fn") > 0, "the witness scales on lag produced after the "
                + "deletion (so the loop ran since)");
        assertThat(replicas(client, ns, "restore-fn")).as("a deleted workload is not scaled again").isEqualTo(1);
    }

    @Test
    void aStandbyTakesOverWhenTheLeaderStops() throws Exception {
        String ns = "failover";
        KubernetesClient client = client();
        prepare(client, ns, "failover-topic", "failover-fn", "failover-group", 4);
        client.resources(ScaledWorkload.class).inNamespace(ns).resource(workload("failover", "failover-fn",
                "failover-group", "failover-topic", 100L)).create();
        KubernetesScalerService a = service(ns, "scaler-1");
        KubernetesScalerService b = service(ns, "scaler-2");
        awaitTrue(() -> a.leading() || b.leading(), "one instance leads");
        assertThat(a.leading() && b.leading()).isFalse();
        KubernetesScalerService leader = a.leading() ? a : b;
        KubernetesScalerService standby = leader == a ? b : a;

        produce("failover-topic", 100);
        awaitTrue(() -> replicas(client, ns, "failover-fn") == 1, "the leader scales to 1");

        leader.close();
        services.remove(leader);
        awaitTrue(standby::leading, "the standby takes the lease");
        produce("failover-topic", 200);
        awaitTrue(() -> replicas(client, ns, "failover-fn") == 3, "the new leader scales to 3");
        awaitTrue(standby::ready, "the new leader is ready");
    }

    @Test
    void aStandbyTakesOverWithinTheLeaseDurationWhenTheLeaderDies() throws Exception {
        String ns = "crash";
        KubernetesClient client = client();
        prepare(client, ns, "crash-topic", "crash-fn", "crash-group", 4);
        client.resources(ScaledWorkload.class).inNamespace(ns).resource(workload("crash", "crash-fn",
                "crash-group", "crash-topic", 100L)).create();
        KubernetesClient clientA = scalerClient();
        KubernetesClient clientB = scalerClient();
        KubernetesScalerService a = service(ns, "scaler-x", clientA);
        KubernetesScalerService b = service(ns, "scaler-y", clientB);
        awaitTrue(() -> a.leading() || b.leading(), "one instance leads");
        KubernetesScalerService standby = a.leading() ? b : a;

        // The leader loses the API server for good, as when its pod dies: it cannot renew and never releases.
        (a.leading() ? clientA : clientB).close();
        awaitTrue(standby::leading, "the standby takes the lease once it expires");
        produce("crash-topic", 200);
        awaitTrue(() -> replicas(client, ns, "crash-fn") == 2, "the new leader scales to 2");
    }

    // --- helpers ---

    private KubernetesScalerService service(String ns, String identity) throws Exception {
        return service(ns, identity, scalerClient());
    }

    /** The scaler's own client: its requests are evaluated against deploy/rbac. */
    private KubernetesClient scalerClient() {
        KubernetesClient c = RbacRecorder.scalerClient(server, new Vertx5HttpClientFactory(vertx));
        clients.add(c);
        return c;
    }

    /** A client on the scaler's own Vert.x instance, as `ebb scaler` builds it. */
    private KubernetesClient client() {
        KubernetesClient c = server.createClient(new Vertx5HttpClientFactory(vertx));
        clients.add(c);
        return c;
    }

    private KubernetesScalerService service(String ns, String identity, KubernetesClient own) throws Exception {
        KubernetesScalerService s = new KubernetesScalerService(vertx, own,
                (key, config) -> new KafkaAdminLagSource(config), Clock.systemUTC(),
                KubernetesScalerService.Settings.defaults(RbacPolicy.SA_NAMESPACE, identity)
                        .withLeaseName("ebb-scaler-" + ns).withWatchNamespace(ns).withPort(0)
                        .withTick(Duration.ofMillis(250)).withStatusFlush(Duration.ofMillis(200))
                        .withLeaseTiming(new KubernetesLeaderElection.Timing(Duration.ofSeconds(2),
                                Duration.ofMillis(1500), Duration.ofMillis(250))));
        services.add(s);
        s.start().await(10, TimeUnit.SECONDS);
        return s;
    }

    private static void prepare(KubernetesClient client, String ns, String topic, String deployment, String group,
                                int partitions) throws Exception {
        client.apps().deployments().inNamespace(ns).resource(deployment(ns, deployment)).create();
        broker.createTopic(topic, partitions);
        // The group exists and has committed offset 0 on every partition: records produced from now on are lag.
        Map<TopicPartition, OffsetAndMetadata> zero = IntStream.range(0, partitions).boxed()
                .collect(Collectors.toMap(p -> new TopicPartition(topic, p), p -> new OffsetAndMetadata(0)));
        admin.alterConsumerGroupOffsets(group, zero).all().get(30, TimeUnit.SECONDS);
    }

    private static Deployment deployment(String ns, String name) {
        return new DeploymentBuilder().withNewMetadata().withName(name).withNamespace(ns).endMetadata()
                .withNewSpec().withReplicas(0).withNewSelector().addToMatchLabels("app", name).endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", name).endMetadata().withNewSpec()
                .addNewContainer().withName("fn").withImage("ebb/example-function:dev").endContainer()
                .endSpec().endTemplate().endSpec().build();
    }

    private static ScaledWorkload workload(String name, String deployment, String group, String topic,
                                           long lagThreshold) {
        ScaledWorkload sw = new ScaledWorkload();
        sw.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName(name).build());
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
        policy.setCooldown("2s");
        policy.setScaleDownWindow("0s");
        policy.setReadyDelay("0s");
        policy.setRebalanceGrace("0s");
        spec.setPolicy(policy);
        spec.setPollInterval("500ms");
        sw.setSpec(spec);
        return sw;
    }

    private static void produce(String topic, int records) throws Exception {
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

    /** What consumers that caught up would do: commit the end offset of every partition. */
    private static void commitToEnd(String group, String topic) throws Exception {
        int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
        Map<TopicPartition, OffsetSpec> latest = IntStream.range(0, partitions).boxed()
                .collect(Collectors.toMap(p -> new TopicPartition(topic, p), p -> OffsetSpec.latest()));
        Map<TopicPartition, OffsetAndMetadata> ends = admin.listOffsets(latest).all().get().entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> new OffsetAndMetadata(e.getValue().offset())));
        admin.alterConsumerGroupOffsets(group, ends).all().get(30, TimeUnit.SECONDS);
    }

    private static int replicas(KubernetesClient client, String ns, String name) {
        Integer r = client.apps().deployments().inNamespace(ns).withName(name).get().getSpec().getReplicas();
        return r == null ? 0 : r;
    }

    private static Optional<ScaledWorkloadStatus> status(KubernetesClient client, String ns, String name) {
        ScaledWorkload sw = client.resources(ScaledWorkload.class).inNamespace(ns).withName(name).get();
        return Optional.ofNullable(sw == null ? null : sw.getStatus());
    }

    private static WorkloadCondition condition(ScaledWorkloadStatus s, String type) {
        return s.condition(type).orElseThrow(() -> new AssertionError("no " + type + " condition in "
                + s.getConditions()));
    }

    private static List<Event> events(KubernetesClient client, String ns) {
        return client.v1().events().inNamespace(ns).list().getItems();
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
