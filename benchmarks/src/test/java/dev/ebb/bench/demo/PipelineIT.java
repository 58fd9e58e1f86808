package dev.ebb.bench.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.scaler.local.LiveLog;
import dev.ebb.testkit.KafkaBroker;
import dev.ebb.testkit.KafkaBrokerExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The event pipeline end to end on a real broker: three SDK functions as thread workers from zero, three
 * ScaledWorkloads in one file, the real scaler loop in local mode. Asserts what happened, never how fast.
 */
@ExtendWith(KafkaBrokerExtension.class)
class PipelineIT {

    @Test
    void eachStageScalesFromZeroOnItsOwnBacklogAndEveryRecordReachesTheStore(KafkaBroker broker, @TempDir Path dir)
            throws Exception {
        double rate = 100;
        // A short burst into orders-raw, then quiet: each stage has a backlog only once the stage before it works.
        Trace trace = new Trace("it", List.of(
                new Trace.Phase("idle", Duration.ofSeconds(2), 0, 0),
                new Trace.Phase(Trace.BURST, Duration.ofSeconds(2), 8 * rate, 8 * rate),
                new Trace.Phase("idle", Duration.ofSeconds(3), 0, 0)));
        PipelineOptions options = PipelineOptions.parse(new String[] {"--partitions", "3", "--worker-rate", "100",
                "--headless"});
        PipelineRun.Settings settings = new PipelineRun.Settings("it" + System.nanoTime() % 100_000, trace,
                PipelineCommand.policy(options), options.partitions(), rate, Duration.ofMillis(500),
                Duration.ofSeconds(90), dir, false);
        LiveLog log = new LiveLog(3600);
        ByteArrayOutputStream terminal = new ByteArrayOutputStream();

        PipelineRun.Result result;
        try (PrintStream print = new PrintStream(terminal, true, StandardCharsets.UTF_8)) {
            result = new PipelineRun(broker, settings, log, print).run();
        }
        String text = result.text() + "\n" + terminal.toString(StandardCharsets.UTF_8);

        assertThat(result.produced()).as(text).isGreaterThan(1000);
        assertThat(result.lost()).as(text).isZero();
        assertThat(result.stored()).as(text).isEqualTo(result.produced());
        for (PipelineRun.StageResult stage : result.stages()) {
            assertThat(stage.peakReplicas()).as("peak replicas of %s; %s", stage.stage().name(), text)
                    .isGreaterThanOrEqualTo(1);
            assertThat(stage.changes().get(0).from()).as("%s starts at zero", stage.stage().name()).isZero();
            assertThat(stage.processed()).as("records %s processed", stage.stage().name())
                    .isEqualTo(result.produced());
            // Every stage was sampled by the loop under its own workload name, on its own group's lag.
            assertThat(log.samples(stage.stage().name())).as("samples of %s", stage.stage().name()).isNotEmpty();
        }
        // Scaled independently: a stage's backlog exists only once the stage before it runs, so each stage's first
        // scale-up was requested after the previous stage's.
        Instant ingest = result.stage(PipelineRun.INGEST).firstScaleUp().orElseThrow();
        Instant enrich = result.stage(PipelineRun.ENRICH).firstScaleUp().orElseThrow();
        Instant store = result.stage(PipelineRun.STORE).firstScaleUp().orElseThrow();
        assertThat(enrich).isAfter(ingest);
        assertThat(store).isAfter(enrich);

        String workloads = Files.readString(dir.resolve("pipeline.yaml"));
        for (PipelineRun.Stage stage : PipelineRun.stages(settings.label())) {
            assertThat(workloads).contains("name: " + stage.name(), "consumerGroup: " + stage.group(),
                    "topics: [" + stage.input() + "]");
        }
    }
}
