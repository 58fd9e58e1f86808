package dev.ebb.bench.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.ebb.scaler.target.ScaleOutcome;
import dev.ebb.scaler.target.ScaleTarget;
import dev.ebb.scaler.target.TargetRef;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

class ReplicaTimelineTest {

    private static final TargetRef REF = new TargetRef("local", "apps/v1", "Deployment", "w");

    /** A clock the test moves by hand. */
    private static final class FakeClock extends Clock {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    /** Always scales from its current count to the requested one. */
    private static final class InMemoryScaleTarget implements ScaleTarget {
        int replicas;

        @Override
        public CompletionStage<Integer> currentReplicas(TargetRef target) {
            return CompletableFuture.completedFuture(replicas);
        }

        @Override
        public CompletionStage<ScaleOutcome> scale(TargetRef target, int to, String reason) {
            int from = replicas;
            replicas = to;
            return CompletableFuture.completedFuture(from == to ? new ScaleOutcome.Unchanged(to)
                    : new ScaleOutcome.Scaled(from, to));
        }
    }

    @Test
    void integratesReplicasOverTimeAndFindsTheFirstScaleUp() {
        FakeClock clock = new FakeClock();
        ReplicaTimeline timeline = new ReplicaTimeline(new InMemoryScaleTarget(), clock, 0);
        Instant start = clock.now;

        clock.now = start.plusSeconds(10);
        timeline.scale(REF, 4, "burst");
        clock.now = start.plusSeconds(20);
        timeline.scale(REF, 4, "same");
        timeline.scale(REF, 1, "down");
        clock.now = start.plusSeconds(30);
        timeline.scale(REF, 0, "idle");

        assertThat(timeline.changes()).hasSize(3);
        assertThat(timeline.replicaSeconds(start.plusSeconds(40))).isCloseTo(4 * 10 + 1 * 10, within(1e-9));
        assertThat(timeline.replicaSeconds(start.plusSeconds(15))).isCloseTo(4 * 5, within(1e-9));
        assertThat(timeline.replicasAt(start.plusSeconds(25))).isEqualTo(1);
        assertThat(timeline.maxReplicas()).isEqualTo(4);
        assertThat(timeline.firstScaleUpAfter(start.plusSeconds(5)).orElseThrow().requestedAt())
                .isEqualTo(start.plusSeconds(10));
        assertThat(timeline.firstScaleUpAfter(start.plusSeconds(11))).isEmpty();
        assertThat(Duration.between(start, timeline.changes().get(2).at())).isEqualTo(Duration.ofSeconds(30));
    }
}
