package dev.ebb.scaler.workload;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Which Kafka cluster, as one Admin client sees it: workloads with the same key share one control loop and one
 * Admin client.
 *
 * @param bootstrapServers normalized (trimmed, sorted, comma-separated) so that equal lists compare equal
 * @param credentials identity of the client settings, never their values: e.g. {@code "secret:ns/name@rv;cfg:ab12"}
 */
public record ClusterKey(String bootstrapServers, String credentials) {
    public ClusterKey {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("Invalid value '" + bootstrapServers
                    + "' for spec.kafka.bootstrapServers: must not be blank");
        }
        bootstrapServers = Arrays.stream(bootstrapServers.split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).sorted().collect(Collectors.joining(","));
        credentials = credentials == null ? "" : credentials;
    }

    /** A cluster reached without extra client settings. */
    public static ClusterKey plain(String bootstrapServers) {
        return new ClusterKey(bootstrapServers, "");
    }

    @Override
    public String toString() {
        return credentials.isEmpty() ? bootstrapServers : bootstrapServers + " (" + credentials + ")";
    }
}
