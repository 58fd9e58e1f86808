package dev.ebb.scaler.policy;

import dev.ebb.scaler.policy.WorkloadState.PartitionKey;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Lag as KEDA's Kafka scaler counts it ({@code getLagForPartition} / {@code getTotalLag}), from the raw offsets of an
 * observation: partitions outside {@code partitionLimitation} are skipped; a partition without a committed offset
 * counts 1 under {@code latest} and its size under {@code earliest} (0 with {@code scaleToZeroOnInvalidOffset});
 * with {@code excludePersistentLag}, a partition whose committed offset did not move since the previous poll counts 0
 * (but still counts for activation). Unlike KEDA, records deleted by retention are not lag ({@code end - max(committed,
 * logStart)}); without deletions the numbers are KEDA's.
 *
 * @param lag total lag used for the replica count
 * @param lagWithPersistent total lag used for activation (persistent lag included)
 * @param partitions partitions counted (after {@code partitionLimitation})
 * @param partitionsWithLag counted partitions with {@code lag > 0}
 * @param uncommitted counted partitions without a committed offset
 * @param committed committed offsets seen, for the next poll's {@code excludePersistentLag}
 */
record KedaLag(long lag, long lagWithPersistent, int partitions, int partitionsWithLag, int uncommitted,
               Map<PartitionKey, Long> committed) {

    static KedaLag of(PolicySpec spec, PartitionLimitation limitation, Observation.Lag obs,
                      Map<PartitionKey, Long> previous) {
        long lag = 0;
        long lagWithPersistent = 0;
        int partitions = 0;
        int withLag = 0;
        int uncommitted = 0;
        Map<PartitionKey, Long> committed = new HashMap<>();
        for (PartitionLag p : obs.partitions()) {
            if (!limitation.includes(p.partition())) {
                continue;
            }
            partitions++;
            long l;
            long lp;
            OptionalLong c = p.committedOffset();
            if (c.isEmpty()) {
                uncommitted++;
                if (spec.scaleToZeroOnInvalidOffset()) {
                    l = 0;
                } else if (spec.offsetResetPolicy() == OffsetResetPolicy.LATEST) {
                    l = 1;
                } else {
                    l = Math.max(0, p.endOffset() - p.logStartOffset());
                }
                lp = l;
            } else {
                l = p.lag();
                lp = l;
                if (spec.excludePersistentLag()) {
                    PartitionKey key = new PartitionKey(p.topic(), p.partition());
                    Long before = previous.get(key);
                    if (before != null && before == c.getAsLong()) {
                        l = 0;
                    }
                    committed.put(key, c.getAsLong());
                }
            }
            lag += l;
            lagWithPersistent += lp;
            if (l > 0) {
                withLag++;
            }
        }
        return new KedaLag(lag, lagWithPersistent, partitions, withLag, uncommitted, committed);
    }
}
