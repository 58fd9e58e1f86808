package dev.ebb.scaler.lag;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * Where one group stands on one partition, for consumer and share groups alike.
 *
 * @param position the committed offset of a consumer group, the share-partition start offset of a share group;
 *                 empty when there is none (never committed, share partition never initialized)
 * @param reportedLag the lag the broker computed itself (share groups on Kafka 4.x); it wins over the arithmetic
 *                    (see {@link LagCalculator#shareLag})
 */
record GroupOffset(OptionalLong position, Optional<Long> reportedLag) {

    static final GroupOffset NONE = new GroupOffset(OptionalLong.empty(), Optional.empty());

    GroupOffset {
        position = position == null ? OptionalLong.empty() : position;
        reportedLag = reportedLag == null ? Optional.empty() : reportedLag;
    }

    static GroupOffset committed(long offset) {
        return offset < 0 ? NONE : new GroupOffset(OptionalLong.of(offset), Optional.empty());
    }
}
