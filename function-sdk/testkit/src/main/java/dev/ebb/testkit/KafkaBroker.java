package dev.ebb.testkit;

import dev.ebb.testkit.internal.BrokerMain;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kafka 4.4 broker in KRaft mode (combined broker and controller), running in a child JVM started from
 * this JVM's classpath. No Docker is needed.
 *
 * <p>The child's server.properties are {@link ServerProperties}, the secured clients {@link SecuredClients}.
 *
 * <p>Ports are chosen free at start and kept across {@link #kill()} / {@link #restart()}, so clients keep their
 * bootstrap address; data lives in a temporary folder that {@link #close()} deletes. The child halts by itself when
 * this JVM dies, and a shutdown hook kills it when this JVM exits normally.
 *
 * <p>Not thread-safe for lifecycle calls (start, kill, restart, stop, close); {@link #bootstrapServers()} and
 * {@link #createTopic} may be called from any thread.
 */
public final class KafkaBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaBroker.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final Path dir;
    private final Path propertiesFile;
    private final String clusterId;
    private final int brokerPort;
    private final int controllerPort;
    private final Thread shutdownHook;
    private final TestCertificates certificates;
    private final int saslSslPort;
    private final int mutualTlsPort;
    private Process process;
    private boolean closed;

    private KafkaBroker(Path dir, Map<String, String> extraServerProperties, boolean saslSsl, boolean mutualTls)
            throws IOException {
        this.dir = dir;
        this.clusterId = Uuid.randomUuid().toString();
        this.brokerPort = BrokerHost.freePort();
        this.controllerPort = BrokerHost.freePort();
        this.saslSslPort = saslSsl ? BrokerHost.freePort() : -1;
        this.mutualTlsPort = mutualTls ? BrokerHost.freePort() : -1;
        this.certificates = saslSsl || mutualTls ? TestCertificates.generate("ebb-client") : null;
        this.propertiesFile = dir.resolve("server.properties");
        Map<String, String> props = ServerProperties.defaults(dir, brokerPort, controllerPort);
        if (certificates != null) {
            props.putAll(ServerProperties.secured(dir, certificates, brokerPort, controllerPort, saslSslPort,
                    mutualTlsPort));
        }
        props.putAll(extraServerProperties);
        StringBuilder text = new StringBuilder();
        props.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        Files.writeString(propertiesFile, text.toString(), StandardCharsets.UTF_8);
        this.shutdownHook = new Thread(this::destroyQuietly, "ebb-testkit-broker-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Starts a new broker with default settings and waits until it serves requests. */
    public static KafkaBroker start() {
        return start(Map.of());
    }

    /** Starts a new broker; {@code extraServerProperties} override or add to the defaults. */
    public static KafkaBroker start(Map<String, String> extraServerProperties) {
        try {
            KafkaBroker broker = new KafkaBroker(Files.createTempDirectory("ebb-kafka-"), extraServerProperties, false,
                    false);
            try {
                broker.launch();
            } catch (RuntimeException e) {
                broker.close();
                throw e;
            }
            return broker;
        } catch (IOException e) {
            throw new UncheckedIOException("could not prepare a Kafka broker: " + e.getMessage(), e);
        }
    }

    /** Chooses listeners besides PLAINTEXT: SASL_SSL with SCRAM-SHA-512, and/or mutual TLS. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A broker with more listeners than the default PLAINTEXT one (which stays, for the testkit's own calls and
     * inter-broker traffic). TLS listeners use a CA and certificates generated for this broker
     * ({@link #certificates()}); no authorizer runs, so any authenticated client may do anything.
     */
    public static final class Builder {
        private final Map<String, String> serverProperties = new LinkedHashMap<>();
        private boolean saslSsl;
        private boolean mutualTls;

        private Builder() {
        }

        /** A SASL_SSL listener accepting SCRAM-SHA-512; add users with {@link #createScramUser}. */
        public Builder saslSslScram() {
            saslSsl = true;
            return this;
        }

        /** An SSL listener that requires a client certificate signed by {@link #certificates()}' CA. */
        public Builder mutualTls() {
            mutualTls = true;
            return this;
        }

        /** Server properties that override or add to the defaults. */
        public Builder serverProperties(Map<String, String> properties) {
            serverProperties.putAll(properties);
            return this;
        }

        public KafkaBroker start() {
            try {
                KafkaBroker broker = new KafkaBroker(Files.createTempDirectory("ebb-kafka-"), serverProperties,
                        saslSsl, mutualTls);
                try {
                    broker.launch();
                } catch (RuntimeException e) {
                    broker.close();
                    throw e;
                }
                return broker;
            } catch (IOException e) {
                throw new UncheckedIOException("could not prepare a Kafka broker: " + e.getMessage(), e);
            }
        }
    }

    /** The CA, server and client certificates of the TLS listeners. */
    public TestCertificates certificates() {
        if (certificates == null) {
            throw new IllegalStateException("broker " + bootstrapServers() + " has no TLS listener");
        }
        return certificates;
    }

    /** {@code localhost:PORT} of the SASL_SSL (SCRAM-SHA-512) listener. */
    public String saslSslBootstrapServers() {
        if (saslSslPort < 0) {
            throw new IllegalStateException("broker " + bootstrapServers() + " has no SASL_SSL listener");
        }
        return "localhost:" + saslSslPort;
    }

    /** {@code localhost:PORT} of the mutual-TLS listener (client certificate required). */
    public String mutualTlsBootstrapServers() {
        if (mutualTlsPort < 0) {
            throw new IllegalStateException("broker " + bootstrapServers() + " has no mutual-TLS listener");
        }
        return "localhost:" + mutualTlsPort;
    }

    /** Client settings for the SASL_SSL listener as {@code username}, trusting the broker's CA (PEM content). */
    public Map<String, Object> saslSslClientConfig(String username, String password) {
        return SecuredClients.saslSsl(saslSslBootstrapServers(), certificates(), username, password);
    }

    /** Client settings for the mutual-TLS listener with the generated client certificate (PEM content). */
    public Map<String, Object> mutualTlsClientConfig() {
        return SecuredClients.mutualTls(mutualTlsBootstrapServers(), certificates());
    }

    /**
     * Adds (or changes) a SCRAM-SHA-512 user through the PLAINTEXT listener and waits until the SASL_SSL listener
     * accepts it.
     */
    public void createScramUser(String username, String password) {
        SecuredClients.createScramUser(adminConfig(), saslSslClientConfig(username, password), username, password,
                READY_TIMEOUT.multipliedBy(2));
    }

    /** {@code localhost:PORT} of the PLAINTEXT listener; stable across kill and restart. */
    public String bootstrapServers() {
        return "localhost:" + brokerPort;
    }

    /** Client settings to reach this broker (a fresh mutable map). */
    public Map<String, Object> clientConfig() {
        Map<String, Object> config = new HashMap<>();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return config;
    }

    /** The broker's data and log folder. */
    public Path directory() {
        return dir;
    }

    /** Whether the broker process is alive. */
    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /**
     * Creates a topic (replication factor 1) and waits until every partition has a leader. Creating a topic that
     * already exists with the same partition count is not an error.
     */
    public void createTopic(String name, int partitions) {
        createTopic(name, partitions, Map.of());
    }

    /** As {@link #createTopic(String, int)}, with topic configs (e.g. {@code retention.ms}). */
    public void createTopic(String name, int partitions, Map<String, String> configs) {
        if (partitions < 1) {
            throw new IllegalArgumentException("Invalid value " + partitions + " for partitions: must be >= 1");
        }
        try (Admin admin = Admin.create(adminConfig())) {
            try {
                admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1).configs(configs))).all().get();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("could not create topic " + name + " on " + bootstrapServers()
                            + ": " + e.getCause().getMessage(), e.getCause());
                }
            }
            awaitLeaders(admin, Set.of(name));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topic " + name, e);
        }
    }

    /** Kills the broker process with SIGKILL: no controlled shutdown, unflushed data may be lost as in a crash. */
    public void kill() {
        if (process != null) {
            process.destroyForcibly();
            BrokerHost.waitForExit(process, STOP_TIMEOUT);
            process = null;
        }
    }

    /** Starts the broker again on the same data folder and ports; waits until it serves requests. */
    public void restart() {
        if (closed) {
            throw new IllegalStateException("broker " + bootstrapServers() + " is closed");
        }
        if (isRunning()) {
            return;
        }
        launch();
    }

    /** Stops the broker gracefully (SIGTERM, controlled shutdown); data is kept for {@link #restart()}. */
    public void stop() {
        if (process != null) {
            process.destroy();
            if (!BrokerHost.waitForExit(process, STOP_TIMEOUT)) {
                process.destroyForcibly();
                BrokerHost.waitForExit(process, STOP_TIMEOUT);
            }
            process = null;
        }
    }

    /** Stops the broker and deletes its data folder. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // Already shutting down: the hook runs anyway.
        }
        BrokerHost.deleteRecursively(dir);
    }

    private void launch() {
        Path log = dir.resolve("broker.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java,
                "-Xms128m", "-Xmx768m", "-XX:+UseG1GC", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                "-Djava.awt.headless=true",
                "-Dkafka.logs.dir=" + dir.resolve("logs"),
                "-Dlog4j2.level=WARN",
                "-Debb.log.level=warn",
                "-cp", System.getProperty("java.class.path"),
                BrokerMain.class.getName(), propertiesFile.toString(), clusterId));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the Kafka broker JVM: " + e.getMessage(), e);
        }
        awaitReady(log);
        LOG.debug("Kafka broker ready at {} (pid {})", bootstrapServers(), process.pid());
    }

    private void awaitReady(Path log) {
        Instant deadline = Instant.now().plus(READY_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Kafka broker exited with code " + process.exitValue()
                        + " while starting; last log lines:\n" + BrokerHost.tail(log));
            }
            if (BrokerHost.portOpen(brokerPort) && clusterAnswers()) {
                return;
            }
            BrokerHost.sleep(Duration.ofMillis(100));
        }
        destroyQuietly();
        throw new IllegalStateException("Kafka broker not ready within " + READY_TIMEOUT.toSeconds()
                + " s; last log lines:\n" + BrokerHost.tail(log));
    }

    private boolean clusterAnswers() {
        Map<String, Object> config = adminConfig();
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000");
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
        try (Admin admin = Admin.create(config)) {
            return !admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the Kafka broker", e);
        } catch (Exception e) {
            return false;
        }
    }

    private void awaitLeaders(Admin admin, Set<String> topics) throws InterruptedException {
        Instant deadline = Instant.now().plus(READY_TIMEOUT);
        String missing = "";
        while (Instant.now().isBefore(deadline)) {
            try {
                Map<String, TopicDescription> descriptions = admin.describeTopics(topics).allTopicNames().get();
                missing = "";
                for (TopicDescription d : descriptions.values()) {
                    for (TopicPartitionInfo p : d.partitions()) {
                        if (p.leader() == null || p.leader().isEmpty()) {
                            missing = d.name() + "-" + p.partition();
                        }
                    }
                }
                if (missing.isEmpty()) {
                    return;
                }
            } catch (ExecutionException e) {
                missing = e.getCause().getMessage();
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("topics " + topics + " have no leader for " + missing + " after "
                + READY_TIMEOUT.toSeconds() + " s");
    }

    private Map<String, Object> adminConfig() {
        Map<String, Object> config = clientConfig();
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, "ebb-testkit");
        return config;
    }

    private void destroyQuietly() {
        Process p = process;
        if (p != null && p.isAlive()) {
            p.destroyForcibly();
            BrokerHost.waitForExit(p, Duration.ofSeconds(10));
        }
    }

    @Override
    public String toString() {
        return "KafkaBroker[" + bootstrapServers() + ", " + dir + "]";
    }
}
