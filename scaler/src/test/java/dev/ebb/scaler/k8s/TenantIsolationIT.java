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
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
 * The attack of issue 9 and its relatives, against the whole scaler serving every namespace: a tenant of
 * {@code team-a} points ScaledWorkloads at {@code kube-system} (a path in apiVersion with a {@code #}, a path in the
 * name, cluster-scoped kinds), with {@code ebb.dev/paused-replicas: "0"}. The scaler is a real service (catalog,
 * leader election, loop, target, status, Events) on a real Kafka broker and fabric8's mock API server in CRUD mode,
 * which records every request: none of them may touch an object outside {@code team-a} (the tenant's) or
 * {@code ebb-system} (the scaler's Lease), the victim keeps its replicas, and no status or Event of the tenant carries
 * data of the victim.
 */
@ExtendWith(KafkaBrokerExtension.class)
class TenantIsolationIT {

    private static final Duration WAIT = Duration.ofSeconds(40);
    private static final Pattern NAMESPACED = Pattern.compile("^/apis?/.*?/namespaces/([^/?]+)");
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
    void aTenantCannotReachOrSeeAnythingOutsideItsNamespace(KafkaBroker broker) throws Exception {
        deployment("kube-system", "coredns", 2);
        deployment("team-a", "orders-fn", 0);
        broker.createTopic("iso-orders", 2);
        try (Admin admin = Admin.create(broker.clientConfig())) {
            admin.alterConsumerGroupOffsets("iso-group", Map.of(new TopicPartition("iso-orders", 0),
                    new OffsetAndMetadata(0), new TopicPartition("iso-orders", 1), new OffsetAndMetadata(0)))
                    .all().get(30, TimeUnit.SECONDS);
        }
        create(broker, "good", "apps/v1", "Deployment", "orders-fn", false);
        create(broker, "issue-9", "apps/v1/namespaces/kube-system/deployments/coredns/scale#", "Deployment",
                "coredns", true);
        create(broker, "name-path", "apps/v1", "Deployment", "../../kube-system/deployments/coredns", true);
        create(broker, "node", "v1", "Node", "worker-1", true);
        create(broker, "namespace", "v1", "Namespace", "kube-system", true);
        api.forget();

        scaler = new KubernetesScalerService(vertx, client, (key, config) -> new KafkaAdminLagSource(config),
                Clock.systemUTC(), KubernetesScalerService.Settings.defaults("ebb-system", "scaler-iso").withPort(-1)
                .withTick(Duration.ofMillis(250)).withStatusFlush(Duration.ofMillis(200)));
        scaler.start().await(10, TimeUnit.SECONDS);
        produce(broker, "iso-orders", 40);

        awaitTrue(() -> replicas("team-a", "orders-fn") == 2, "the good workload scales its own Deployment to 2");
        for (String name : List.of("issue-9", "name-path", "node", "namespace")) {
            awaitTrue(() -> status(name).flatMap(s -> s.condition("Ready")).isPresent(),
                    name + " gets a Ready condition");
        }
        assertThat(ready("issue-9").getReason()).isEqualTo("InvalidSpec");
        assertThat(ready("issue-9").getMessage()).contains("for spec.scaleTargetRef.apiVersion: must be");
        assertThat(ready("name-path").getReason()).isEqualTo("InvalidSpec");
        assertThat(ready("name-path").getMessage()).contains("for spec.scaleTargetRef.name: must be");
        assertThat(ready("node").getReason()).isEqualTo("ClusterScopedTarget");
        assertThat(ready("namespace").getReason()).isEqualTo("ClusterScopedTarget");
        for (String name : List.of("issue-9", "name-path", "node", "namespace")) {
            assertThat(ready(name).getStatus()).isEqualTo("False");
            // Nothing of the victim: no replica count, no original count read from it.
            assertThat(status(name).orElseThrow().getCurrentReplicas()).isNull();
            assertThat(status(name).orElseThrow().getOriginalReplicas()).isNull();
        }

        // What the scaler sent (and this test's reads of team-a so far); the victim is looked at only afterwards.
        List<RecordingApiServer.Request> sent = api.requests();
        Set<String> allowed = Set.of("team-a", "ebb-system");
        assertThat(sent).isNotEmpty().allSatisfy(r -> {
            Matcher m = NAMESPACED.matcher(r.path());
            if (m.find()) {
                assertThat(m.group(1)).as("namespace of %s", r).isIn(allowed);
            }
            assertThat(r.path()).as("request %s", r).doesNotContain("kube-system", "/nodes", "#", "..");
            if (!r.method().equals("GET")) {
                assertThat(m.matches() || m.find(0)).as("every write is namespaced: %s", r).isTrue();
            }
        });
        assertThat(sent).filteredOn(r -> r.method().equals("PATCH") && r.path().endsWith("/scale"))
                .isNotEmpty().allSatisfy(r -> assertThat(r.path())
                        .isEqualTo("/apis/apps/v1/namespaces/team-a/deployments/orders-fn/scale"));
        assertThat(replicas("kube-system", "coredns")).isEqualTo(2);
        assertThat(client.v1().events().inNamespace("kube-system").list().getItems()).isEmpty();
        assertThat(client.v1().events().inNamespace("team-a").list().getItems())
                .allSatisfy(e -> assertThat(e.getInvolvedObject().getName()).isIn("good", "orders-fn"));
    }

    private void deployment(String ns, String name, int replicas) {
        client.apps().deployments().inNamespace(ns).resource(new DeploymentBuilder().withNewMetadata().withName(name)
                .withNamespace(ns).endMetadata().withNewSpec().withReplicas(replicas).withNewSelector()
                .addToMatchLabels("app", name).endSelector().withNewTemplate().withNewMetadata()
                .addToLabels("app", name).endMetadata().withNewSpec().addNewContainer().withName("fn")
                .withImage("fn:1").endContainer().endSpec().endTemplate().endSpec().build()).create();
    }

    private void create(KafkaBroker broker, String name, String apiVersion, String kind, String target,
                        boolean pausedAtZero) {
        ScaledWorkload sw = new ScaledWorkload();
        sw.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("team-a").build());
        if (pausedAtZero) {
            sw.getMetadata().setAnnotations(Map.of(ScaledWorkload.PAUSED_ANNOTATION, "true",
                    ScaledWorkload.PAUSED_REPLICAS_ANNOTATION, "0"));
        }
        ScaledWorkloadSpec spec = new ScaledWorkloadSpec();
        spec.setScaleTargetRef(new ScaleTargetRefSpec(apiVersion, kind, target));
        KafkaSpec kafka = new KafkaSpec();
        kafka.setBootstrapServers(broker.bootstrapServers());
        kafka.setConsumerGroup("iso-group");
        kafka.setTopics(List.of("iso-orders"));
        spec.setKafka(kafka);
        PolicySettings policy = new PolicySettings();
        policy.setMode("threshold");
        policy.setLagThreshold(20L);
        policy.setMaxReplicas(4);
        policy.setReadyDelay("0s");
        policy.setRebalanceGrace("0s");
        spec.setPolicy(policy);
        spec.setPollInterval("250ms");
        sw.setSpec(spec);
        // The mock checks no schema: the API server's patterns would refuse the first two; the scaler must too.
        client.resources(ScaledWorkload.class).inNamespace("team-a").resource(sw).create();
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

    private int replicas(String ns, String name) {
        Integer r = client.apps().deployments().inNamespace(ns).withName(name).get().getSpec().getReplicas();
        return r == null ? 0 : r;
    }

    private Optional<ScaledWorkloadStatus> status(String name) {
        ScaledWorkload sw = client.resources(ScaledWorkload.class).inNamespace("team-a").withName(name).get();
        return Optional.ofNullable(sw == null ? null : sw.getStatus());
    }

    private WorkloadCondition ready(String name) {
        return status(name).orElseThrow().condition("Ready").orElseThrow();
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
