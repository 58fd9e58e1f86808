package dev.ebb.scaler.loop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.function.Codecs;
import dev.ebb.function.EbbFunction;
import dev.ebb.function.FunctionWorker;
import dev.ebb.function.RunningWorker;
import dev.ebb.function.WorkerConfig;
import dev.ebb.scaler.AuthenticatingKafka;
import dev.ebb.scaler.OutputCapture;
import dev.ebb.scaler.cli.LagCommand;
import dev.ebb.scaler.lag.GroupQuery;
import dev.ebb.scaler.lag.KafkaAdminLagSource;
import dev.ebb.scaler.metrics.ScalerMetrics;
import dev.ebb.scaler.policy.Observation;
import dev.ebb.scaler.workload.CatalogEntry;
import dev.ebb.scaler.workload.WorkloadCatalog;
import dev.ebb.scaler.workload.WorkloadId;
import dev.ebb.scaler.workload.WorkloadSpecMapper;
import dev.ebb.scaler.workload.spec.SaslAuthentication;
import dev.ebb.scaler.workload.spec.TlsAuthentication;
import dev.ebb.testkit.KafkaBroker;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scaler against a real broker that authenticates: SASL_SSL with SCRAM-SHA-512 and mutual TLS, with workloads
 * whose credentials come in the layouts of {@code spec.kafka.authentication}. One workload has a wrong password: it
 * holds its replicas with a reason naming the cluster and the mechanism, one log line says so, and the others keep
 * scaling. Everything the run emits is searched for the password and the private keys.
 */
class AuthenticatedClustersIT {

    private static final String TOPIC = "orders";
    private static AuthenticatingKafka kafka;
    private static KafkaBroker broker;
    private static String password;

    @BeforeAll
    static void start() throws Exception {
        kafka = AuthenticatingKafka.start(TOPIC, List.of("g-sasl", "g-mtls", "g-bad", "g-cli"));
        broker = kafka.broker();
        password = kafka.password();
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void lagSourceObservesLagThroughSaslSslAndMutualTls() throws Exception {
        GroupQuery sasl = GroupQuery.consumerGroup("g-sasl", List.of(TOPIC));
        try (KafkaAdminLagSource source = new KafkaAdminLagSource(broker.saslSslClientConfig("alice", password))) {
            assertThat(source.observe(List.of(sasl)).toCompletableFuture().get(30, TimeUnit.SECONDS).get(sasl))
                    .isInstanceOfSatisfying(Observation.Lag.class, l -> assertThat(l.totalLag()).isEqualTo(40));
        }
        GroupQuery mtls = GroupQuery.consumerGroup("g-mtls", List.of(TOPIC));
        try (KafkaAdminLagSource source = new KafkaAdminLagSource(broker.mutualTlsClientConfig())) {
            assertThat(source.observe(List.of(mtls)).toCompletableFuture().get(30, TimeUnit.SECONDS).get(mtls))
                    .isInstanceOfSatisfying(Observation.Lag.class, l -> assertThat(l.totalLag()).isEqualTo(40));
        }
    }

    @Test
    void lagCommandConnectsWithACommandConfigFile(@TempDir Path dir) throws Exception {
        String printed = lagWithCommandConfig(dir.resolve("sasl.properties"), broker.saslSslClientConfig("alice",
                password), broker.saslSslBootstrapServers());
        assertThat(printed).contains("g-cli", "40").doesNotContain(password);
    }

    @Test
    void lagCommandConnectsThroughMutualTls(@TempDir Path dir) throws Exception {
        Map<String, Object> config = broker.mutualTlsClientConfig();
        String key = config.get("ssl.keystore.key").toString();
        String keyBody = key.lines().filter(l -> !l.startsWith("-----")).findFirst().orElseThrow();

        String printed = lagWithCommandConfig(dir.resolve("mtls.properties"), config,
                broker.mutualTlsBootstrapServers());

        assertThat(printed).contains("g-cli", "40").doesNotContain(keyBody);
    }

    private String lagWithCommandConfig(Path file, Map<String, Object> config, String bootstrap) throws Exception {
        Properties props = new Properties();
        config.forEach((k, v) -> props.setProperty(k, v.toString()));
        props.remove("bootstrap.servers");
        try (Writer w = Files.newBufferedWriter(file)) {
            props.store(w, null);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int exit = LagCommand.run(new String[] {"--bootstrap-server", bootstrap, "--group", "g-cli",
            "--command-config", file.toString()}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));

        String printed = out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(printed).isZero();
        return printed;
    }

    @Test
    void aWorkloadWithWrongCredentialsHoldsWithOneLogLineWhileTheOthersScaleAndNoSecretLeaks() throws Exception {
        OutputCapture capture = OutputCapture.start();
        Vertx vertx = Vertx.vertx();
        ScalerLoop loop = null;
        RunningWorker worker = null;
        List<DecisionEvent> decisions = new CopyOnWriteArrayList<>();
        List<String> invalid = new CopyOnWriteArrayList<>();
        PrometheusRegistry registry = new PrometheusRegistry();
        ScalerMetrics metrics = new ScalerMetrics(registry);
        try {
            Map<String, Map<String, String>> secrets = Map.of(
                    "alice", Map.of("username", "alice", "password", password),
                    "alice-old", Map.of("username", "alice", "password", "not-" + password.substring(6)),
                    "cluster-ca", Map.of("ca.crt", broker.certificates().caCertificate()),
                    "orders-fn-user", Map.of("user.crt", broker.certificates().clientCertificate(),
                            "user.key", broker.certificates().clientKey()));
            List<CatalogEntry> entries = List.of(
                    entry("sasl", broker.saslSslBootstrapServers(), "g-sasl", sasl("alice"), tls(false), secrets),
                    entry("mtls", broker.mutualTlsBootstrapServers(), "g-mtls", null, tls(true), secrets),
                    entry("bad", broker.saslSslBootstrapServers(), "g-bad", sasl("alice-old"), tls(false), secrets));
            assertThat(entries).allSatisfy(e -> assertThat(e).isInstanceOf(CatalogEntry.Valid.class));
            WorkloadCatalog catalog = () -> entries;
            RecordingScaleTarget target = new RecordingScaleTarget();
            target.put("sasl-fn", 0);
            target.put("mtls-fn", 0);
            target.put("bad-fn", 0);
            DecisionListener recorder = new DecisionListener() {
                @Override
                public void onDecision(DecisionEvent event) {
                    decisions.add(event);
                }

                @Override
                public void onInvalid(WorkloadId id, List<String> problems) {
                    invalid.addAll(problems);
                }
            };
            loop = new ScalerLoop(vertx, catalog, (key, config) -> new KafkaAdminLagSource(config), target,
                    Clock.systemUTC(), DecisionListener.all(List.of(metrics, recorder))).start();

            // A worker of the same tenant, configured as on Kubernetes, consumes through SASL_SSL meanwhile.
            Path files = Files.createTempDirectory("ebb-worker-secrets");
            broker.certificates().writeClientFiles(files);
            Files.writeString(files.resolve("password"), password);
            Map<String, String> env = new HashMap<>();
            env.put("EBB_BOOTSTRAP_SERVERS", broker.saslSslBootstrapServers());
            env.put("EBB_TOPICS", TOPIC);
            env.put("EBB_GROUP", "g-worker");
            env.put("EBB_HTTP_PORT", "off");
            env.put("EBB_SASL_MECHANISM", "SCRAM-SHA-512");
            env.put("EBB_SASL_USERNAME", "alice");
            env.put("EBB_SASL_PASSWORD_FILE", files.resolve("password").toString());
            env.put("EBB_TLS_CA_FILE", files.resolve("ca.crt").toString());
            WorkerConfig workerConfig = WorkerConfig.from(env);
            System.out.println("worker config: " + workerConfig);
            worker = FunctionWorker.start(EbbFunction.of(Codecs.string(), Codecs.string(), r -> r.value()), workerConfig);
            RunningWorker running = worker;

            awaitTrue(() -> target.replicas("sasl-fn") > 0 && target.replicas("mtls-fn") > 0
                    && count(decisions, "bad") >= 6 && running.stats().processed() >= 40);

            assertThat(target.replicas("bad-fn")).isZero();
            assertThat(target.requests).noneMatch(r -> r.target().name().equals("bad-fn"));
            DecisionEvent bad = last(decisions, "bad");
            assertThat(bad.observation()).isInstanceOfSatisfying(Observation.Unavailable.class, u ->
                    assertThat(u.reason()).contains(broker.saslSslBootstrapServers(),
                            "authentication failed (SASL_SSL SCRAM-SHA-512)"));
            assertThat(invalid).isEmpty();
        } finally {
            if (worker != null) {
                worker.close();
            }
            if (loop != null) {
                loop.stopAndWait(Duration.ofSeconds(10));
            }
            vertx.close().await(10, TimeUnit.SECONDS);
            capture.stop();
        }

        String logs = capture.text();
        List<String> authLines = logs.lines().filter(l -> l.toLowerCase(java.util.Locale.ROOT)
                .matches(".*(authentication failed|authenticationexception).*")).toList();
        assertThat(authLines).as(logs).hasSize(1);
        assertThat(authLines.get(0)).contains(broker.saslSslBootstrapServers(), "SCRAM-SHA-512");
        assertThat(logs.lines().filter(l -> l.matches("\\s+at [\\w.$]+\\(.*"))).as("stack traces").isEmpty();

        ByteArrayOutputStream scrape = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(scrape, registry.scrape());
        String everything = String.join("\n", logs, scrape.toString(StandardCharsets.UTF_8),
                decisions.stream().map(d -> d.workload() + " " + d.observation() + " " + d.decision() + " "
                        + d.outcome()).collect(Collectors.joining("\n")), String.join("\n", invalid));
        assertThat(everything).contains("ebb_").contains("authentication failed");
        for (String secret : secrets()) {
            assertThat(everything).as("emitted text contains a secret").doesNotContain(secret);
        }
    }

    /** The password (also without its user prefix), and the body lines of every private key. */
    private static List<String> secrets() {
        List<String> secrets = new ArrayList<>(kafka.secrets());
        secrets.add(password.substring(6));
        return secrets;
    }

    private static CatalogEntry entry(String name, String bootstrap, String group, SaslAuthentication sasl,
                                      TlsAuthentication tls, Map<String, Map<String, String>> secrets) {
        return WorkloadSpecMapper.mapWithSecrets(new WorkloadId("shop", name),
                AuthenticatingKafka.spec(name, bootstrap, group, TOPIC, sasl, tls), secrets,
                "secret:shop/" + name + "@1", Map.of());
    }

    private static SaslAuthentication sasl(String secret) {
        return AuthenticatingKafka.sasl(secret);
    }

    private static TlsAuthentication tls(boolean clientCertificate) {
        return AuthenticatingKafka.tls(clientCertificate ? "orders-fn-user" : null);
    }

    private static long count(List<DecisionEvent> decisions, String name) {
        return decisions.stream().filter(d -> d.workload().id().name().equals(name)).count();
    }

    private static DecisionEvent last(List<DecisionEvent> decisions, String name) {
        List<DecisionEvent> mine = decisions.stream().filter(d -> d.workload().id().name().equals(name)).toList();
        return mine.get(mine.size() - 1);
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
