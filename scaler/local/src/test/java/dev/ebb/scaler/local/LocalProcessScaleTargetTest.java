package dev.ebb.scaler.local;

import static dev.ebb.scaler.local.LocalThreadScaleTargetTest.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.scaler.target.ScaleOutcome;
import dev.ebb.scaler.target.TargetRef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalProcessScaleTargetTest {

    private static final TargetRef POOL = new TargetRef("local", "ebb.dev/v1alpha1", "LocalProcesses", "worker");

    /**
     * Writes "drained" to $MARK_DIR/$EBB_WORKER_INDEX on SIGTERM, then exits; touches started-$EBB_WORKER_INDEX once
     * the trap is in place (a SIGTERM before that would just kill the shell).
     */
    private static ProcessSpec graceful(Path markDir) {
        return ProcessSpec.of(List.of("sh", "-c",
                "trap 'echo drained > \"$MARK_DIR/$EBB_WORKER_INDEX\"; exit 0' TERM; "
                        + "touch \"$MARK_DIR/started-$EBB_WORKER_INDEX\"; while true; do sleep 0.05; done"),
                Map.of("MARK_DIR", markDir.toString()));
    }

    private static void awaitStarted(Path markDir, int workers) throws InterruptedException {
        waitUntil(() -> java.util.stream.IntStream.range(0, workers)
                .allMatch(i -> Files.exists(markDir.resolve("started-" + i))));
    }

    private static ScaleOutcome scale(LocalProcessScaleTarget target, int replicas) throws Exception {
        return target.scale(POOL, replicas, "test").toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    @Test
    void stopsTheNewestProcessesWithSigtermOnScaleDown(@TempDir Path marks) throws Exception {
        try (LocalProcessScaleTarget target = new LocalProcessScaleTarget(Duration.ofSeconds(5))) {
            target.register("worker", graceful(marks));
            assertThat(scale(target, 3)).isEqualTo(new ScaleOutcome.Scaled(0, 3));
            List<Long> pids = target.pids("worker");
            assertThat(pids).hasSize(3).allMatch(LocalProcessScaleTargetTest::alive);
            awaitStarted(marks, 3);

            assertThat(scale(target, 1)).isEqualTo(new ScaleOutcome.Scaled(3, 1));

            assertThat(target.pids("worker")).containsExactly(pids.get(0));
            waitUntil(() -> Files.exists(marks.resolve("1")) && Files.exists(marks.resolve("2")));
            assertThat(Files.readString(marks.resolve("2")).trim()).isEqualTo("drained");
            assertThat(marks.resolve("0")).doesNotExist();
            waitUntil(() -> !alive(pids.get(1)) && !alive(pids.get(2)));
        }
    }

    @Test
    void killsAProcessThatIgnoresSigtermAfterTheGracePeriod(@TempDir Path marks) throws Exception {
        ProcessSpec stubborn = ProcessSpec.of(List.of("sh", "-c", "trap '' TERM; "
                + "touch \"$MARK_DIR/started-$EBB_WORKER_INDEX\"; while true; do sleep 0.05; done"),
                Map.of("MARK_DIR", marks.toString()));
        try (LocalProcessScaleTarget target = new LocalProcessScaleTarget(Duration.ofSeconds(2))) {
            target.register("worker", stubborn);
            scale(target, 1);
            long pid = target.pids("worker").get(0);
            awaitStarted(marks, 1);

            scale(target, 0);
            Thread.sleep(100);
            assertThat(alive(pid)).as("still running after SIGTERM, within the grace period").isTrue();

            waitUntil(() -> target.liveChildren() == 0);
            assertThat(alive(pid)).isFalse();
        }
    }

    @Test
    void closeLeavesNoChildProcessBehind(@TempDir Path marks) throws Exception {
        LocalProcessScaleTarget target = new LocalProcessScaleTarget(Duration.ofSeconds(5));
        target.register("worker", graceful(marks));
        scale(target, 2);
        List<Long> pids = target.pids("worker");
        awaitStarted(marks, 2);

        target.close();

        assertThat(pids).noneMatch(LocalProcessScaleTargetTest::alive);
        assertThat(target.liveChildren()).isZero();
        assertThat(marks.resolve("0")).exists();
        assertThat(marks.resolve("1")).exists();
    }

    @Test
    void countsOnlyProcessesThatAreStillRunning() throws Exception {
        try (LocalProcessScaleTarget target = new LocalProcessScaleTarget(Duration.ofSeconds(1))) {
            target.register("worker", ProcessSpec.of(List.of("sh", "-c", "exit 3"), Map.of()));
            scale(target, 2);

            waitUntil(() -> target.pids("worker").isEmpty());
            assertThat(target.currentReplicas(POOL).toCompletableFuture().get()).isZero();
        }
    }

    @Test
    void writesWorkerOutputToTheLogDirectory(@TempDir Path logs) throws Exception {
        ProcessSpec echo = new ProcessSpec(List.of("sh", "-c", "echo hello from $EBB_WORKER_INDEX as $WORKER_ID; sleep 30"),
                Map.of("WORKER_ID", "enricher-{index}"), Optional.empty(), Optional.of(logs));
        try (LocalProcessScaleTarget target = new LocalProcessScaleTarget(Duration.ofSeconds(1))) {
            target.register("worker", echo);
            scale(target, 1);

            waitUntil(() -> Files.exists(logs.resolve("worker-0.log")) && content(logs.resolve("worker-0.log"))
                    .contains("hello from 0 as enricher-0"));
        }
    }

    @Test
    void failsWithAClearMessageWhenTheProgramDoesNotExist() throws Exception {
        try (LocalProcessScaleTarget target = new LocalProcessScaleTarget(Duration.ofSeconds(1))) {
            target.register("worker", ProcessSpec.of(List.of("/nonexistent/ebb-worker"), Map.of()));

            ScaleOutcome outcome = scale(target, 1);

            assertThat(outcome).isInstanceOf(ScaleOutcome.Failed.class);
            assertThat(((ScaleOutcome.Failed) outcome).message()).contains("worker").contains("/nonexistent/ebb-worker");
        }
    }

    @Test
    void rejectsAnEmptyCommand() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ProcessSpec.of(List.of(), Map.of()))
                .hasMessageContaining("for command");
    }

    private static String content(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
