package dev.ebb.scaler.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.scaler.OutputCapture;
import dev.ebb.scaler.crd.ScaledWorkloadCrd;
import dev.ebb.scaler.lag.KafkaAdminLagSource;
import dev.ebb.scaler.workload.spec.KafkaAuthentication;
import dev.ebb.scaler.workload.spec.KafkaSpec;
import dev.ebb.scaler.workload.spec.PolicySettings;
import dev.ebb.scaler.workload.spec.SaslAuthentication;
import dev.ebb.scaler.workload.spec.ScaleTargetRefSpec;
import dev.ebb.scaler.workload.spec.ScaledWorkload;
import dev.ebb.scaler.workload.spec.ScaledWorkloadSpec;
import dev.ebb.scaler.workload.spec.SecretRefSpec;
import dev.ebb.scaler.workload.spec.TlsAuthentication;
import dev.ebb.scaler.workload.spec.WorkloadCondition;
import dev.ebb.testkit.KafkaBroker;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.kubernetes.client.vertx5.Vertx5HttpClientFactory;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The whole scaler service (informer, Secret reads, loop, status, Events, /metrics) against fabric8's mock API
 * server and a broker that authenticates. Workloads reference Secrets in the layouts of
 * {@code spec.kafka.authentication}; one holds a wrong password. The good ones scale, the bad one's status says
 * "authentication failed" naming the cluster and the mechanism, and nothing the service writes or prints (status,
 * Events, /metrics, logs) contains the password or a private key.
 */
class AuthenticatedKubernetesIT {

    private static final String NS = "tenant";
    private static final String PASSWORD = "alice-" + UUID.randomUUID();
    private static final String TOPIC = "payments";

    @Test
    void scalesWithSecretsInTheirLayoutsAndLeaksNoneOfThem() throws Exception {
        OutputCapture capture = OutputCapture.start();
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        server.init();
        Vertx vertx = Vertx.vertx();
        KafkaBroker broker = KafkaBroker.builder().saslSslScram().mutualTls().start();
        KubernetesScalerService service = null;
        KubernetesClient client = server.createClient(new Vertx5HttpClientFactory(vertx));
        String everything;
        try {
            broker.createScramUser("alice", PASSWORD);
            prepareKafka(broker);
            CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions()
                    .load(ScaledWorkloadCrd.generate(Files.createTempDirectory("ebb-crd")).toFile()).item();
            client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
            secret(client, "kafka-user", Map.of("username", "alice", "password", PASSWORD));
            secret(client, "kafka-user-old", Map.of("username", "alice", "password", "old-" + PASSWORD));
            secret(client, "cluster-ca", Map.of("ca.crt", broker.certificates().caCertificate()));
            secret(client, "payments-fn", Map.of("user.crt", broker.certificates().clientCertificate(),
                    "user.key", broker.certificates().clientKey()));
            for (String name : List.of("sasl", "mtls", "bad")) {
                client.apps().deployments().inNamespace(NS).resource(new DeploymentBuilder().withNewMetadata()
                        .withName(name + "-fn").withNamespace(NS).endMetadata().withNewSpec().withReplicas(0)
                        .withNewSelector().addToMatchLabels("app", name).endSelector().withNewTemplate()
                        .withNewMetadata().addToLabels("app", name).endMetadata().withNewSpec().addNewContainer()
                        .withName("fn").withImage("fn:dev").endContainer().endSpec().endTemplate().endSpec()
                        .build()).create();
            }
            create(client, "sasl", broker.saslSslBootstrapServers(), sasl("kafka-user"), tls(false));
            create(client, "mtls", broker.mutualTlsBootstrapServers(), null, tls(true));
            create(client, "bad", broker.saslSslBootstrapServers(), sasl("kafka-user-old"), tls(false));

            service = new KubernetesScalerService(vertx, client, (key, config) -> new KafkaAdminLagSource(config),
                    Clock.systemUTC(), KubernetesScalerService.Settings.defaults(NS, "scaler-a").withWatchNamespace(NS)
                    .withPort(0).withTick(Duration.ofMillis(250)).withStatusFlush(Duration.ofMillis(200))
                    .withLeaseTiming(new KubernetesLeaderElection.Timing(Duration.ofSeconds(2),
                            Duration.ofMillis(1500), Duration.ofMillis(250))));
            service.start().await(30, TimeUnit.SECONDS);

            awaitTrue(() -> replicas(client, "sasl-fn") > 0 && replicas(client, "mtls-fn") > 0
                    && badCondition(client).contains("authentication failed"));
            assertThat(replicas(client, "bad-fn")).isZero();
            assertThat(badCondition(client)).contains(broker.saslSslBootstrapServers(), "SCRAM-SHA-512");
            Thread.sleep(2_000); // more polls of the refused cluster: still one log line

            String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + service.port() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            String statuses = client.resources(ScaledWorkload.class).inNamespace(NS).list().getItems().stream()
                    .map(Serialization::asYaml).collect(Collectors.joining("\n"));
            String events = client.v1().events().inNamespace(NS).list().getItems().stream()
                    .map(Event::toString).collect(Collectors.joining("\n"));
            assertThat(metrics).contains("ebb_");
            assertThat(statuses).contains("authentication failed");
            assertThat(events).contains("ScaledUp");
            everything = String.join("\n", metrics, statuses, events);
        } finally {
            if (service != null) {
                service.close();
            }
            client.close();
            vertx.close().await(10, TimeUnit.SECONDS);
            server.destroy();
            capture.stop();
        }
        String logs = capture.text();
        List<String> authLines = logs.lines().filter(l -> l.toLowerCase(Locale.ROOT)
                .matches(".*(authentication failed|authenticationexception).*")).toList();
        assertThat(authLines).as(logs).hasSize(1);
        assertThat(logs.lines().filter(l -> l.matches("\\s+at [\\w.$]+\\(.*"))).as("stack traces").isEmpty();
        List<String> secrets = new ArrayList<>(List.of(PASSWORD));
        for (String pem : List.of(broker.certificates().clientKey(), broker.certificates().serverKey())) {
            pem.lines().filter(l -> !l.startsWith("-----")).forEach(secrets::add);
        }
        broker.close();
        String emitted = everything + "\n" + logs;
        for (String secret : secrets) {
            assertThat(emitted).as("status, Events, /metrics or logs contain a secret").doesNotContain(secret);
        }
    }

    private static void prepareKafka(KafkaBroker broker) throws Exception {
        broker.createTopic(TOPIC, 2);
        Map<String, Object> config = broker.clientConfig();
        config.put("key.serializer", StringSerializer.class);
        config.put("value.serializer", StringSerializer.class);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config)) {
            for (int i = 0; i < 40; i++) {
                producer.send(new ProducerRecord<>(TOPIC, i % 2, "k" + i, "v" + i));
            }
        }
        try (Admin admin = Admin.create(broker.clientConfig())) {
            Map<TopicPartition, OffsetAndMetadata> zero = Map.of(new TopicPartition(TOPIC, 0),
                    new OffsetAndMetadata(0), new TopicPartition(TOPIC, 1), new OffsetAndMetadata(0));
            for (String group : List.of("sasl", "mtls", "bad")) {
                admin.alterConsumerGroupOffsets(group, zero).all().get(30, TimeUnit.SECONDS);
            }
        }
    }

    private static void secret(KubernetesClient client, String name, Map<String, String> data) {
        client.secrets().inNamespace(NS).resource(new SecretBuilder().withNewMetadata().withName(name)
                .withNamespace(NS).endMetadata().withStringData(data).build()).create();
    }

    private static void create(KubernetesClient client, String name, String bootstrap, SaslAuthentication sasl,
                               TlsAuthentication tls) {
        ScaledWorkload sw = new ScaledWorkload();
        sw.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName(name).withNamespace(NS)
                .build());
        ScaledWorkloadSpec spec = new ScaledWorkloadSpec();
        spec.setScaleTargetRef(new ScaleTargetRefSpec("apps/v1", "Deployment", name + "-fn"));
        KafkaSpec kafka = new KafkaSpec();
        kafka.setBootstrapServers(bootstrap);
        kafka.setConsumerGroup(name);
        kafka.setTopics(List.of(TOPIC));
        KafkaAuthentication auth = new KafkaAuthentication();
        auth.setSasl(sasl);
        auth.setTls(tls);
        kafka.setAuthentication(auth);
        spec.setKafka(kafka);
        PolicySettings policy = new PolicySettings();
        policy.setMode("threshold");
        policy.setLagThreshold(10L);
        policy.setMaxReplicas(4);
        spec.setPolicy(policy);
        spec.setPollInterval("500ms");
        sw.setSpec(spec);
        client.resources(ScaledWorkload.class).inNamespace(NS).resource(sw).create();
    }

    private static SaslAuthentication sasl(String secret) {
        SaslAuthentication sasl = new SaslAuthentication();
        sasl.setMechanism("SCRAM-SHA-512");
        sasl.setSecretRef(new SecretRefSpec(secret));
        return sasl;
    }

    private static TlsAuthentication tls(boolean clientCertificate) {
        TlsAuthentication tls = new TlsAuthentication();
        tls.setCaSecretRef(new SecretRefSpec("cluster-ca"));
        if (clientCertificate) {
            tls.setClientSecretRef(new SecretRefSpec("payments-fn"));
        }
        return tls;
    }

    private static int replicas(KubernetesClient client, String name) {
        Integer r = client.apps().deployments().inNamespace(NS).withName(name).get().getSpec().getReplicas();
        return r == null ? 0 : r;
    }

    private static String badCondition(KubernetesClient client) {
        ScaledWorkload sw = client.resources(ScaledWorkload.class).inNamespace(NS).withName("bad").get();
        if (sw == null || sw.getStatus() == null || sw.getStatus().getConditions() == null) {
            return "";
        }
        return sw.getStatus().getConditions().stream().map(WorkloadCondition::getMessage)
                .filter(m -> m != null).collect(Collectors.joining(" | "));
    }

    private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("condition not met within 120 s");
    }
}
