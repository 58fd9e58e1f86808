package dev.ebb.scaler.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.scaler.AuthenticatingKafka;
import dev.ebb.scaler.OutputCapture;
import dev.ebb.scaler.workload.spec.SaslAuthentication;
import dev.ebb.scaler.workload.spec.ScaledWorkload;
import dev.ebb.scaler.workload.spec.ScaledWorkloadSpec;
import dev.ebb.scaler.workload.spec.TlsAuthentication;
import dev.ebb.scaler.workload.spec.WorkloadCondition;
import dev.ebb.testkit.KafkaBroker;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
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
    private static final String TOPIC = "payments";

    @Test
    void scalesWithSecretsInTheirLayoutsAndLeaksNoneOfThem() throws Exception {
        OutputCapture capture = OutputCapture.start();
        try (AuthenticatingKafka kafka = AuthenticatingKafka.start(TOPIC, List.of("sasl", "mtls", "bad"))) {
            run(capture, kafka);
        }
    }

    private void run(OutputCapture capture, AuthenticatingKafka kafka) throws Exception {
        KafkaBroker broker = kafka.broker();
        String password = kafka.password();
        MockCluster cluster = MockCluster.start();
        KubernetesClient client = cluster.client;
        String everything;
        try {
            secret(client, "kafka-user", Map.of("username", "alice", "password", password));
            secret(client, "kafka-user-old", Map.of("username", "alice", "password", "old-" + password));
            secret(client, "cluster-ca", Map.of("ca.crt", broker.certificates().caCertificate()));
            secret(client, "payments-fn", Map.of("user.crt", broker.certificates().clientCertificate(),
                    "user.key", broker.certificates().clientKey()));
            for (String name : List.of("sasl", "mtls", "bad")) {
                cluster.deployment(NS, name + "-fn", 0);
            }
            create(client, "sasl", broker.saslSslBootstrapServers(), sasl("kafka-user"), tls(false));
            create(client, "mtls", broker.mutualTlsBootstrapServers(), null, tls(true));
            create(client, "bad", broker.saslSslBootstrapServers(), sasl("kafka-user-old"), tls(false));

            KubernetesScalerService service = cluster.startScaler(MockCluster.fastSettings("scaler-a")
                    .withWatchNamespace(NS).withPort(0));
            awaitTrue(() -> replicas(client, "sasl-fn") > 0 && replicas(client, "mtls-fn") > 0
                    && badCondition(client).contains("authentication failed"));
            assertThat(replicas(client, "bad-fn")).isZero();
            assertThat(badCondition(client)).contains(broker.saslSslBootstrapServers(), "SCRAM-SHA-512");
            // More polls of the refused cluster (each counted as lag_unavailable), and still one log line below.
            double polled = lagUnavailable(service);
            awaitTrue(() -> lagUnavailable(service) >= polled + 3);

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
            cluster.close();
            capture.stop();
        }
        String logs = capture.text();
        List<String> authLines = logs.lines().filter(l -> l.toLowerCase(Locale.ROOT)
                .matches(".*(authentication failed|authenticationexception).*")).toList();
        assertThat(authLines).as(logs).hasSize(1);
        assertThat(logs.lines().filter(l -> l.matches("\\s+at [\\w.$]+\\(.*"))).as("stack traces").isEmpty();
        List<String> secrets = kafka.secrets();
        String emitted = everything + "\n" + logs;
        for (String secret : secrets) {
            assertThat(emitted).as("status, Events, /metrics or logs contain a secret").doesNotContain(secret);
        }
    }

    private static double lagUnavailable(KubernetesScalerService service) {
        double n = 0;
        for (MetricSnapshot m : service.metrics().registry().scrape()) {
            if (m.getMetadata().getName().equals("ebb_errors") && m instanceof CounterSnapshot c) {
                n += c.getDataPoints().stream().filter(p -> "lag_unavailable".equals(p.getLabels().get("kind")))
                        .mapToDouble(CounterSnapshot.CounterDataPointSnapshot::getValue).sum();
            }
        }
        return n;
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
        ScaledWorkloadSpec spec = AuthenticatingKafka.spec(name, bootstrap, name, TOPIC, sasl, tls);
        spec.setPollInterval("500ms");
        sw.setSpec(spec);
        client.resources(ScaledWorkload.class).inNamespace(NS).resource(sw).create();
    }

    private static SaslAuthentication sasl(String secret) {
        return AuthenticatingKafka.sasl(secret);
    }

    private static TlsAuthentication tls(boolean clientCertificate) {
        return AuthenticatingKafka.tls(clientCertificate ? "payments-fn" : null);
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
