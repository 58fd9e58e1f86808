package dev.ebb.scaler.lag;

import dev.ebb.scaler.policy.Observation;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.DisconnectException;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.InvalidGroupIdException;
import org.apache.kafka.common.errors.NetworkException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.errors.UnsupportedVersionException;

/**
 * Translates Admin failures by cause into {@link Observation.Unavailable}: a sentence that names the group and the
 * bootstrap servers, and whether waiting helps (broker down, timeout) or a person must fix something (credentials,
 * ACLs, a group that does not exist).
 */
final class AdminFailures {

    private AdminFailures() {
    }

    static Throwable unwrap(Throwable t) {
        Throwable cause = t;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    /**
     * @param subject what could not be observed, e.g. {@code consumer group 'orders'}
     */
    static Observation.Unavailable unavailable(Instant at, Throwable failure, String subject, String bootstrap,
                                               Duration apiTimeout) {
        return unavailable(at, failure, subject, bootstrap, apiTimeout, "");
    }

    /**
     * @param security how the client authenticates, for authentication failures: {@code SASL_SSL SCRAM-SHA-512},
     *                 {@code SSL with a client certificate}; never a credential
     */
    static Observation.Unavailable unavailable(Instant at, Throwable failure, String subject, String bootstrap,
                                               Duration apiTimeout, String security) {
        Throwable cause = unwrap(failure);
        String where = "Cannot observe " + subject + " on bootstrap servers " + bootstrap + ": ";
        if (cause instanceof InterruptedException || cause instanceof InterruptException) {
            // Never swallow an interrupt: whoever owns this thread wants it to stop.
            Thread.currentThread().interrupt();
            return new Observation.Unavailable(at, where + "interrupted", true);
        }
        if (cause instanceof TimeoutException) {
            return new Observation.Unavailable(at, where + "no answer within " + human(apiTimeout)
                    + " (broker unreachable or overloaded: " + message(cause) + ")", true);
        }
        if (cause instanceof DisconnectException || cause instanceof NetworkException) {
            return new Observation.Unavailable(at, where + "connection lost (" + message(cause) + ")", true);
        }
        if (cause instanceof AuthenticationException) {
            return new Observation.Unavailable(at, where + "authentication failed"
                    + (security.isEmpty() ? "" : " (" + security + ")") + ", check the credentials ("
                    + message(cause) + ")", false);
        }
        if (cause instanceof AuthorizationException) {
            return new Observation.Unavailable(at, where + "not authorized, grant Describe on the group and "
                    + "Describe on its topics (" + message(cause) + ")", false);
        }
        if (cause instanceof GroupIdNotFoundException) {
            return new Observation.Unavailable(at, where + "the group does not exist", false);
        }
        if (cause instanceof InvalidGroupIdException) {
            return new Observation.Unavailable(at, where + "invalid group id (" + message(cause) + ")", false);
        }
        if (cause instanceof UnknownTopicOrPartitionException) {
            return new Observation.Unavailable(at, where + "topic or partition does not exist ("
                    + message(cause) + ")", true);
        }
        if (cause instanceof UnsupportedVersionException) {
            return new Observation.Unavailable(at, where + "the broker does not support this request ("
                    + message(cause) + ")", false);
        }
        if (cause instanceof RetriableException) {
            return new Observation.Unavailable(at, where + message(cause), true);
        }
        if (cause instanceof KafkaException) {
            // Unknown Kafka errors: hold the workload and keep trying; the reason shows what happened.
            return new Observation.Unavailable(at, where + message(cause), true);
        }
        return new Observation.Unavailable(at, where + "unexpected error " + message(cause), true);
    }

    /** How a client with these settings authenticates, e.g. {@code SASL_SSL SCRAM-SHA-512}; no credential. */
    static String security(java.util.Map<String, Object> config) {
        String protocol = String.valueOf(config.getOrDefault("security.protocol", "PLAINTEXT")).trim()
                .toUpperCase(java.util.Locale.ROOT);
        if (protocol.startsWith("SASL_")) {
            return protocol + " " + config.getOrDefault("sasl.mechanism", "GSSAPI");
        }
        if (protocol.equals("SSL")) {
            return config.containsKey("ssl.keystore.key") || config.containsKey("ssl.keystore.location")
                    ? "SSL with a client certificate" : "SSL";
        }
        return protocol;
    }

    static String message(Throwable cause) {
        String m = cause.getMessage();
        return cause.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
    }

    static String human(Duration d) {
        if (d.toMillis() % 1000 == 0) {
            return d.toSeconds() + "s";
        }
        return d.toMillis() + "ms";
    }
}
