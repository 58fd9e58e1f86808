package dev.ebb.scaler.policy;

import dev.ebb.scaler.policy.WorkloadState.Starting;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Replicas asked for now consume only after {@code readyDelay}. To size them, the policy projects what happens until
 * then, counting the replicas already starting from the moment each becomes ready, so that re-deciding each poll gives
 * the same answer instead of one more replica per poll. This class cuts the time until the horizon into segments of
 * constant consuming replicas; each projection (backlog, age of the oldest record) folds over them.
 */
final class Projection {
    private Projection() {
    }

    /**
     * A stretch of time in seconds from now during which {@code ready} replicas consume.
     *
     * @param from seconds from now
     * @param to seconds from now, at least {@code from}
     * @param ready replicas consuming in between
     */
    record Segment(double from, double to, int ready) {
        double seconds() {
            return to - from;
        }
    }

    /** The segments from now to {@code horizon} seconds; the last one ends at the horizon and may be empty. */
    static List<Segment> segments(int ready, List<Starting> starting, Instant now, double horizon) {
        List<Starting> pending = new ArrayList<>(starting);
        pending.sort(Comparator.comparing(Starting::readyAt));
        List<Segment> segments = new ArrayList<>();
        double t = 0;
        int readyThen = ready;
        for (Starting s : pending) {
            double at = Math.min(horizon, Numbers.seconds(Duration.between(now, s.readyAt())));
            if (at > t) {
                segments.add(new Segment(t, at, readyThen));
                t = at;
            }
            readyThen += s.count();
        }
        segments.add(new Segment(t, horizon, readyThen));
        return segments;
    }

    /** {@code start} carried through every segment by {@code step(value, segment)}. */
    static double fold(List<Segment> segments, double start, SegmentStep step) {
        double value = start;
        for (Segment s : segments) {
            value = step.apply(value, s);
        }
        return value;
    }

    /** One segment's effect on a projected value. */
    @FunctionalInterface
    interface SegmentStep {
        double apply(double value, Segment segment);
    }
}
