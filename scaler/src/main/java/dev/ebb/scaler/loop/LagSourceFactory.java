package dev.ebb.scaler.loop;

import dev.ebb.scaler.lag.LagSource;
import dev.ebb.scaler.workload.ClusterKey;
import java.util.Map;

/** Creates the one {@link LagSource} (one Admin client) of a Kafka cluster; the real one is KafkaAdminLagSource. */
@FunctionalInterface
public interface LagSourceFactory {

    LagSource create(ClusterKey cluster, Map<String, Object> clientConfig);
}
