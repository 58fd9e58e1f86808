package dev.ebb.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** The {@code server.properties} of the child broker: single-node defaults and the optional secured listeners. */
final class ServerProperties {

    private ServerProperties() {
    }

    /** The single-node KRaft defaults: PLAINTEXT and CONTROLLER listeners, replication 1, fast group timeouts. */
    static Map<String, String> defaults(Path dir, int brokerPort, int controllerPort) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.bootstrap.servers", "localhost:" + controllerPort);
        p.put("listeners", "PLAINTEXT://localhost:" + brokerPort + ",CONTROLLER://localhost:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://localhost:" + brokerPort);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", dir.resolve("data").toString());
        p.put("num.partitions", "1");
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "10");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "4");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("share.coordinator.state.topic.num.partitions", "4");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("group.consumer.min.session.timeout.ms", "3000");
        p.put("group.consumer.session.timeout.ms", "10000");
        p.put("group.consumer.heartbeat.interval.ms", "500");
        p.put("group.consumer.min.heartbeat.interval.ms", "500");
        p.put("group.share.min.session.timeout.ms", "3000");
        p.put("group.share.session.timeout.ms", "10000");
        p.put("group.share.heartbeat.interval.ms", "500");
        p.put("group.share.min.heartbeat.interval.ms", "500");
        p.put("group.min.session.timeout.ms", "3000");
        p.put("auto.create.topics.enable", "true");
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "4");
        p.put("background.threads", "2");
        return p;
    }

    /**
     * The SASL_SSL (SCRAM-SHA-512) and/or mutual-TLS listeners (a port below 0: none), with the server's PEM key and
     * the CA written to {@code dir}.
     */
    static Map<String, String> secured(Path dir, TestCertificates certificates, int brokerPort, int controllerPort,
            int saslSslPort, int mutualTlsPort) throws IOException {
        Path keystore = dir.resolve("server.pem");
        Files.writeString(keystore, certificates.serverKey() + certificates.serverCertificateChain(),
                StandardCharsets.UTF_8);
        Path truststore = dir.resolve("ca.crt");
        Files.writeString(truststore, certificates.caCertificate(), StandardCharsets.UTF_8);
        Map<String, String> p = new LinkedHashMap<>();
        StringBuilder listeners = new StringBuilder("PLAINTEXT://localhost:" + brokerPort);
        StringBuilder map = new StringBuilder("PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        if (saslSslPort > 0) {
            listeners.append(",SASL_SSL://localhost:").append(saslSslPort);
            map.append(",SASL_SSL:SASL_SSL");
            p.put("sasl.enabled.mechanisms", "SCRAM-SHA-512");
            p.put("listener.name.sasl_ssl.sasl.enabled.mechanisms", "SCRAM-SHA-512");
            p.put("listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config",
                    "org.apache.kafka.common.security.scram.ScramLoginModule required;");
        }
        if (mutualTlsPort > 0) {
            listeners.append(",MTLS://localhost:").append(mutualTlsPort);
            map.append(",MTLS:SSL");
            p.put("listener.name.mtls.ssl.client.auth", "required");
        }
        p.put("listeners", listeners + ",CONTROLLER://localhost:" + controllerPort);
        p.put("advertised.listeners", listeners.toString());
        p.put("listener.security.protocol.map", map.toString());
        p.put("ssl.keystore.type", "PEM");
        p.put("ssl.keystore.location", keystore.toString());
        p.put("ssl.truststore.type", "PEM");
        p.put("ssl.truststore.location", truststore.toString());
        return p;
    }
}
