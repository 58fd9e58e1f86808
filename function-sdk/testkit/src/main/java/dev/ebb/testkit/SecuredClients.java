package dev.ebb.testkit;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;

/** Client settings for {@link KafkaBroker}'s secured listeners (PEM content, no files) and SCRAM user creation. */
final class SecuredClients {

    private SecuredClients() {
    }

    static Map<String, Object> saslSsl(String bootstrap, TestCertificates certificates, String username,
            String password) {
        Map<String, Object> config = new HashMap<>();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put("security.protocol", "SASL_SSL");
        config.put("sasl.mechanism", "SCRAM-SHA-512");
        config.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                + username + "\" password=\"" + password + "\";");
        config.put("ssl.truststore.type", "PEM");
        config.put("ssl.truststore.certificates", certificates.caCertificate());
        return config;
    }

    static Map<String, Object> mutualTls(String bootstrap, TestCertificates certificates) {
        Map<String, Object> config = new HashMap<>();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put("security.protocol", "SSL");
        config.put("ssl.truststore.type", "PEM");
        config.put("ssl.truststore.certificates", certificates.caCertificate());
        config.put("ssl.keystore.type", "PEM");
        config.put("ssl.keystore.certificate.chain", certificates.clientCertificate());
        config.put("ssl.keystore.key", certificates.clientKey());
        return config;
    }

    /**
     * Adds (or changes) a SCRAM-SHA-512 user through {@code plaintextAdmin} and waits up to {@code timeout} until a
     * client with {@code saslConfig} is accepted.
     */
    static void createScramUser(Map<String, Object> plaintextAdmin, Map<String, Object> saslConfig, String username,
            String password, Duration timeout) {
        Object plaintext = plaintextAdmin.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG);
        Object secured = saslConfig.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG);
        try (Admin admin = Admin.create(plaintextAdmin)) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(username,
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), password))).all().get(30,
                    TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating SCRAM user " + username, e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("could not create SCRAM user " + username + " on " + plaintext + ": "
                    + e.getMessage(), e);
        }
        Map<String, Object> config = new HashMap<>(saslConfig);
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, "ebb-testkit");
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        Instant deadline = Instant.now().plus(timeout);
        Exception last = null;
        while (Instant.now().isBefore(deadline)) {
            try (Admin admin = Admin.create(config)) {
                admin.describeCluster().nodes().get(10, TimeUnit.SECONDS);
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for SCRAM user " + username, e);
            } catch (Exception e) {
                last = e;
                BrokerHost.sleep(Duration.ofMillis(200));
            }
        }
        throw new IllegalStateException("SCRAM user " + username + " not accepted by " + secured + " within "
                + timeout.toSeconds() + " s: " + last, last);
    }
}
