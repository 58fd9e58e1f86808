package dev.ebb.scaler.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Properties that hold for every decision, over generated specs and observation sequences (seeded, reproducible). */
class PolicyInvariantsTest {

    private static final int RUNS_PER_SEED = 15;
    private static final int TICKS = 120;

    static LongStream seeds() {
        return LongStream.rangeClosed(1, 10);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void everyDecisionRespectsBoundsCapsAndMissingData(long seed) {
        Random random = new Random(seed);
        for (int run = 0; run < RUNS_PER_SEED; run++) {
            PolicySpec spec = randomSpec(random);
            assertThat(spec.validate()).as("generated spec").isEmpty();
            int partitions = 1 + random.nextInt(40);
            WorkloadState state = WorkloadState.initial(random.nextInt(spec.maxReplicas() + 1));
            Instant now = Instant.parse("2026-01-01T00:00:00Z");
            long end = 1_000_000;
            for (int tick = 0; tick < TICKS; tick++) {
                now = now.plusMillis(500 + random.nextInt(4500));
                end += random.nextInt(3) == 0 ? 0 : random.nextInt(200_000);
                Observation obs = random.nextInt(8) == 0
                        ? new Observation.Unavailable(now, "broker down", random.nextBoolean())
                        : randomLag(random, now, partitions, end);
                int current = state.currentReplicas();
                Decision d = ScalingPolicy.decide(spec, obs, state, now);

                String context = "seed " + seed + " run " + run + " tick " + tick + ": " + d.reason();
                assertThat(d.currentReplicas()).as(context).isEqualTo(current);
                assertThat(d.next().currentReplicas()).as(context).isEqualTo(d.desiredReplicas());
                assertThat(d.reason()).as(context).isNotBlank();
                assertThat(ScalingPolicy.decide(spec, obs, state, now)).as("deterministic: " + context).isEqualTo(d);
                if (obs instanceof Observation.Unavailable) {
                    if (current > 0) {
                        assertThat(d.desiredReplicas()).as("never 0 on Unavailable: " + context).isPositive();
                    }
                    assertThat(d.kind()).as(context).isIn(DecisionKind.UNAVAILABLE, DecisionKind.FALLBACK);
                } else {
                    assertThat(d.desiredReplicas()).as("<= max: " + context).isLessThanOrEqualTo(spec.maxReplicas());
                    assertThat(d.desiredReplicas()).as(">= idle: " + context).isGreaterThanOrEqualTo(spec.idleCount());
                    if (d.desiredReplicas() < spec.minReplicas()) {
                        assertThat(d.desiredReplicas()).as("below min only when idle: " + context).isEqualTo(spec.idleCount());
                    }
                    boolean capped = spec.groupKind() == GroupKind.CONSUMER
                            && !(spec.mode() == Mode.THRESHOLD && spec.allowIdleConsumers());
                    if (capped) {
                        assertThat(d.desiredReplicas()).as("partition cap: " + context)
                                .isLessThanOrEqualTo(Math.max(partitions, spec.minReplicas()));
                    }
                }
                // Sometimes the target does not follow (failed scale, someone else scaled).
                state = random.nextInt(10) == 0
                        ? d.next().withCurrentReplicas(random.nextInt(spec.maxReplicas() + 1)) : d.next();
            }
        }
    }

    private static PolicySpec randomSpec(Random random) {
        int min = random.nextInt(4);
        int max = Math.max(1, min) + random.nextInt(40);
        PolicySpec.Builder b = PolicySpec.builder()
                .mode(random.nextBoolean() ? Mode.DRAIN : Mode.THRESHOLD)
                .minReplicas(min).maxReplicas(max)
                .activationLagThreshold(random.nextInt(3) == 0 ? random.nextInt(1000) : 0)
                .lagThreshold(1 + random.nextInt(5000))
                .perReplicaRate(50 + random.nextInt(5000))
                .drainWithin(Duration.ofSeconds(1 + random.nextInt(120)))
                .cooldown(Duration.ofSeconds(random.nextInt(120)))
                .scaleDownWindow(Duration.ofSeconds(random.nextInt(120)))
                .readyDelay(Duration.ofSeconds(random.nextInt(20)))
                .commitInterval(Duration.ofSeconds(random.nextInt(10)))
                .rebalanceGrace(Duration.ofSeconds(random.nextInt(60)))
                .tolerance(random.nextInt(20) / 100.0)
                .groupKind(random.nextInt(4) == 0 ? GroupKind.SHARE : GroupKind.CONSUMER)
                .offsetResetPolicy(random.nextBoolean() ? OffsetResetPolicy.LATEST : OffsetResetPolicy.EARLIEST)
                .allowIdleConsumers(random.nextInt(4) == 0)
                .excludePersistentLag(random.nextInt(4) == 0)
                .scaleToZeroOnInvalidOffset(random.nextInt(4) == 0)
                .limitToPartitionsWithLag(random.nextInt(4) == 0)
                .ensureEvenDistributionOfPartitions(random.nextInt(4) == 0);
        if (random.nextBoolean()) {
            b.idleReplicas(random.nextInt(min + 1));
        }
        if (random.nextBoolean()) {
            b.maxTimeLag(Duration.ofSeconds(5 + random.nextInt(60)));
        }
        if (random.nextInt(3) == 0) {
            b.scaleUpMaxStep(1 + random.nextInt(5));
        }
        if (random.nextInt(3) == 0) {
            b.scaleDownMaxStep(1 + random.nextInt(5));
        }
        if (random.nextBoolean()) {
            FallbackBehavior behavior = FallbackBehavior.values()[random.nextInt(FallbackBehavior.values().length)];
            b.fallback(new Fallback(1 + random.nextInt(4), 1 + random.nextInt(max), behavior));
        }
        if (random.nextInt(4) == 0) {
            b.partitionLimitation("0-" + random.nextInt(10));
        }
        return b.build();
    }

    private static Observation.Lag randomLag(Random random, Instant now, int partitions, long end) {
        List<PartitionLag> list = new ArrayList<>();
        long perPartitionEnd = end / partitions;
        int shape = random.nextInt(4);
        for (int p = 0; p < partitions; p++) {
            boolean committed = random.nextInt(10) != 0;
            long lag = switch (shape) {
                case 0 -> 0;
                case 1 -> random.nextInt(100);
                case 2 -> random.nextInt(100_000);
                default -> random.nextInt(3) == 0 ? perPartitionEnd : 0;
            };
            lag = Math.min(lag, perPartitionEnd);
            list.add(committed
                    ? new PartitionLag("orders", p, perPartitionEnd, 0, OptionalLong.of(perPartitionEnd - lag), lag)
                    : new PartitionLag("orders", p, perPartitionEnd, 0, OptionalLong.empty(), 0));
        }
        OptionalDouble arrivals = random.nextInt(5) == 0 ? OptionalDouble.empty()
                : OptionalDouble.of(random.nextInt(3) == 0 ? 0 : random.nextDouble() * 50_000);
        Optional<Duration> timeLag = random.nextBoolean() ? Optional.empty()
                : Optional.of(Duration.ofMillis(random.nextInt(90_000)));
        OptionalInt members = random.nextBoolean() ? OptionalInt.empty() : OptionalInt.of(random.nextInt(40));
        return new Observation.Lag(now, list, arrivals, OptionalDouble.empty(), timeLag, members);
    }
}
