package dev.ebb.scaler.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.scaler.target.FailureKind;
import dev.ebb.scaler.target.ScaleOutcome;
import dev.ebb.scaler.target.TargetRef;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LocalThreadScaleTargetTest {

    private static final TargetRef POOL = new TargetRef("local", "ebb.dev/v1alpha1", "LocalThreads", "enricher");

    /** A worker that records its start and its graceful close. */
    private static final class RecordingWorkers implements WorkerStarter {
        final List<Integer> started = new CopyOnWriteArrayList<>();
        final List<Integer> closed = new CopyOnWriteArrayList<>();

        @Override
        public AutoCloseable start(int index) {
            started.add(index);
            return () -> closed.add(index);
        }
    }

    private static ScaleOutcome scale(LocalThreadScaleTarget target, TargetRef ref, int replicas) throws Exception {
        return target.scale(ref, replicas, "test").toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    private static int current(LocalThreadScaleTarget target) throws Exception {
        return target.currentReplicas(POOL).toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    @Test
    void startsWorkersOnScaleUp() throws Exception {
        RecordingWorkers workers = new RecordingWorkers();
        try (LocalThreadScaleTarget target = new LocalThreadScaleTarget(Duration.ofSeconds(5))) {
            target.register("enricher", workers);
            assertThat(current(target)).isZero();

            assertThat(scale(target, POOL, 3)).isEqualTo(new ScaleOutcome.Scaled(0, 3));

            assertThat(current(target)).isEqualTo(3);
            assertThat(workers.started).containsExactly(0, 1, 2);
            assertThat(workers.closed).isEmpty();
        }
    }

    @Test
    void drainsNewestWorkersOnScaleDown() throws Exception {
        RecordingWorkers workers = new RecordingWorkers();
        try (LocalThreadScaleTarget target = new LocalThreadScaleTarget(Duration.ofSeconds(5))) {
            target.register("enricher", workers);
            scale(target, POOL, 3);

            assertThat(scale(target, POOL, 1)).isEqualTo(new ScaleOutcome.Scaled(3, 1));

            assertThat(current(target)).isEqualTo(1);
            waitUntil(() -> workers.closed.size() == 2);
            assertThat(workers.closed).containsExactlyInAnyOrder(1, 2);
        }
    }

    @Test
    void slowDrainDoesNotDelayTheNextScaleRequest() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (LocalThreadScaleTarget target = new LocalThreadScaleTarget(Duration.ofSeconds(5))) {
            target.register("enricher", index -> () -> release.await());
            scale(target, POOL, 2);
            scale(target, POOL, 0);

            assertThat(scale(target, POOL, 1)).isEqualTo(new ScaleOutcome.Scaled(0, 1));
            assertThat(target.draining("enricher")).isEqualTo(2);
            release.countDown();
            waitUntil(() -> target.draining("enricher") == 0);
        }
    }

    @Test
    void reportsUnchangedWhenAlreadyAtTheRequestedCount() throws Exception {
        RecordingWorkers workers = new RecordingWorkers();
        try (LocalThreadScaleTarget target = new LocalThreadScaleTarget(Duration.ofSeconds(5))) {
            target.register("enricher", workers);
            scale(target, POOL, 2);

            assertThat(scale(target, POOL, 2)).isEqualTo(new ScaleOutcome.Unchanged(2));
            assertThat(workers.started).hasSize(2);
        }
    }

    @Test
    void closeDrainsEveryWorker() throws Exception {
        RecordingWorkers workers = new RecordingWorkers();
        LocalThreadScaleTarget target = new LocalThreadScaleTarget(Duration.ofSeconds(5));
        target.register("enricher", workers);
        scale(target, POOL, 4);

        target.close();

        assertThat(workers.closed).containsExactlyInAnyOrder(0, 1, 2, 3);
        assertThat(scale(target, POOL, 1)).isInstanceOf(ScaleOutcome.Failed.class);
    }

    @Test
    void failsWithARetriableOutcomeWhenAWorkerCannotStart() throws Exception {
        try (LocalThreadScaleTarget target = new LocalThreadScaleTarget(Duration.ofSeconds(5))) {
            target.register("enricher", index -> {
                if (index == 1) {
                    throw new IllegalStateException("broker unreachable");
                }
                return () -> { };
            });

            ScaleOutcome outcome = scale(target, POOL, 3);

            assertThat(outcome).isInstanceOf(ScaleOutcome.Failed.class);
            ScaleOutcome.Failed failed = (ScaleOutcome.Failed) outcome;
            assertThat(failed.retriable()).isTrue();
            assertThat(failed.message()).contains("enricher").contains("broker unreachable");
            assertThat(current(target)).isEqualTo(1);
        }
    }

    @Test
    void failsForAnUnknownPool() throws Exception {
        try (LocalThreadScaleTarget target = new LocalThreadScaleTarget(Duration.ofSeconds(5))) {
            TargetRef other = new TargetRef("local", "v1", "LocalThreads", "missing");

            ScaleOutcome outcome = scale(target, other, 1);

            assertThat(outcome).isInstanceOf(ScaleOutcome.Failed.class);
            assertThat(((ScaleOutcome.Failed) outcome).kind()).isEqualTo(FailureKind.NOT_FOUND);
            assertThat(((ScaleOutcome.Failed) outcome).message()).contains("missing");
            assertThat(target.currentReplicas(other).toCompletableFuture()).isCompletedExceptionally();
        }
    }

    static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 10 s");
            }
            Thread.sleep(20);
        }
    }
}
