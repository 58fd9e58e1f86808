package dev.ebb.scaler.k8s;

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
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.vertx5.Vertx5HttpClientFactory;
import io.vertx.core.Vertx;
import java.nio.file.Files;
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
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * What the scaler ITs run against: fabric8's mock API server in CRUD mode recording every request
 * ({@link RecordingApiServer}), with the CRD generated from the model installed, a Vert.x instance and a client on it
 * (as {@code ebb scaler} builds it), and the scalers started on them; closed in reverse order. Plus the objects the
 * tests create (Deployments, threshold-mode ScaledWorkloads) and what they read back.
 */
final class MockCluster implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(40);

    final RecordingApiServer api;
    final Vertx vertx;
    final KubernetesClient client;
    private final List<KubernetesScalerService> scalers = new ArrayList<>();

    private MockCluster() throws Exception {
        api = new RecordingApiServer().start();
        vertx = Vertx.vertx();
        client = api.server().createClient(new Vertx5HttpClientFactory(vertx));
        CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions()
                .load(ScaledWorkloadCrd.generate(Files.createTempDirectory("ebb-crd")).toFile()).item();
        client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
    }

    static MockCluster start() throws Exception {
        return new MockCluster();
    }

    /** A scaler with a real Kafka lag source on these settings, started; closed with the cluster (or before). */
    KubernetesScalerService startScaler(KubernetesScalerService.Settings settings) throws Exception {
        KubernetesScalerService scaler = new KubernetesScalerService(vertx, client,
                (key, config) -> new KafkaAdminLagSource(config), Clock.systemUTC(), settings);
        scalers.add(scaler);
        scaler.start().await(30, TimeUnit.SECONDS);
        return scaler;
    }

    /** Settings for a test: no HTTP server, a 250 ms tick, fast status writes and lease hand-over. */
    static KubernetesScalerService.Settings fastSettings(String identity) {
        return KubernetesScalerService.Settings.defaults("ebb-system", identity).withPort(-1)
                .withTick(Duration.ofMillis(250)).withStatusFlush(Duration.ofMillis(200))
                .withLeaseTiming(new KubernetesLeaderElection.Timing(Duration.ofSeconds(2), Duration.ofMillis(1500),
                        Duration.ofMillis(250)));
    }

    void stopScaler(KubernetesScalerService scaler) {
        scaler.close();
        scalers.remove(scaler);
    }

    void deployment(String ns, String name, int replicas) {
        client.apps().deployments().inNamespace(ns).resource(new DeploymentBuilder().withNewMetadata().withName(name)
                .withNamespace(ns).endMetadata().withNewSpec().withReplicas(replicas).withNewSelector()
                .addToMatchLabels("app", name).endSelector().withNewTemplate().withNewMetadata()
                .addToLabels("app", name).endMetadata().withNewSpec().addNewContainer().withName("fn")
                .withImage("fn:1").endContainer().endSpec().endTemplate().endSpec().build()).create();
    }

    int replicas(String ns, String name) {
        Integer r = client.apps().deployments().inNamespace(ns).withName(name).get().getSpec().getReplicas();
        return r == null ? 0 : r;
    }

    /** A threshold-mode ScaledWorkload on one topic, polled every 250 ms, with no ready delay or rebalance grace. */
    static ScaledWorkload thresholdWorkload(String ns, String name, ScaleTargetRefSpec target, String bootstrap,
                                            String group, String topic, long lagThreshold, int maxReplicas) {
        ScaledWorkload sw = new ScaledWorkload();
        sw.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns).build());
        ScaledWorkloadSpec spec = new ScaledWorkloadSpec();
        spec.setScaleTargetRef(target);
        KafkaSpec kafka = new KafkaSpec();
        kafka.setBootstrapServers(bootstrap);
        kafka.setConsumerGroup(group);
        kafka.setTopics(List.of(topic));
        spec.setKafka(kafka);
        PolicySettings policy = new PolicySettings();
        policy.setMode("threshold");
        policy.setLagThreshold(lagThreshold);
        policy.setMaxReplicas(maxReplicas);
        policy.setReadyDelay("0s");
        policy.setRebalanceGrace("0s");
        spec.setPolicy(policy);
        spec.setPollInterval("250ms");
        sw.setSpec(spec);
        return sw;
    }

    void create(ScaledWorkload sw) {
        client.resources(ScaledWorkload.class).inNamespace(sw.getMetadata().getNamespace()).resource(sw).create();
    }

    Optional<ScaledWorkloadStatus> status(String ns, String name) {
        ScaledWorkload sw = client.resources(ScaledWorkload.class).inNamespace(ns).withName(name).get();
        return Optional.ofNullable(sw == null ? null : sw.getStatus());
    }

    Optional<WorkloadCondition> ready(String ns, String name) {
        return status(ns, name).flatMap(s -> s.condition("Ready"));
    }

    /**
     * Creates {@code topic} and gives each group committed offset 0 on every partition, so records produced from now
     * on are lag. {@code clientConfig} reaches the broker (e.g. an admin listener of a broker that authenticates).
     */
    static void topicWithGroupsAtZero(KafkaBroker broker, Map<String, Object> clientConfig, String topic,
                                      int partitions, String... groups) throws Exception {
        broker.createTopic(topic, partitions);
        Map<TopicPartition, OffsetAndMetadata> zero = IntStream.range(0, partitions).boxed()
                .collect(Collectors.toMap(p -> new TopicPartition(topic, p), p -> new OffsetAndMetadata(0)));
        try (Admin admin = Admin.create(clientConfig)) {
            for (String group : groups) {
                admin.alterConsumerGroupOffsets(group, zero).all().get(30, TimeUnit.SECONDS);
            }
        }
    }

    static void produce(Map<String, Object> clientConfig, String topic, int records) {
        Properties p = new Properties();
        p.putAll(clientConfig);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(),
                new StringSerializer())) {
            for (int i = 0; i < records; i++) {
                producer.send(new ProducerRecord<>(topic, "k" + i, "v" + i));
            }
            producer.flush();
        }
    }

    /** Waits for an outcome (an exception while checking counts as "not yet"); fails naming it after {@link #WAIT}. */
    static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
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

    @Override
    public void close() throws Exception {
        for (KubernetesScalerService s : List.copyOf(scalers)) {
            s.close();
        }
        client.close();
        vertx.close().await(10, TimeUnit.SECONDS);
        api.stop();
    }
}
