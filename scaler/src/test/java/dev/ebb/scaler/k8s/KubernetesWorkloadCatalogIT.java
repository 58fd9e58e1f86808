package dev.ebb.scaler.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.scaler.rbac.RbacPolicy;
import dev.ebb.scaler.rbac.RbacRecorder;
import dev.ebb.scaler.reconcile.Pause;
import dev.ebb.scaler.workload.CatalogEntry;
import dev.ebb.scaler.workload.Workload;
import dev.ebb.scaler.workload.spec.KafkaSpec;
import dev.ebb.scaler.workload.spec.PolicySettings;
import dev.ebb.scaler.workload.spec.ScaleTargetRefSpec;
import dev.ebb.scaler.workload.spec.ScaledWorkload;
import dev.ebb.scaler.workload.spec.ScaledWorkloadSpec;
import dev.ebb.scaler.workload.spec.SecretRefSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The informer-backed catalog against the mock API server in CRUD mode. */
class KubernetesWorkloadCatalogIT {

    private static final String NS = "shop";
    private KubernetesMockServer server;
    private KubernetesClient client;
    /** The catalog's own client: its requests are evaluated against deploy/rbac. */
    private KubernetesClient scalerClient;
    private final RbacRecorder rbac = new RbacRecorder(KubernetesWorkloadCatalogIT.class);
    private KubernetesWorkloadCatalog catalog;

    @BeforeEach
    void start() {
        server = rbac.newServer();
        client = server.createClient();
        scalerClient = RbacRecorder.scalerClient(server, null);
        catalog = new KubernetesWorkloadCatalog(scalerClient, NS, Duration.ofMillis(200), Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        catalog.close();
        scalerClient.close();
        client.close();
        server.destroy();
        rbac.assertAllAllowed();
    }

    @Test
    void followsCreatesUpdatesAndDeletesOnTheNextSnapshot() throws Exception {
        catalog.start();
        await(() -> catalog.synced());
        assertThat(catalog.entries()).isEmpty();

        ScaledWorkload sw = client.resources(ScaledWorkload.class).inNamespace(NS).resource(workload("orders", null))
                .create();
        Workload first = awaitWorkload("orders", w -> true);
        assertThat(first.policy().maxReplicas()).isEqualTo(10);

        sw.getSpec().getPolicy().setMaxReplicas(3);
        client.resources(ScaledWorkload.class).inNamespace(NS).resource(sw).update();
        awaitWorkload("orders", w -> w.policy().maxReplicas() == 3);

        client.resources(ScaledWorkload.class).inNamespace(NS).withName("orders").delete();
        await(() -> catalog.entries().isEmpty());
        assertThat(catalog.entries()).isEmpty();
    }

    private static final String JAAS = "org.apache.kafka.common.security.scram.ScramLoginModule required "
            + "username=\"ebb\" password=\"hunter2\";";

    @Test
    void readsTheReferencedSecretIntoTheClientConfigOnly() throws Exception {
        // What an operator grants per referenced Secret (deploy/rbac/secret-reader-example.yaml).
        rbac.grant(RbacPolicy.secretReader(NS, "kafka-credentials"));
        rbac.grant(RbacPolicy.secretReader(NS, "no-such-secret"));
        client.secrets().inNamespace(NS).resource(new SecretBuilder().withNewMetadata().withName("kafka-credentials")
                .endMetadata().addToStringData("sasl.jaas.config", JAAS)
                .addToStringData("sasl.mechanism", "SCRAM-SHA-512")
                .addToStringData("security.protocol", "SASL_SSL").build()).create();
        client.resources(ScaledWorkload.class).inNamespace(NS).resource(workload("secure", "kafka-credentials"))
                .create();
        client.resources(ScaledWorkload.class).inNamespace(NS).resource(workload("missing", "no-such-secret"))
                .create();
        catalog.start();

        Workload secure = awaitWorkload("secure", w -> true);
        assertThat(secure.clientConfig()).containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.jaas.config", JAAS);
        assertThat(secure.cluster().credentials()).startsWith("secret:shop/kafka-credentials@");
        assertThat(secure.toString() + secure.cluster()).doesNotContain("hunter2");
        await(() -> entry("missing").isPresent());
        assertThat(entry("missing")).get().isInstanceOfSatisfying(CatalogEntry.Invalid.class, bad ->
                assertThat(bad.problems()).singleElement().asString()
                        .contains("Invalid value 'no-such-secret' for spec.kafka.securitySecretRef.name",
                                "not found"));
    }

    @Test
    void pausesAWorkloadWhoseTargetAnHpaAlreadyScales() throws Exception {
        client.autoscaling().v2().horizontalPodAutoscalers().inNamespace(NS).resource(
                new HorizontalPodAutoscalerBuilder().withNewMetadata().withName("orders-cpu").endMetadata()
                        .withNewSpec().withNewScaleTargetRef().withApiVersion("apps/v1").withKind("Deployment")
                        .withName("orders-fn").endScaleTargetRef().withMaxReplicas(5).endSpec().build()).create();
        client.resources(ScaledWorkload.class).inNamespace(NS).resource(workload("orders", null)).create();
        client.resources(ScaledWorkload.class).inNamespace(NS).resource(workload("other", null)).create();
        catalog.start();

        Workload orders = awaitWorkload("orders", w -> w.pause() instanceof Pause.Paused);
        assertThat(((Pause.Paused) orders.pause()).cause()).isEqualTo(Pause.Cause.CONFLICTING_AUTOSCALER);
        assertThat(((Pause.Paused) orders.pause()).reason())
                .startsWith("HorizontalPodAutoscaler orders-cpu")
                .contains("Deployment/orders-fn");
        assertThat(awaitWorkload("other", w -> true).pause()).isEqualTo(Pause.none());

        client.autoscaling().v2().horizontalPodAutoscalers().inNamespace(NS).withName("orders-cpu").delete();
        awaitWorkload("orders", w -> w.pause() == Pause.none());
    }

    private ScaledWorkload workload(String name, String secret) {
        ScaledWorkload sw = new ScaledWorkload();
        sw.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NS).build());
        ScaledWorkloadSpec spec = new ScaledWorkloadSpec();
        spec.setScaleTargetRef(new ScaleTargetRefSpec("apps/v1", "Deployment", name + "-fn"));
        KafkaSpec kafka = new KafkaSpec();
        kafka.setBootstrapServers("kafka:9092");
        kafka.setConsumerGroup(name);
        if (secret != null) {
            kafka.setSecuritySecretRef(new SecretRefSpec(secret));
        }
        spec.setKafka(kafka);
        spec.setPolicy(new PolicySettings());
        sw.setSpec(spec);
        return sw;
    }

    private Optional<CatalogEntry> entry(String name) {
        return catalog.entries().stream().filter(e -> e.id().name().equals(name)).findFirst();
    }

    private Workload awaitWorkload(String name, Predicate<Workload> condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            Optional<CatalogEntry> e = entry(name);
            if (e.isPresent() && e.get() instanceof CatalogEntry.Valid v && condition.test(v.workload())) {
                return v.workload();
            }
            Thread.sleep(50);
        }
        throw new AssertionError("No matching workload " + name + " in " + catalog.entries());
    }

    private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }

}
