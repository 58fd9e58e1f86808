package dev.ebb.scaler.lag;

import dev.ebb.scaler.policy.Observation;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * Observes the lag of many groups of one Kafka cluster in one batch.
 *
 * <p>The returned stage never completes on a Vert.x event loop thread with blocking work done there; it always
 * completes normally: a group that cannot be observed maps to {@link Observation.Unavailable}, and one failing
 * group never fails the others. Every query passed in has an entry in the result.
 */
public interface LagSource extends AutoCloseable {

    CompletionStage<Map<GroupQuery, Observation>> observe(Collection<GroupQuery> queries);

    @Override
    void close();
}
